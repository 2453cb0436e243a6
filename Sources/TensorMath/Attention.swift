import Foundation

/// A block of columns of a rank-3 tensor `[batch, length, width]` holding per-head features:
/// columns `column ..< column + heads·headDim`. Lets fused QKV (or KV) projections be read in place.
public struct HeadBlock {
    public var tensor: Tensor
    public var column: Int
    public init(_ tensor: Tensor, column: Int = 0) {
        precondition(tensor.shape.count == 3, "HeadBlock: expected [batch, length, width], got \(tensor.shape)")
        self.tensor = tensor
        self.column = column
    }
    var batch: Int { tensor.shape[0] }
    var length: Int { tensor.shape[1] }
    var stride: Int { tensor.shape[2] }
}

/// Scaled dot-product multi-head attention through GEMMs, one `(batch, head)` pair at a time.
///
/// Heads split the feature dimension into contiguous chunks of `headDim`. For query batch `b` the
/// keys/values of batch `keyBatch[b]` are used (identity if nil; lets beams share one memory).
/// Scores are `q·kᵀ/√headDim + keyBias[keyBatch[b], j]` (additive mask, e.g. −10000 on padding),
/// and when `causal`, query `i` (absolute position `i + Lk − Lq`) gets −10000 on keys after it
/// (the BERT decoder's extended mask). Softmax over keys, then `P·V`.
/// Returns `[B, Lq, heads·headDim]` with the heads concatenated.
public func multiHeadAttention(query: HeadBlock, key: HeadBlock, value: HeadBlock, heads: Int, headDim: Int,
                               keyBias: Tensor? = nil, causal: Bool = false, keyBatch: [Int]? = nil) -> Tensor {
    let batch = query.batch, lq = query.length, lk = key.length, width = heads * headDim
    precondition(key.length == value.length && key.batch == value.batch, "attention: key/value shapes differ")
    precondition(keyBatch?.count ?? batch == batch, "attention: keyBatch must have one entry per query batch")
    if let keyBias { precondition(keyBias.count == key.batch * lk, "attention: keyBias \(keyBias.shape) vs keys [\(key.batch), \(lk)]") }
    let scale = 1 / Float(headDim).squareRoot()
    var out = Tensor(shape: [batch, lq, width])
    var scores = [Float](repeating: 0, count: lq * lk)
    let causalOffset = lk - lq
    query.tensor.storage.withUnsafeBufferPointer { qb in
    key.tensor.storage.withUnsafeBufferPointer { kb in
    value.tensor.storage.withUnsafeBufferPointer { vb in
    out.storage.withUnsafeMutableBufferPointer { ob in
    scores.withUnsafeMutableBufferPointer { sb in
        let s = sb.baseAddress!
        for b in 0..<batch {
            let kvb = keyBatch?[b] ?? b
            for h in 0..<heads {
                let q = qb.baseAddress! + b * lq * query.stride + query.column + h * headDim
                let k = kb.baseAddress! + kvb * lk * key.stride + key.column + h * headDim
                let v = vb.baseAddress! + kvb * lk * value.stride + value.column + h * headDim
                Gemm.multiply(m: lq, n: lk, k: headDim, alpha: scale, a: q, lda: query.stride,
                              b: k, ldb: key.stride, transposeB: true, c: s, ldc: lk)
                parallelChunks(count: lq, costPerItem: lk * 6) { rows in
                    for i in rows {
                        let row = s + i * lk
                        // Keys after the query's position get −10000 instead of the key bias
                        // (official: (1 − causal·padding)·(−10000)).
                        let visible = causal ? max(0, min(lk, i + causalOffset + 1)) : lk
                        if let keyBias {
                            keyBias.storage.withUnsafeBufferPointer { mb in
                                let m = mb.baseAddress! + kvb * lk
                                for j in 0..<visible { row[j] += m[j] }
                            }
                        }
                        for j in visible..<lk { row[j] += -10000 }
                        softmaxInPlace(row, count: lk)
                    }
                }
                Gemm.multiply(m: lq, n: headDim, k: lk, a: s, lda: lk, b: v, ldb: value.stride,
                              c: ob.baseAddress! + b * lq * width + h * headDim, ldc: width)
            }
        }
    }}}}}
    return out
}
