import Foundation
import XCTest
import TensorMath

/// Float32 kernels against float64 reference computations on seeded random inputs.
final class TensorMathTests: XCTestCase {
    private var rng = SeededGenerator(seed: 20_240_611)

    private func doubles(_ t: Tensor) -> [Double] { t.storage.map(Double.init) }

    private func assertClose(_ actual: Tensor, _ expected: [Double], atol: Double, _ what: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, what, file: file, line: line)
        var worst = 0.0
        for i in expected.indices { worst = max(worst, abs(Double(actual.storage[i]) - expected[i])) }
        XCTAssertLessThanOrEqual(worst, atol, "\(what): max abs error \(worst)", file: file, line: line)
    }

    /// Linear layer (sgemm, bias) — tolerance 1e-5 for |values| ≲ 5 and k = 96.
    func testLinearMatchesFloat64() {
        let x = rng.normalTensor([3, 5, 96], std: 1)
        let w = rng.normalTensor([40, 96], std: 0.1)
        let b = rng.normalTensor([40], std: 0.1)
        let y = linear(x, weight: w, bias: b)
        XCTAssertEqual(y.shape, [3, 5, 40])
        var ref = [Double](repeating: 0, count: 15 * 40)
        for r in 0..<15 { for o in 0..<40 {
            var s = Double(b.storage[o])
            for i in 0..<96 { s += Double(x.storage[r * 96 + i]) * Double(w.storage[o * 96 + i]) }
            ref[r * 40 + o] = s
        } }
        assertClose(y, ref, atol: 1e-5, "linear")
    }

    /// LayerNorm, GELU (erf), QuickGELU, softmax and residual add — tolerance 2e-6.
    func testElementWiseKernels() {
        let x = rng.normalTensor([70, 33], std: 2, mean: 0.5)
        let g = rng.normalTensor([33], std: 0.1, mean: 1), b = rng.normalTensor([33], std: 0.1)
        let ln = x.layerNormalized(gamma: g, beta: b, eps: 1e-5)
        var lnRef = [Double]()
        for r in 0..<70 {
            let row = (0..<33).map { Double(x.storage[r * 33 + $0]) }
            let mean = row.reduce(0, +) / 33
            let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 33
            for j in 0..<33 { lnRef.append((row[j] - mean) / (variance + 1e-5).squareRoot() * Double(g.storage[j]) + Double(b.storage[j])) }
        }
        assertClose(ln, lnRef, atol: 2e-6, "layerNorm")

        var gelu = x; gelu.apply(.gelu)
        assertClose(gelu, doubles(x).map { 0.5 * $0 * (1 + erf($0 / 2.0.squareRoot())) }, atol: 2e-6, "gelu")
        var quick = x; quick.apply(.quickGelu)
        assertClose(quick, doubles(x).map { $0 / (1 + exp(-1.702 * $0)) }, atol: 2e-6, "quickGelu")

        var soft = x; soft.softmaxRows()
        var softRef = [Double]()
        for r in 0..<70 {
            let row = (0..<33).map { Double(x.storage[r * 33 + $0]) }
            let e = row.map { exp($0 - row.max()!) }, s = e.reduce(0, +)
            softRef += e.map { $0 / s }
        }
        assertClose(soft, softRef, atol: 2e-7, "softmax")

        let y = rng.normalTensor([70, 33], std: 1)
        var sum = x; sum.add(y)
        assertClose(sum, zip(doubles(x), doubles(y)).map { $0 + $1 }, atol: 1e-6, "residual add")
    }

    /// Large element-wise inputs take the multi-core path; the result must equal the serial one
    /// (row by row, each small enough to run inline).
    func testParallelPathEqualsSerialDefinition() {
        let x = rng.normalTensor([600, 300], std: 1)
        for activation in [Activation.gelu, .quickGelu] {
            var whole = x; whole.apply(activation)
            for r in stride(from: 0, to: 600, by: 37) {
                var row = x.rows(r..<(r + 1)); row.apply(activation)
                XCTAssertEqual(Array(whole.storage[(r * 300)..<((r + 1) * 300)]), row.storage, "\(activation) row \(r)")
            }
        }
    }

    /// Multi-head attention with padding bias, causal mask and shared keys — tolerance 1e-5.
    func testAttentionMatchesFloat64() {
        let batch = 3, lq = 4, lk = 6, heads = 2, hd = 8, width = heads * hd
        let q = rng.normalTensor([batch, lq, width], std: 1)
        let kv = rng.normalTensor([2, lk, 2 * width], std: 1)   // fused K|V, two key batches
        var bias = Tensor(shape: [2, lk])
        bias.storage[lk - 1] = -10000                          // key batch 0: last key padded
        let keyBatch = [1, 0, 0]
        for causal in [false, true] {
            let out = multiHeadAttention(query: HeadBlock(q), key: HeadBlock(kv), value: HeadBlock(kv, column: width),
                                         heads: heads, headDim: hd, keyBias: bias, causal: causal, keyBatch: keyBatch)
            var ref = [Double](repeating: 0, count: batch * lq * width)
            for b in 0..<batch { for h in 0..<heads { for i in 0..<lq {
                let kb = keyBatch[b]
                var scores = [Double]()
                for j in 0..<lk {
                    var s = 0.0
                    for d in 0..<hd {
                        s += Double(q.storage[(b * lq + i) * width + h * hd + d]) * Double(kv.storage[(kb * lk + j) * 2 * width + h * hd + d])
                    }
                    let future = causal && j > i + (lk - lq)
                    scores.append(s / Double(hd).squareRoot() + (future ? -10000 : Double(bias.storage[kb * lk + j])))
                }
                let e = scores.map { exp($0 - scores.max()!) }, total = e.reduce(0, +)
                for d in 0..<hd {
                    var s = 0.0
                    for j in 0..<lk { s += e[j] / total * Double(kv.storage[(kb * lk + j) * 2 * width + width + h * hd + d]) }
                    ref[(b * lq + i) * width + h * hd + d] = s
                }
            } } }
            assertClose(out, ref, atol: 1e-5, "attention causal=\(causal)")
        }
    }

    /// Keys/values read from the filled part of a larger buffer (a K/V cache) equal the compact ones.
    func testAttentionOverPartlyFilledKeyBuffer() {
        let batch = 2, lk = 5, capacity = 9, width = 12
        let q = rng.normalTensor([batch, 1, width], std: 1)
        let buffer = rng.normalTensor([batch, capacity, 2 * width], std: 1)
        var compact = Tensor(shape: [batch, lk, 2 * width])
        for b in 0..<batch { for t in 0..<lk { for c in 0..<(2 * width) {
            compact.storage[(b * lk + t) * 2 * width + c] = buffer.storage[(b * capacity + t) * 2 * width + c]
        } } }
        let fromBuffer = multiHeadAttention(query: HeadBlock(q), key: HeadBlock(buffer, length: lk),
                                            value: HeadBlock(buffer, column: width, length: lk), heads: 3, headDim: 4, causal: true)
        let fromCompact = multiHeadAttention(query: HeadBlock(q), key: HeadBlock(compact), value: HeadBlock(compact, column: width),
                                             heads: 3, headDim: 4, causal: true)
        XCTAssertEqual(fromBuffer, fromCompact)
    }
}
