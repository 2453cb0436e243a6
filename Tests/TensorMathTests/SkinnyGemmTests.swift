import TensorMath
import TestSupport
import XCTest

/// Checks the few-row GEMM `C = alpha·A·Bᵀ + beta·C` (both C kernels, with and without the
/// column split over threads) against a float64 reference on seeded random inputs with row strides
/// wider than the rows.
///
/// Tolerance: per element, |error| ≤ 1e-5 · Σₚ|alpha·a_ip·b_jp| + 1e-6·|beta·c_ij| (a float32 dot
/// product of k ≤ 600 terms in 8-lane partial sums has error ≲ (k/8 + 8)·2⁻²⁴ ≈ 5e-6 of that scale).
final class SkinnyGemmTests: XCTestCase {
    func testMatchesFloat64ReferenceForEveryRowCount() {
        var rng = SeededGenerator(seed: 51)
        // (n, k): tails of k below 8 and 16, one product large enough to be split over threads, and
        // k above the 768-float block (two whole blocks and a tail).
        let shapes = [(1, 1), (5, 7), (3, 8), (33, 17), (9, 64), (300, 530), (7, 1700)]
        for portable in [false, true] {
            SkinnyGemm.forcePortable(portable)
            defer { SkinnyGemm.forcePortable(false) }
            for m in 1...SkinnyGemm.rowLimit {
                for (n, k) in shapes {
                    for (alpha, beta) in [(Float(1), Float(0)), (0.125, 1), (-2, 0.5)] {
                        let lda = k + 3, ldb = k + 5, ldc = n + 2
                        let a = (0..<(m * lda)).map { _ in Float.random(in: -1...1, using: &rng) }
                        let b = (0..<(n * ldb)).map { _ in Float.random(in: -1...1, using: &rng) }
                        let initial = (0..<(m * ldc)).map { _ in Float.random(in: -1...1, using: &rng) }
                        var c = initial
                        a.withUnsafeBufferPointer { ap in
                            b.withUnsafeBufferPointer { bp in
                                c.withUnsafeMutableBufferPointer { cp in
                                    SkinnyGemm.multiply(m: m, n: n, k: k, alpha: alpha, a: ap.baseAddress!, lda: lda,
                                                        b: bp.baseAddress!, ldb: ldb, beta: beta, c: cp.baseAddress!, ldc: ldc)
                                }
                            }
                        }
                        var worst = 0.0
                        for i in 0..<m {
                            for j in 0..<n {
                                var dot = 0.0, scale = 0.0
                                for p in 0..<k {
                                    let term = Double(alpha) * Double(a[i * lda + p]) * Double(b[j * ldb + p])
                                    dot += term
                                    scale += abs(term)
                                }
                                let old = Double(beta) * Double(initial[i * ldc + j])
                                let error = abs(Double(c[i * ldc + j]) - (dot + old))
                                worst = max(worst, error / (1e-5 * scale + 1e-6 * abs(old) + 1e-30))
                            }
                            // Padding columns of C are left alone.
                            for j in n..<ldc { XCTAssertEqual(c[i * ldc + j], initial[i * ldc + j]) }
                        }
                        XCTAssertLessThanOrEqual(worst, 1, "m \(m) n \(n) k \(k) alpha \(alpha) beta \(beta) portable \(portable)")
                    }
                }
            }
        }
    }

    /// `Gemm.multiply` sends few-row `A·Bᵀ` products here; they agree with a linear layer through
    /// OpenBLAS on more rows (the same rows taken from a larger batch) to float32 rounding.
    func testFewRowLinearAgreesWithManyRowLinear() {
        var rng = SeededGenerator(seed: 52)
        let x = rng.normalTensor([20, 96], std: 1), weight = rng.normalTensor([70, 96], std: 0.1)
        let bias = rng.normalTensor([70], std: 1)
        let many = linear(x, weight: weight, bias: bias)
        let few = linear(x.rows(0..<5), weight: weight, bias: bias)
        XCTAssertLessThanOrEqual(maxAbsDifference(few.storage, many.storage[0..<(5 * 70)].map(Double.init)), 1e-5)
    }

    /// A row's result does not depend on how many rows are multiplied with it (the K/V-cache decoder
    /// relies on this to decode the identical first rows of the beams once): exact equality, with k
    /// spanning several 768-float blocks.
    func testRowResultDoesNotDependOnRowCount() {
        var rng = SeededGenerator(seed: 53)
        let x = rng.normalTensor([SkinnyGemm.rowLimit, 2000], std: 1), weight = rng.normalTensor([40, 2000], std: 0.1)
        for portable in [false, true] {
            SkinnyGemm.forcePortable(portable)
            defer { SkinnyGemm.forcePortable(false) }
            let all = linear(x, weight: weight, bias: nil)
            for m in 1...SkinnyGemm.rowLimit {
                let few = linear(x.rows(0..<m), weight: weight, bias: nil)
                XCTAssertEqual(few.storage, Array(all.storage[0..<(m * 40)]), "m \(m) portable \(portable)")
            }
        }
    }
}
