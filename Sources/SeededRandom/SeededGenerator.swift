import Foundation

/// A small deterministic random number generator (SplitMix64), so seeded inputs, random weights and
/// bootstrap resamples are reproducible for a given seed on every platform and Swift version.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `0..<bound` (unbiased, via the standard library).
    public mutating func nextIndex(below bound: Int) -> Int {
        Int.random(in: 0..<bound, using: &self)
    }

    /// Two independent standard normal samples (Box–Muller, float32).
    public mutating func normalPair() -> (Float, Float) {
        let u1 = Float(next() >> 40 + 1) * 0x1p-24          // (0, 1]
        let u2 = Float(next() >> 40) * 0x1p-24              // [0, 1)
        let radius = (-2 * logf(u1)).squareRoot(), angle = 2 * Float.pi * u2
        return (radius * cosf(angle), radius * sinf(angle))
    }

    /// A standard normal sample.
    public mutating func normal() -> Float { normalPair().0 }
}
