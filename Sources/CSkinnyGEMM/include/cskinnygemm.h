#ifndef CSKINNYGEMM_H
#define CSKINNYGEMM_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Few-row fp32 product against a row-major weight matrix, computing columns [n0, n1):
 *
 *     C[i, j] = alpha * sum_p A[i, p] * B[j, p]  (+ beta * C[i, j] when beta != 0)
 *
 * for i < m, with A [m, k] (row stride lda), B [n, k] (row stride ldb, e.g. a Linear weight
 * [out, in]) and C [m, n] (row stride ldc). Each row of B is read once and multiplied with every
 * row of A at once (A stays in L1/L2), so the product streams B at memory speed; meant for small m
 * (a decoding step), any m works. fp32 accumulation: 8-lane partial sums over p, then a lane sum.
 *
 * Kernels: AVX2+FMA (chosen at run time when the CPU has both) and a portable C one; they differ
 * by FMA rounding only. Threads: callers split [0, n) into column ranges.
 */
void cskinny_sgemm_nt(size_t m, size_t n0, size_t n1, size_t k, float alpha,
                      const float *a, size_t lda, const float *b, size_t ldb,
                      float beta, float *c, size_t ldc);

/** Tests: 1 forces the portable kernel, 0 restores run-time selection. */
void cskinny_force_portable(int on);

/** 1 when the AVX2+FMA kernel is in use. */
int cskinny_uses_avx2(void);

#ifdef __cplusplus
}
#endif

#endif
