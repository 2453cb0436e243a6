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
 * (a decoding step), any m works. fp32 accumulation: 8-lane partial sums over p in blocks of 768
 * (rows of A longer than that are split so that the block stays in L1), a lane sum per block, and
 * the block sums added in order. A row's result does not depend on m.
 *
 * Kernels: AVX2+FMA (chosen at run time when the CPU has both) and a portable C one; they differ
 * by FMA rounding only. Threads: callers split [0, n) into column ranges.
 */
void cskinny_sgemm_nt(size_t m, size_t n0, size_t n1, size_t k, float alpha,
                      const float *a, size_t lda, const float *b, size_t ldb,
                      float beta, float *c, size_t ldc);

/**
 * Attention of a few query rows to one key/value sequence, heads [h0, h1) of `head_dim` features
 * (head h is features h*head_dim ..< (h+1)*head_dim of every row), in two passes so that the caller
 * can mask and softmax the scores in between:
 *
 * scores: S[(r*heads + h)*keys + j] = scale * q_r,h . k_j,h   for r < m, j < keys
 *         (q_r at q + r*ldq, k_j at k + j*ldk; each key row is read once for all heads and rows)
 * values: O[r*ldo + h*head_dim + d] = sum_j S[(r*heads + h)*keys + j] * v_j,h[d]
 *         (v_j at v + j*ldv; head by head, the sum over j taken in order in registers)
 *
 * `heads` is the total head count (the stride of S). fp32 accumulation; same kernels as above.
 */
void cskinny_attention_scores(size_t m, size_t heads, size_t h0, size_t h1, size_t head_dim, size_t keys,
                              float scale, const float *q, size_t ldq, const float *k, size_t ldk, float *scores);
void cskinny_attention_values(size_t m, size_t heads, size_t h0, size_t h1, size_t head_dim, size_t keys,
                              const float *scores, const float *v, size_t ldv, float *out, size_t ldo);

/** Tests: 1 forces the portable kernel, 0 restores run-time selection. */
void cskinny_force_portable(int on);

/** 1 when the AVX2+FMA kernel is in use. */
int cskinny_uses_avx2(void);

#ifdef __cplusplus
}
#endif

#endif
