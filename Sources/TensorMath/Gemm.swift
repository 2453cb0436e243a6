import COpenBLAS

/// The single funnel through which every matrix product of the package goes.
///
/// Row-major `C[m×n] = alpha · op(A)[m×k] · op(B)[k×n] + beta · C`, with `op(X) = Xᵀ` when the
/// corresponding `transpose` flag is set; `lda`, `ldb`, `ldc` are the row strides of the stored
/// matrices. Backed by OpenBLAS `cblas_sgemm` (fp32 in, fp32 accumulate). A different kernel
/// (e.g. bf16 weights) is swapped in here.
///
/// Products `A·Bᵀ` of at most `SkinnyGemm.rowLimit` rows (a linear layer in a decoding step)
/// go to `SkinnyGemm`, which streams `B` once instead of packing it.
/// Other products of at most `singleThreadedRowLimit` rows (a decoding step: one row per beam) run on
/// one OpenBLAS thread: they stream the weights once and are memory-bound, and handing half of
/// them to OpenBLAS's second thread costs more than it saves (5×3072×768 on the shared 2-core
/// machine: 1.9 ms CPU / 4.4 ms wall on one thread, 2.5 ms / 6.0 ms on two). The thread count is
/// process-wide, so this assumes products are not started from several threads at once (they
/// would still be correct, only possibly single-threaded).
public enum Gemm {
    public static let singleThreadedRowLimit = 16
    /// OpenBLAS's thread count as configured at start-up (`OPENBLAS_NUM_THREADS`, else the cores).
    static let configuredThreads = openblas_get_num_threads()

    @inline(__always)
    public static func multiply(
        m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, transposeA: Bool = false,
        b: UnsafePointer<Float>, ldb: Int, transposeB: Bool = false,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        if m == 0 || n == 0 { return }
        if m <= SkinnyGemm.rowLimit && transposeB && !transposeA && k > 0 {
            SkinnyGemm.multiply(m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
            return
        }
        let singleThreaded = m <= singleThreadedRowLimit && configuredThreads > 1
        if singleThreaded { openblas_set_num_threads(1) }
        defer { if singleThreaded { openblas_set_num_threads(configuredThreads) } }
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// The OpenBLAS kernel family selected at run time (e.g. "Haswell").
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }
}

/// `x · Wᵀ + b` for `x` of shape `[..., in]`, `weight` `[out, in]` (PyTorch `nn.Linear` layout) and
/// an optional `bias` `[out]`; the result has shape `[..., out]`.
public func linear(_ x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
    precondition(weight.shape.count == 2 && weight.shape[1] == x.lastDimension,
                 "linear: input \(x.shape) does not match weight \(weight.shape)")
    let rows = x.rowCount, inWidth = weight.shape[1], outWidth = weight.shape[0]
    return linearResult(x, outWidth: outWidth, bias: bias) { a, c in
        weight.storage.withUnsafeBufferPointer { w in
            Gemm.multiply(m: rows, n: outWidth, k: inWidth, a: a, lda: inWidth, b: w.baseAddress!, ldb: inWidth,
                          transposeB: true, beta: bias == nil ? 0 : 1, c: c, ldc: outWidth)
        }
    }
}

/// The `[..., outWidth]` result of a linear layer on `x`: filled with the `bias` rows (if any),
/// then `product(x, result)` stores `x · Wᵀ` into it (adding to the bias when there is one).
func linearResult(_ x: Tensor, outWidth: Int, bias: Tensor?,
                  _ product: (UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void) -> Tensor {
    let rows = x.rowCount
    var out = Tensor(shape: Array(x.shape.dropLast()) + [outWidth])
    guard rows > 0, outWidth > 0 else { return out }
    out.storage.withUnsafeMutableBufferPointer { c in
        if let bias {
            precondition(bias.count == outWidth, "linear: bias \(bias.shape) does not match \(outWidth) outputs")
            for r in 0..<rows { for j in 0..<outWidth { c[r * outWidth + j] = bias.storage[j] } }
        }
        x.storage.withUnsafeBufferPointer { a in product(a.baseAddress!, c.baseAddress!) }
    }
    return out
}

/// `a · bᵀ` for `a` `[m, k]` and `b` `[n, k]` (any leading dimensions flattened into rows) → `[m, n]`.
public func matmulTransposed(_ a: Tensor, _ b: Tensor) -> Tensor {
    precondition(a.lastDimension == b.lastDimension, "matmulTransposed: \(a.shape) vs \(b.shape)")
    return linear(a.reshaped([a.rowCount, a.lastDimension]), weight: b.reshaped([b.rowCount, b.lastDimension]), bias: nil)
}
