import CSkinnyGEMM
import Foundation

/// Multi-head attention of the few new query rows of a decoding step, without causal masking: the
/// same result as `multiHeadAttention(…, causal: false)` up to float32 summation order, for queries
/// that see every key (cross-attention to a memory, or the newest position against its K/V cache).
///
/// Where `multiHeadAttention` runs two GEMMs per (group, head), which for a handful of query rows
/// are dominated by per-call overhead and strided reads of one head's columns, this reads every
/// key row once for all heads and all query rows of a group (`cskinny_attention_scores`), then
/// sums the value rows head by head with the sums held in registers (`cskinny_attention_values`);
/// the heads are split over the cores when the group is large. Shapes, `keyBias` (`[key batches,
/// Lk]`, added after scaling) and `keyBatch` (query batch `b` reads key batch `keyBatch[b]`,
/// identity if nil) as in `multiHeadAttention`. Returns `[B, Lq, heads·headDim]`.
public func decodingAttention(query: HeadBlock, key: HeadBlock, value: HeadBlock, heads: Int, headDim: Int,
                              keyBias: Tensor? = nil, keyBatch: [Int]? = nil) -> Tensor {
    let batch = query.batch, lq = query.length, lk = key.length, width = heads * headDim
    let groups = keyBatchGroups(query: query, key: key, value: value, keyBias: keyBias, keyBatch: keyBatch)
    let scale = 1 / Float(headDim).squareRoot()
    var out = Tensor(shape: [batch, lq, width])
    let largestGroup = groups.map(\.count).max() ?? 0
    var scores = [Float](repeating: 0, count: largestGroup * lq * heads * lk)
    query.tensor.storage.withUnsafeBufferPointer { qb in
    key.tensor.storage.withUnsafeBufferPointer { kb in
    value.tensor.storage.withUnsafeBufferPointer { vb in
    out.storage.withUnsafeMutableBufferPointer { ob in
    scores.withUnsafeMutableBufferPointer { sb in
    (keyBias?.storage ?? []).withUnsafeBufferPointer { mb in
        for group in groups {
            let rows = group.count * lq, kvb = group.keyBatch
            let q = qb.baseAddress! + group.first * query.batchStride + query.column
            let k = kb.baseAddress! + kvb * key.batchStride + key.column
            let v = vb.baseAddress! + kvb * value.batchStride + value.column
            let o = ob.baseAddress! + group.first * lq * width
            let bias = keyBias == nil ? nil : UnsafePointer(mb.baseAddress! + kvb * lk)
            // Heads are independent: split them over the cores when the group is large (a memory of
            // hundreds of keys, not a short self-attention cache).
            parallelChunks(count: heads, costPerItem: rows * lk * headDim / 8) { headRange in
                let h0 = headRange.lowerBound, h1 = headRange.upperBound
                cskinny_attention_scores(rows, heads, h0, h1, headDim, lk, scale, q, query.stride, k, key.stride, sb.baseAddress!)
                for r in 0..<rows {
                    for h in headRange {
                        maskedSoftmaxInPlace(sb.baseAddress! + (r * heads + h) * lk, count: lk, bias: bias, visible: lk)
                    }
                }
                cskinny_attention_values(rows, heads, h0, h1, headDim, lk, sb.baseAddress!, v, value.stride, o, width)
            }
        }
    }}}}}}
    return out
}

/// Checks the shapes shared by `multiHeadAttention` and `decodingAttention` and returns the runs of
/// consecutive query batches that read the same key batch (`keyBatch[b]`, identity if nil), e.g.
/// the beams of one example: their query rows are contiguous, so one product serves them all.
func keyBatchGroups(query: HeadBlock, key: HeadBlock, value: HeadBlock, keyBias: Tensor?,
                    keyBatch: [Int]?) -> [(first: Int, count: Int, keyBatch: Int)] {
    let batch = query.batch, lk = key.length
    precondition(key.length == value.length && key.batch == value.batch, "attention: key/value shapes differ")
    precondition(query.length == query.tensor.shape[1], "attention: the query block must use all \(query.tensor.shape[1]) positions")
    precondition(keyBatch?.count ?? batch == batch, "attention: keyBatch must have one entry per query batch")
    if let keyBias { precondition(keyBias.count == key.batch * lk, "attention: keyBias \(keyBias.shape) vs keys [\(key.batch), \(lk)]") }
    var groups: [(first: Int, count: Int, keyBatch: Int)] = []
    for b in 0..<batch {
        let kvb = keyBatch?[b] ?? b
        if let last = groups.last, last.keyBatch == kvb { groups[groups.count - 1].count += 1 } else { groups.append((b, 1, kvb)) }
    }
    return groups
}
