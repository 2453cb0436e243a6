import TensorMath
import TestSupport
import XCTest

/// `decodingAttention` (both C kernels, one thread and heads split over threads) against a float64
/// reference of scaled dot-product attention with an additive key bias and shared key batches,
/// reading K and V in place from fused projections. Tolerance 1e-5 absolute on outputs of O(1)
/// (float32 dot products of 16–48 terms, a softmax over ≤ 600 keys, sums of ≤ 600 products).
final class DecodingAttentionTests: XCTestCase {
    func testMatchesFloat64Reference() {
        var rng = SeededGenerator(seed: 61)
        // (heads, headDim, keys, query rows per batch, key batch of each query batch)
        let cases: [(Int, Int, Int, Int, [Int]?)] = [
            (2, 16, 7, 1, nil),                 // self-attention shape: own keys per row
            (3, 20, 33, 1, [0, 0, 0, 1, 1]),    // beams sharing a memory; head dim not a multiple of 8
            (12, 48, 600, 1, [0, 0, 0, 0, 0]),  // large enough to split the heads over threads
            (4, 8, 5, 2, [1, 0]),
            (3, 64, 41, 1, [0, 0, 0, 0, 0, 0, 0, 0]),  // the decoder's head dim; 8 rows: groups of 3, 3, 2
        ]
        for portable in [false, true] {
            SkinnyGemm.forcePortable(portable)
            defer { SkinnyGemm.forcePortable(false) }
            for (heads, headDim, keys, lq, keyBatch) in cases {
                let width = heads * headDim, batch = keyBatch?.count ?? 3
                let keyBatches = (keyBatch?.max() ?? batch - 1) + 1
                let q = rng.normalTensor([batch, lq, width + 5], std: 1)          // query in columns 5...
                let kv = rng.normalTensor([keyBatches, keys + 2, 2 * width], std: 1) // K | V, 2 unused positions
                let bias = Tensor(shape: [keyBatches, keys], storage: (0..<(keyBatches * keys)).map { _ in
                    Float.random(in: 0..<1, using: &rng) < 0.2 ? -1e9 : Float.random(in: -1...1, using: &rng)
                })
                let actual = decodingAttention(query: HeadBlock(q, column: 5), key: HeadBlock(kv, length: keys),
                                               value: HeadBlock(kv, column: width, length: keys), heads: heads,
                                               headDim: headDim, keyBias: bias, keyBatch: keyBatch)
                XCTAssertEqual(actual.shape, [batch, lq, width])
                var expected = [Double]()
                for b in 0..<batch {
                    let kb = keyBatch?[b] ?? b
                    for i in 0..<lq {
                        for h in 0..<heads {
                            var scores = (0..<keys).map { j -> Double in
                                var dot = 0.0
                                for d in 0..<headDim {
                                    dot += Double(q.storage[(b * lq + i) * (width + 5) + 5 + h * headDim + d])
                                        * Double(kv.storage[(kb * (keys + 2) + j) * 2 * width + h * headDim + d])
                                }
                                return dot / Double(headDim).squareRoot() + Double(bias.storage[kb * keys + j])
                            }
                            let top = scores.max()!
                            scores = scores.map { Foundation.exp($0 - top) }
                            let total = scores.reduce(0, +)
                            for d in 0..<headDim {
                                var sum = 0.0
                                for j in 0..<keys {
                                    sum += scores[j] / total * Double(kv.storage[(kb * (keys + 2) + j) * 2 * width + width + h * headDim + d])
                                }
                                expected.append(sum)
                            }
                        }
                    }
                }
                XCTAssertLessThanOrEqual(maxAbsDifference(actual.storage, expected), 1e-5,
                                         "heads \(heads) headDim \(headDim) keys \(keys) portable \(portable)")
            }
        }
    }
}
