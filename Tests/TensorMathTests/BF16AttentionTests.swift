import TensorMath
import TestSupport
import XCTest

/// `bf16SelfAttention` against a float64 reference of unmasked scaled dot-product attention.
///
/// Tolerance: relative Frobenius error ≤ 1e-2 per output. Q, K, P and V are rounded to bf16
/// (2⁻⁹ relative each); scores of magnitude ~3 turn that into ≈ 1e-2 relative error on single
/// probabilities, and averaging over keys brings the output error to a few 1e-3.
final class BF16AttentionTests: XCTestCase {
    /// Float64 reference: softmax(q·kᵀ/√d)·v per batch and head of a fused Q|K|V `[B, L, 3W]`.
    static func reference(_ qkv: [Float], batch: Int, length: Int, heads: Int, headDim: Int) -> [Double] {
        let width = heads * headDim
        var out = [Double](repeating: 0, count: batch * length * width)
        func at(_ b: Int, _ t: Int, _ column: Int) -> Double { Double(qkv[(b * length + t) * 3 * width + column]) }
        for b in 0..<batch {
            for h in 0..<heads {
                for i in 0..<length {
                    var scores = (0..<length).map { j in
                        (0..<headDim).reduce(0.0) { $0 + at(b, i, h * headDim + $1) * at(b, j, width + h * headDim + $1) }
                            / Double(headDim).squareRoot()
                    }
                    let top = scores.max()!
                    scores = scores.map { exp($0 - top) }
                    let total = scores.reduce(0, +)
                    for c in 0..<headDim {
                        let value = (0..<length).reduce(0.0) { $0 + scores[$1] * at(b, $1, 2 * width + h * headDim + c) }
                        out[(b * length + i) * width + h * headDim + c] = value / total
                    }
                }
            }
        }
        return out
    }

    static func relativeError(_ actual: [Float], _ expected: [Double]) -> Double {
        let difference = zip(actual, expected).reduce(0.0) { $0 + (Double($1.0) - $1.1) * (Double($1.0) - $1.1) }
        return (difference / expected.reduce(0.0) { $0 + $1 * $1 }).squareRoot()
    }

    func kernelsToTest() -> [BF16Kernel] {
        BF16GEMM.cpuHasAVX512BF16 ? [.avx512bf16, .portable] : [.portable]
    }

    /// Odd lengths (K = L odd in P·V), one position, head widths below one panel and an odd one.
    func testMatchesFloat64ReferenceForEachKernel() {
        var rng = SeededGenerator(seed: 42)
        for (batch, length, heads, headDim) in [(2, 37, 3, 8), (1, 1, 2, 4), (1, 70, 2, 33), (3, 5, 1, 64)] {
            let width = heads * headDim
            let values = (0..<batch * length * 3 * width).map { _ in Float.random(in: -1.5...1.5, using: &rng) }
            let qkv = Tensor(shape: [batch, length, 3 * width], storage: values)
            let expected = Self.reference(values, batch: batch, length: length, heads: heads, headDim: headDim)
            for kernel in kernelsToTest() {
                let out = bf16SelfAttention(qkv, heads: heads, kernel: kernel)
                XCTAssertEqual(out.shape, [batch, length, width])
                let error = Self.relativeError(out.storage, expected)
                XCTAssertLessThanOrEqual(error, 1e-2, "\(kernel) B=\(batch) L=\(length) heads=\(heads)x\(headDim)")
                if length > 1 { XCTAssertGreaterThan(error, 0, "bf16 rounding must show") }
            }
        }
    }

    /// Heads are split between threads; each head's products are independent, so the split
    /// cannot change any value.
    func testThreadSplitDoesNotChangeResults() {
        var rng = SeededGenerator(seed: 5)
        let (batch, length, heads, headDim) = (2, 41, 3, 16)
        let values = (0..<batch * length * 3 * heads * headDim).map { _ in Float.random(in: -1...1, using: &rng) }
        let qkv = Tensor(shape: [batch, length, 3 * heads * headDim], storage: values)
        let saved = BF16GEMM.threadCount
        defer { BF16GEMM.threadCount = saved }
        BF16GEMM.threadCount = 1
        let single = bf16SelfAttention(qkv, heads: heads)
        BF16GEMM.threadCount = 4
        XCTAssertEqual(bf16SelfAttention(qkv, heads: heads).storage, single.storage)
    }
}
