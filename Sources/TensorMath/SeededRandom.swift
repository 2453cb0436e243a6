import Foundation

/// A small deterministic random generator (SplitMix64) for seeded test inputs and random weights.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Two independent standard normal samples (Box–Muller).
    public mutating func normalPair() -> (Float, Float) {
        let u1 = Float(next() >> 40 + 1) * 0x1p-24          // (0, 1]
        let u2 = Float(next() >> 40) * 0x1p-24              // [0, 1)
        let radius = (-2 * logf(u1)).squareRoot(), angle = 2 * Float.pi * u2
        return (radius * cosf(angle), radius * sinf(angle))
    }

    /// A standard normal sample.
    public mutating func normal() -> Float { normalPair().0 }

    /// A tensor of `shape` with entries `mean + std · N(0, 1)`.
    public mutating func normalTensor(_ shape: [Int], std: Float, mean: Float = 0) -> Tensor {
        let n = shape.reduce(1, *)
        var values = [Float](repeating: 0, count: n)
        var i = 0
        while i < n {
            let (a, b) = normalPair()
            values[i] = mean + std * a
            if i + 1 < n { values[i + 1] = mean + std * b }
            i += 2
        }
        return Tensor(shape: shape, storage: values)
    }
}
