import Foundation

/// A block of columns of a rank-3 tensor `[batch, capacity, width]` holding per-head features:
/// columns `column ..< column + heads·headDim` of the first `length` positions (all by default).
/// Lets fused QKV (or KV) projections and partly filled K/V caches be read in place.
public struct HeadBlock {
    public var tensor: Tensor
    public var column: Int
    public var length: Int
    public init(_ tensor: Tensor, column: Int = 0, length: Int? = nil) {
        precondition(tensor.shape.count == 3, "HeadBlock: expected [batch, length, width], got \(tensor.shape)")
        precondition(length ?? 0 <= tensor.shape[1], "HeadBlock: length \(length ?? 0) exceeds \(tensor.shape)")
        self.tensor = tensor
        self.column = column
        self.length = length ?? tensor.shape[1]
    }
    var batch: Int { tensor.shape[0] }
    var stride: Int { tensor.shape[2] }
    /// Elements from one batch entry to the next.
    var batchStride: Int { tensor.shape[1] * tensor.shape[2] }
}

/// Scaled dot-product multi-head attention through GEMMs, one `(group, head)` pair at a time, where a
/// group is a run of consecutive query batches reading the same key batch (e.g. the beams of one
/// example): their query rows are contiguous, so one GEMM computes all their scores.
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
    let groups = keyBatchGroups(query: query, key: key, value: value, keyBias: keyBias, keyBatch: keyBatch)
    let scale = 1 / Float(headDim).squareRoot()
    var out = Tensor(shape: [batch, lq, width])
    let largestGroup = groups.map(\.count).max() ?? 0
    var scores = [Float](repeating: 0, count: largestGroup * lq * lk)
    let causalOffset = lk - lq
    let emptyBias = [Float]()
    query.tensor.storage.withUnsafeBufferPointer { qb in
    key.tensor.storage.withUnsafeBufferPointer { kb in
    value.tensor.storage.withUnsafeBufferPointer { vb in
    (keyBias?.storage ?? emptyBias).withUnsafeBufferPointer { mb in
    out.storage.withUnsafeMutableBufferPointer { ob in
    scores.withUnsafeMutableBufferPointer { sb in
        let s = sb.baseAddress!
        for group in groups {
            let rows = group.count * lq, kvb = group.keyBatch
            let bias = keyBias == nil ? nil : mb.baseAddress! + kvb * lk
            for h in 0..<heads {
                let q = qb.baseAddress! + group.first * query.batchStride + query.column + h * headDim
                let k = kb.baseAddress! + kvb * key.batchStride + key.column + h * headDim
                let v = vb.baseAddress! + kvb * value.batchStride + value.column + h * headDim
                Gemm.multiply(m: rows, n: lk, k: headDim, alpha: scale, a: q, lda: query.stride,
                              b: k, ldb: key.stride, transposeB: true, c: s, ldc: lk)
                parallelChunks(count: rows, costPerItem: lk * 6) { range in
                    for i in range {
                        let row = s + i * lk
                        // Keys after the query's position get −10000 instead of the key bias
                        // (official: (1 − causal·padding)·(−10000)).
                        let visible = causal ? max(0, min(lk, i % lq + causalOffset + 1)) : lk
                        if let bias { for j in 0..<visible { row[j] += bias[j] } }
                        for j in visible..<lk { row[j] += -10000 }
                        softmaxInPlace(row, count: lk)
                    }
                }
                Gemm.multiply(m: rows, n: headDim, k: lk, a: s, lda: lk, b: v, ldb: value.stride,
                              c: ob.baseAddress! + group.first * lq * width + h * headDim, ldc: width)
            }
        }
    }}}}}}
    return out
}
