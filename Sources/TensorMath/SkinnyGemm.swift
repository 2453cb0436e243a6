import CSkinnyGEMM

/// `C[m×n] = alpha · A[m×k] · B[n×k]ᵀ + beta · C` for a few rows `m` (a decoding step: one row
/// per beam), row-major with row strides `lda`, `ldb`, `ldc`.
///
/// Such products are bound by reading `B` (the weights) from memory. OpenBLAS sgemm first packs
/// all of `B` into a buffer and then runs its kernel on the packed copy, which for `m ≤ 8` reaches
/// about a third of the memory bandwidth; the C kernel (`cskinny_sgemm_nt`) reads each row of `B`
/// once and takes its dot products with all rows of `A` (held in L1/L2) straight away. Columns of
/// `C` are split over the cores when `B` is large. Float32 accumulation in 8 lanes, then a lane
/// sum, so results differ from sgemm's by summation order only (≈ k·2⁻²⁴ relative).
public enum SkinnyGemm {
    /// Products with at most this many rows of `A` use this kernel (see `Gemm.multiply`).
    public static let rowLimit = 8

    public static func multiply(m: Int, n: Int, k: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                                b: UnsafePointer<Float>, ldb: Int, beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        // Columns of C are split over the cores once B holds about 2¹⁷ elements or more
        // (`parallelChunks` splits from 2¹⁵ units of work; a column costs k/4 units).
        parallelChunks(count: n, costPerItem: max(1, k / 4)) { columns in
            cskinny_sgemm_nt(m, columns.lowerBound, columns.upperBound, k, alpha, a, lda, b, ldb, beta, c, ldc)
        }
    }

    /// Tests: forces the portable C kernel instead of the AVX2+FMA one (process-wide).
    public static func forcePortable(_ on: Bool) { cskinny_force_portable(on ? 1 : 0) }
    /// Whether the AVX2+FMA kernel is in use.
    public static var usesAVX2: Bool { cskinny_uses_avx2() != 0 }
}
