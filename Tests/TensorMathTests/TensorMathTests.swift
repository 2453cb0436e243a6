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
        forEachVectorKernel { _ in assertAttentionMatchesFloat64(lq: 4, lk: 6, heads: 2, headDim: 8) }
    }

    /// The same with ViT-like sizes, which run whole heads concurrently on single-threaded GEMMs
    /// (groups of more than 16 query rows) — tolerance 1e-5.
    func testConcurrentHeadsMatchFloat64() {
        forEachVectorKernel { _ in assertAttentionMatchesFloat64(lq: 80, lk: 90, heads: 6, headDim: 64) }
    }

    /// Concurrent heads give exactly what each head computes on its own (one head, one task: the
    /// multi-threaded GEMM path).
    func testConcurrentHeadsEqualHeadsComputedAlone() {
        let l = 100, heads = 8, hd = 64, width = heads * hd
        let qkv = rng.normalTensor([1, l, 3 * width], std: 1)
        var bias = rng.normalTensor([1, l], std: 1)
        bias.storage[l - 1] = -10000
        let all = multiHeadAttention(query: HeadBlock(qkv), key: HeadBlock(qkv, column: width),
                                     value: HeadBlock(qkv, column: 2 * width), heads: heads, headDim: hd, keyBias: bias)
        for h in 0..<heads {
            let alone = multiHeadAttention(query: HeadBlock(qkv, column: h * hd), key: HeadBlock(qkv, column: width + h * hd),
                                           value: HeadBlock(qkv, column: 2 * width + h * hd), heads: 1, headDim: hd, keyBias: bias)
            XCTAssertEqual(alone.storage, all.columns((h * hd)..<((h + 1) * hd)).storage, "head \(h)")
        }
    }

    /// Three query batches over two key batches (`keyBatch` [1, 0, 0]: batches 1 and 2 form one
    /// group), a padded key, with and without the causal mask, against float64.
    private func assertAttentionMatchesFloat64(lq: Int, lk: Int, heads: Int, headDim hd: Int,
                                               file: StaticString = #filePath, line: UInt = #line) {
        let batch = 3, width = heads * hd
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
            assertClose(out, ref, atol: 1e-5, "attention \(lq)×\(lk), \(heads) heads, causal=\(causal)", file: file, line: line)
        }
    }

    /// LayerNorm on the multi-core path, rows with a common offset (mean up to 12× the spread) and a
    /// width with a vector tail, written into a reused buffer — tolerance 2e-6 (outputs |y| ≲ 5;
    /// the float32 `x − mean` contributes up to ulp(x)/σ).
    func testLayerNormIntoReusedBufferMatchesFloat64() {
        let rows = 300, d = 771
        var x = rng.normalTensor([rows, d], std: 1.5)
        for r in 0..<rows { for j in 0..<d { x.storage[r * d + j] += Float(r % 7) * 3 } }
        let g = rng.normalTensor([d], std: 0.2, mean: 1), b = rng.normalTensor([d], std: 0.1)
        var out = rng.normalTensor([rows, d], std: 1)          // stale contents must be overwritten
        x.layerNormalize(into: &out, gamma: g, beta: b, eps: 1e-5)
        var ref = [Double]()
        for r in 0..<rows {
            let row = (0..<d).map { Double(x.storage[r * d + $0]) }
            let mean = row.reduce(0, +) / Double(d)
            let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(d)
            for j in 0..<d { ref.append((row[j] - mean) / (variance + 1e-5).squareRoot() * Double(g.storage[j]) + Double(b.storage[j])) }
        }
        assertClose(out, ref, atol: 2e-6, "layerNorm into")
        XCTAssertEqual(out, x.layerNormalized(gamma: g, beta: b, eps: 1e-5))
    }

    /// Row fill and row add on the multi-core path, and `resize` keeping or replacing storage.
    func testFillRowsAddRowAndResize() {
        let rows = 200, d = 301
        let row = rng.normalTensor([d], std: 1), other = rng.normalTensor([d], std: 1)
        var t = rng.normalTensor([rows, d], std: 1)
        t.fillRows(with: row)
        t.addRow(other)
        assertClose(t, (0..<(rows * d)).map { Double(row.storage[$0 % d]) + Double(other.storage[$0 % d]) }, atol: 1e-6, "fill + add rows")
        let before = t.storage
        t.resize(to: [d, rows])
        XCTAssertEqual(t.shape, [d, rows])
        XCTAssertEqual(t.storage, before)
        t.resize(to: [3, 4])
        XCTAssertEqual(t, Tensor(shape: [3, 4]))
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
