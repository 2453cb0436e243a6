import Foundation
import XCTest
import TensorMath

/// Runs `body` with the portable Swift kernels and, when the CPU has AVX-512F, with the C kernels
/// (`VectorKernels.forcePortable`), passing a label for messages.
func forEachVectorKernel(_ body: (String) throws -> Void) rethrows {
    defer { VectorKernels.forcePortable = false }
    for portable in VectorKernels.cpuHasAVX512F ? [true, false] : [true] {
        VectorKernels.forcePortable = portable
        try body(portable ? "portable" : "avx512f")
    }
}

/// The vectorized exp and the softmax / QuickGELU loops built on it, against float64, on sizes that
/// are not multiples of the vector width, for each kernel (portable Swift, AVX-512F C).
final class VectorMathTests: XCTestCase {
    private var rng = SeededGenerator(seed: 2_205_12005)

    /// Relative error ≤ 2 ulp over the documented range, including both clamp ends, for both the
    /// 8-lane Swift `exp` and the array form with each kernel.
    func testExpWithinTwoUlpOfFloat64() {
        var inputs: [Float] = [-86, -85.99, -10, -1e-3, 0, 1e-3, 1, 10, 88.7, 88.72283]
        inputs += (0..<40_001).map { _ in Float.random(in: -86...88.72, using: &rng) }
        func check(_ x: Float, _ e: Float, _ kernel: String) {
            let expected = Foundation.exp(Double(x)), ulp = Double(Float(expected).ulp)
            XCTAssertLessThanOrEqual(abs(Double(e) - expected), 2 * ulp, "\(kernel): exp(\(x)) = \(e), expected \(expected)")
        }
        for start in stride(from: 0, to: inputs.count, by: 8) {
            var v = FloatVector()
            for j in 0..<8 { v[j] = inputs[min(start + j, inputs.count - 1)] }
            let e = exp(v)
            for j in 0..<8 { check(v[j], e[j], "SIMD8") }
        }
        // Clamped ends: tiny positive (never NaN or negative) and finite.
        let ends = exp(FloatVector(-1e4, -1e9, -.infinity, 1e4, 100, 0, 0, 0))
        for j in 0..<3 { XCTAssertTrue(ends[j] >= 0 && ends[j] < 1e-37, "\(ends[j])") }
        for j in 3..<5 { XCTAssertTrue(ends[j].isFinite && ends[j] > 3e38, "\(ends[j])") }
        forEachVectorKernel { kernel in
            let e = VectorKernels.exp(inputs)     // 40 011 values: a partial last vector
            for i in inputs.indices { check(inputs[i], e[i], kernel) }
            let ends = VectorKernels.exp([-87, -1e4, -1e30, -.infinity, 88.8, 1e4, .infinity])
            for j in 0..<4 { XCTAssertTrue(ends[j] >= 0 && ends[j] < 1e-37, "\(kernel): \(ends[j])") }
            for j in 4..<7 { XCTAssertTrue(ends[j].isFinite && ends[j] > 3e38, "\(kernel): \(ends[j])") }
        }
    }

    /// Softmax rows of odd widths (vector tail), with −10000 masked entries — tolerance 2e-7 absolute.
    func testSoftmaxOddWidthsMatchFloat64() {
        forEachVectorKernel { kernel in
        for width in [1, 7, 8, 9, 15, 16, 17, 31, 577] {
            var x = rng.normalTensor([5, width], std: 3, mean: 1)
            if width > 2 { x.storage[width - 1] -= 10000 }       // row 0: a masked key
            let input = x.storage
            x.softmaxRows()
            for r in 0..<5 {
                let row = (0..<width).map { Double(input[r * width + $0]) }
                let e = row.map { Foundation.exp($0 - row.max()!) }, total = e.reduce(0, +)
                for j in 0..<width {
                    XCTAssertEqual(Double(x.storage[r * width + j]), e[j] / total, accuracy: 2e-7, "\(kernel): width \(width) row \(r) col \(j)")
                }
            }
        }
        }
    }

    /// QuickGELU on a count with a tail and on the multi-core path — tolerance 2e-6 absolute (|x| ≲ 20).
    func testQuickGeluMatchesFloat64() {
        forEachVectorKernel { kernel in
        for shape in [[3, 13], [700, 101]] {
            let x = rng.normalTensor(shape, std: 4)
            var y = x
            y.apply(.quickGelu)
            for i in x.storage.indices {
                let v = Double(x.storage[i])
                XCTAssertEqual(Double(y.storage[i]), v / (1 + Foundation.exp(-1.702 * v)), accuracy: 2e-6, "\(kernel): x = \(v)")
            }
        }
        }
    }

    /// Exact GELU against float64 `erfc` (accurate in the negative tail): absolute error ≤ 1e-6 and
    /// relative error ≤ 1e-4 wherever |GELU(x)| > 1e-30, for x ∈ [−12, 12] with a vector tail.
    func testGeluMatchesFloat64() {
        var x = Tensor(shape: [1, 24_003], storage: (0..<24_003).map { Float(-12 + 24 * Double($0) / 24_002) })
        x.storage[100] = 0
        let input = x.storage
        x.apply(.gelu)
        for i in input.indices {
            let v = Double(input[i]), expected = 0.5 * v * erfc(-v / 2.0.squareRoot())
            let error = abs(Double(x.storage[i]) - expected)
            XCTAssertLessThanOrEqual(error, 1e-6, "gelu(\(v))")
            if abs(expected) > 1e-30 { XCTAssertLessThanOrEqual(error / abs(expected), 1e-4, "gelu(\(v)) relative") }
        }
    }
}
