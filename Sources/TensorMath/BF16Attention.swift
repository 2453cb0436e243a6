import CBF16GEMM

/// Unmasked multi-head self-attention with both products through the bf16 GEMM: the path of
/// the ViT blocks when their weights are bf16 (`MPLUGModel.withBF16Weights()`).
///
/// `qkv` is the fused projection `[B, L, 3·W]` (Q | K | V, heads as contiguous `headDim` chunks of
/// each). Per (batch, head): scores `S = Q·Kᵀ` (Q and K rounded to bf16, fp32 accumulation), then
/// `S/√headDim` and a row softmax in fp32, then `P·V` (P and V rounded to bf16). Returns
/// `[B, L, W]` with the heads concatenated, as `multiHeadAttention` without masks does up to bf16
/// rounding of the four operands (≈ 2⁻⁹ relative each). (batch, head) pairs are split between
/// `BF16GEMM.threadCount` workers (`parallelTasks`); each product runs on one thread.
public func bf16SelfAttention(_ qkv: Tensor, heads: Int, kernel: BF16Kernel? = nil) -> Tensor {
    precondition(qkv.shape.count == 3 && qkv.shape[2] % (3 * heads) == 0,
                 "bf16SelfAttention: expected [B, L, 3·heads·headDim], got \(qkv.shape)")
    let batch = qkv.shape[0], length = qkv.shape[1], width = qkv.shape[2] / 3, headDim = width / heads
    var out = Tensor(shape: [batch, length, width])
    guard batch > 0, length > 0, headDim > 0 else { return out }
    let kernelCode = (kernel ?? BF16GEMM.activeKernel).code
    let scale = 1 / Float(headDim).squareRoot()
    let (l, d) = (Int32(length), Int32(headDim))
    let pairs = heads * batch
    let workers = max(1, min(BF16GEMM.threadCount, pairs))
    // Per-worker scratch: packed Q, Kᵀ, P, V and the fp32 scores of one head.
    let packedQ = (0..<workers).map { _ in UnsafeMutablePointer<UInt32>.allocate(capacity: cbf16_packed_a_count(l, d)) }
    let packedK = (0..<workers).map { _ in UnsafeMutablePointer<UInt16>.allocate(capacity: cbf16_packed_b_count(d, l)) }
    let packedP = (0..<workers).map { _ in UnsafeMutablePointer<UInt32>.allocate(capacity: cbf16_packed_a_count(l, l)) }
    let packedV = (0..<workers).map { _ in UnsafeMutablePointer<UInt16>.allocate(capacity: cbf16_packed_b_count(l, d)) }
    let scores = (0..<workers).map { _ in UnsafeMutablePointer<Float>.allocate(capacity: length * length) }
    defer {
        packedQ.forEach { $0.deallocate() }; packedK.forEach { $0.deallocate() }
        packedP.forEach { $0.deallocate() }; packedV.forEach { $0.deallocate() }
        scores.forEach { $0.deallocate() }
    }
    qkv.storage.withUnsafeBufferPointer { source in
        out.storage.withUnsafeMutableBufferPointer { destination in
            parallelTasks(count: pairs, workers: workers) { pair, w in
                let b = pair / heads, h = pair % heads
                let q = source.baseAddress! + b * length * 3 * width + h * headDim, k = q + width, v = q + 2 * width
                let ld = Int32(3 * width)
                cbf16_pack_a_with(q, l, d, ld, packedQ[w], kernelCode)
                cbf16_pack_b_with(k, d, l, ld, 1, packedK[w], kernelCode)          // Kᵀ: column j is row j of K
                cbf16_gemm_packed(l, l, d, packedQ[w], packedK[w], nil, scores[w], l, 0, 0, cbf16_panel_count(l), kernelCode)
                for i in 0..<length {
                    let row = scores[w] + i * length
                    for j in 0..<length { row[j] *= scale }
                    softmaxInPlace(row, count: length)
                }
                cbf16_pack_a_with(scores[w], l, l, l, packedP[w], kernelCode)
                cbf16_pack_b_with(v, l, d, ld, 0, packedV[w], kernelCode)
                cbf16_gemm_packed(l, d, l, packedP[w], packedV[w], nil, destination.baseAddress! + b * length * width + h * headDim,
                                  Int32(width), 0, 0, cbf16_panel_count(d), kernelCode)
            }
        }
    }
    return out
}
