import Foundation
import XCTest
import TensorMath

/// The vectorized exp and the softmax / QuickGELU loops built on it, against float64, on sizes that
/// are not multiples of the vector width.
final class VectorMathTests: XCTestCase {
    private var rng = SeededGenerator(seed: 2_205_12005)

    /// Relative error ≤ 2 ulp over the documented range, including both clamp ends.
    func testExpWithinTwoUlpOfFloat64() {
        var inputs: [Float] = [-86, -85.99, -10, -1e-3, 0, 1e-3, 1, 10, 88.7, 88.72283]
        inputs += (0..<40_000).map { _ in Float.random(in: -86...88.72, using: &rng) }
        for start in stride(from: 0, to: inputs.count, by: 8) {
            var v = FloatVector()
            for j in 0..<8 { v[j] = inputs[min(start + j, inputs.count - 1)] }
            let e = exp(v)
            for j in 0..<8 {
                let x = v[j], expected = Foundation.exp(Double(x))
                let ulp = Double(Float(expected).ulp)
                XCTAssertLessThanOrEqual(abs(Double(e[j]) - expected), 2 * ulp, "exp(\(x)) = \(e[j]), expected \(expected)")
            }
        }
        // Clamped ends: tiny positive (never NaN or negative) and finite.
        let ends = exp(FloatVector(-1e4, -1e9, -.infinity, 1e4, 100, 0, 0, 0))
        for j in 0..<3 { XCTAssertTrue(ends[j] >= 0 && ends[j] < 1e-37, "\(ends[j])") }
        for j in 3..<5 { XCTAssertTrue(ends[j].isFinite && ends[j] > 3e38, "\(ends[j])") }
    }

    /// Softmax rows of odd widths (vector tail), with −10000 masked entries — tolerance 2e-7 absolute.
    func testSoftmaxOddWidthsMatchFloat64() {
        for width in [1, 7, 8, 9, 31, 577] {
            var x = rng.normalTensor([5, width], std: 3, mean: 1)
            if width > 2 { x.storage[width - 1] -= 10000 }       // row 0: a masked key
            let input = x.storage
            x.softmaxRows()
            for r in 0..<5 {
                let row = (0..<width).map { Double(input[r * width + $0]) }
                let e = row.map { Foundation.exp($0 - row.max()!) }, total = e.reduce(0, +)
                for j in 0..<width {
                    XCTAssertEqual(Double(x.storage[r * width + j]), e[j] / total, accuracy: 2e-7, "width \(width) row \(r) col \(j)")
                }
            }
        }
    }

    /// QuickGELU on a count with a tail and on the multi-core path — tolerance 2e-6 absolute (|x| ≲ 20).
    func testQuickGeluMatchesFloat64() {
        for shape in [[3, 13], [700, 101]] {
            let x = rng.normalTensor(shape, std: 4)
            var y = x
            y.apply(.quickGelu)
            for i in x.storage.indices {
                let v = Double(x.storage[i])
                XCTAssertEqual(Double(y.storage[i]), v / (1 + Foundation.exp(-1.702 * v)), accuracy: 2e-6, "x = \(v)")
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
