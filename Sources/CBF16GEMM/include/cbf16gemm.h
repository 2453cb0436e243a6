/*
 * bf16 GEMM with fp32 accumulation: C[M,N] = A[M,K] x B[K,N].
 *
 * A (fp32 or bf16 activations) is converted to bf16 and packed in K-pairs; B (weights) is packed once,
 * at weight-load time, into the VNNI pair layout that the AVX512-BF16 instruction `vdpbf16ps`
 * consumes: column panels of CBF16_PANEL_WIDTH columns, and within a panel for every K-pair p the
 * 2 x CBF16_PANEL_WIDTH values (B[2p, j], B[2p+1, j]) interleaved per column j. K is zero-padded to
 * an even count, N to a multiple of the panel width.
 *
 * Two kernels compute the same thing: `avx512bf16` (vdpbf16ps, chosen at run time when the CPU has
 * AVX512-BF16) and `portable` (plain C, fp32 products of the bf16 values). Both accumulate in fp32.
 * Threads: `cbf16_gemm_packed` computes a range of column panels, so callers split panels across
 * threads (the Swift wrapper in TensorMath does this).
 */
#ifndef CBF16GEMM_H
#define CBF16GEMM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Columns per packed B panel (two 16-lane fp32 accumulators per row). */
#define CBF16_PANEL_WIDTH 32

/** Kernels: the identifiers used by the functions below. */
enum {
    CBF16_KERNEL_PORTABLE = 0,
    CBF16_KERNEL_AVX512BF16 = 1,
};

/** fp32 -> bf16 with round-to-nearest-even (NaN stays a quiet NaN; infinities are kept). */
uint16_t cbf16_from_float(float value);
/** bf16 -> fp32 (exact). */
float cbf16_to_float(uint16_t value);
/** Converts `count` values with round-to-nearest-even. */
void cbf16_convert_from_float(const float *source, uint16_t *destination, size_t count);
/** Converts `count` bf16 values to fp32 (exact). */
void cbf16_convert_to_float(const uint16_t *source, float *destination, size_t count);

/** True when this CPU supports AVX512-BF16 (cpu feature detection, independent of forcing). */
int cbf16_cpu_has_avx512bf16(void);
/** Forces the portable kernel when `on` is non-zero (for tests and comparisons); process-wide. */
void cbf16_force_portable(int on);
/** The kernel `cbf16_gemm_packed` will use: AVX512-BF16 when available and not forced off. */
int cbf16_active_kernel(void);
/** "avx512bf16" or "portable" for a kernel identifier. */
const char *cbf16_kernel_name(int kernel);

/** Number of column panels for N columns. */
int cbf16_panel_count(int n);
/** Number of uint16 elements of a packed B for a K x N matrix. */
size_t cbf16_packed_b_count(int k, int n);
/**
 * Packs fp32 B into the pair layout (converting to bf16, round-to-nearest-even).
 * transposed == 0: B[k][n] is b[k * ldb + n] (row-major K x N).
 * transposed != 0: B[k][n] is b[n * ldb + k] (an N x K matrix such as a PyTorch Linear weight).
 */
void cbf16_pack_b(const float *b, int k, int n, int ldb, int transposed, uint16_t *packed);
/** `cbf16_pack_b` with the code path chosen by `kernel` (AVX512 or plain C; identical bits). */
void cbf16_pack_b_with(const float *b, int k, int n, int ldb, int transposed, uint16_t *packed, int kernel);
/** As `cbf16_pack_b` for a bf16 source (no rounding). */
void cbf16_pack_b_bf16(const uint16_t *b, int k, int n, int ldb, int transposed, uint16_t *packed);

/** Number of uint32 elements (bf16 pairs) of a packed A for an M x K matrix. */
size_t cbf16_packed_a_count(int m, int k);
/**
 * Packs row-major fp32 A (a[m * lda + k]) into bf16 pairs, round-to-nearest-even: row i's pair p
 * is packed[i * ceil(k/2) + p] = bf16(A[i][2p]) | bf16(A[i][2p+1]) << 16 (0 past the end of K).
 * `kernel` picks the code path (AVX512 integer rounding or plain C); both give identical bits.
 */
void cbf16_pack_a_with(const float *a, int m, int k, int lda, uint32_t *packed, int kernel);
/** `cbf16_pack_a_with` using `cbf16_active_kernel()`. */
void cbf16_pack_a(const float *a, int m, int k, int lda, uint32_t *packed);
/** Packs row-major bf16 A into pairs. */
void cbf16_pack_a_bf16(const uint16_t *a, int m, int k, int lda, uint32_t *packed);

/**
 * C[M,N] (row-major, c[i * ldc + j]) = A x B + bias for the column panels [panel_begin, panel_end),
 * or C += A x B + bias when `accumulate` is non-zero; `bias` (N values, added to every row) may be
 * NULL. Uses `kernel` (see the enum; an unavailable AVX512 request falls back to the portable kernel).
 *
 * Blocking: 8-row x 32-column register tiles (16 zmm accumulators, vdpbf16ps), K in blocks of
 * 192 pairs (one B panel slice stays in L1/L2), M in blocks of 128 rows (packed A in L2).
 */
void cbf16_gemm_packed(int m, int n, int k, const uint32_t *packed_a, const uint16_t *packed_b, const float *bias,
                       float *c, int ldc, int accumulate, int panel_begin, int panel_end, int kernel);

#ifdef __cplusplus
}
#endif

#endif
