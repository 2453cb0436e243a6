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
///
/// Large problems (every group has more than `Gemm.singleThreadedRowLimit` query rows, e.g. the
/// ViT's 577 × 577 heads) run whole `(group, head)` pairs concurrently, one per core, each with
/// single-threaded GEMMs and its own score buffer: this avoids splitting every small GEMM and
/// softmax between the cores and synchronising them. Each output element is computed by the same
/// operations either way, so the result does not depend on the path.
public func multiHeadAttention(query: HeadBlock, key: HeadBlock, value: HeadBlock, heads: Int, headDim: Int,
                               keyBias: Tensor? = nil, causal: Bool = false, keyBatch: [Int]? = nil) -> Tensor {
    let batch = query.batch, lq = query.length, lk = key.length, width = heads * headDim
    let groups = keyBatchGroups(query: query, key: key, value: value, keyBias: keyBias, keyBatch: keyBatch)
    let scale = 1 / Float(headDim).squareRoot()
    var out = Tensor(shape: [batch, lq, width])
    let largestGroup = groups.map(\.count).max() ?? 0
    let scoreCount = largestGroup * lq * lk
    let tasks = groups.count * heads
    let smallestRows = (groups.map(\.count).min() ?? 0) * lq
    let cores = activeCores
    let concurrentHeads = cores > 1 && tasks > 1 && smallestRows > Gemm.singleThreadedRowLimit
        && tasks * smallestRows * lk * headDim >= 1 << 22
    let workers = concurrentHeads ? min(cores, tasks) : 1
    let scores = UnsafeMutablePointer<Float>.allocate(capacity: max(1, workers * scoreCount))
    defer { scores.deallocate() }
    let causalOffset = lk - lq
    let emptyBias = [Float]()
    query.tensor.storage.withUnsafeBufferPointer { qb in
    key.tensor.storage.withUnsafeBufferPointer { kb in
    value.tensor.storage.withUnsafeBufferPointer { vb in
    (keyBias?.storage ?? emptyBias).withUnsafeBufferPointer { mb in
    out.storage.withUnsafeMutableBufferPointer { ob in
        /// Scores, softmax and `P·V` of one `(group, head)` pair into its columns of `out`.
        func attend(task: Int, scores s: UnsafeMutablePointer<Float>) {
            let group = groups[task / heads], h = task % heads
            let rows = group.count * lq, kvb = group.keyBatch
            let bias = keyBias == nil ? nil : UnsafePointer(mb.baseAddress! + kvb * lk)
            let q = qb.baseAddress! + group.first * query.batchStride + query.column + h * headDim
            let k = kb.baseAddress! + kvb * key.batchStride + key.column + h * headDim
            let v = vb.baseAddress! + kvb * value.batchStride + value.column + h * headDim
            Gemm.multiply(m: rows, n: lk, k: headDim, alpha: scale, a: q, lda: query.stride,
                          b: k, ldb: key.stride, transposeB: true, c: s, ldc: lk)
            func softmaxRows(_ range: Range<Int>) {
                for i in range {
                    // Keys after the query's position get −10000 instead of the key bias
                    // (official: (1 − causal·padding)·(−10000)).
                    let visible = causal ? max(0, min(lk, i % lq + causalOffset + 1)) : lk
                    maskedSoftmaxInPlace(s + i * lk, count: lk, bias: bias, visible: visible)
                }
            }
            if concurrentHeads {
                softmaxRows(0..<rows)
            } else {
                parallelChunks(count: rows, costPerItem: lk * 6) { softmaxRows($0) }
            }
            Gemm.multiply(m: rows, n: headDim, k: lk, a: s, lda: lk, b: v, ldb: value.stride,
                          c: ob.baseAddress! + group.first * lq * width + h * headDim, ldc: width)
        }
        parallelTasks(count: tasks, workers: workers) { task, worker in
            attend(task: task, scores: scores + worker * scoreCount)
        }
    }}}}}
    return out
}
