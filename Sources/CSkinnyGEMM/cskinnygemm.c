/* Few-row fp32 GEMM C = alpha * A * B^T (+ beta * C); see include/cskinnygemm.h. */
#include "cskinnygemm.h"

#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define CSKINNY_X86 1
#else
#define CSKINNY_X86 0
#endif

/* Rows of A per pass over a row of B: 2 x GROUP accumulators must fit the 16 vector registers. */
enum { GROUP = 6, LANES = 8 };

static void store(size_t rows, const float *dots, float alpha, float beta, float *c, size_t ldc) {
    for (size_t r = 0; r < rows; r++) {
        float *out = c + r * ldc;
        *out = beta == 0 ? alpha * dots[r] : alpha * dots[r] + beta * *out;
    }
}

/* MARK: portable kernel: 8 lane sums per row (independent lanes, so the compiler may vectorise) */

static void dots_portable(size_t rows, const float *w, const float *a, size_t lda, size_t k, float *dots) {
    size_t whole = k - k % LANES;
    for (size_t r = 0; r < rows; r++) {
        const float *x = a + r * lda;
        float lanes[LANES] = {0};
        for (size_t p = 0; p < whole; p += LANES) {
            for (int l = 0; l < LANES; l++) lanes[l] += w[p + l] * x[p + l];
        }
        float sum = 0;
        for (int l = 0; l < LANES; l++) sum += lanes[l];
        for (size_t p = whole; p < k; p++) sum += w[p] * x[p];
        dots[r] = sum;
    }
}

/* MARK: AVX2 + FMA kernel */

#if CSKINNY_X86
#define CSKINNY_AVX2 __attribute__((target("avx2,fma")))

CSKINNY_AVX2 static inline float lane_sum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/* Dot products of one row `w` of B with `ROWS` rows of A; two accumulators per row (16 floats of B
 * per iteration) keep enough FMAs in flight. ROWS is a constant. (Reading two rows of B at once to
 * share the loads of A was measured 2x slower: the interleaved streams defeat the prefetcher.) */
#define CSKINNY_DOTS(ROWS)                                                                              \
    CSKINNY_AVX2 static void dots_avx2_##ROWS(const float *w, const float *a, size_t lda, size_t k,    \
                                              float *dots) {                                            \
        __m256 even[ROWS], odd[ROWS];                                                                   \
        for (int r = 0; r < ROWS; r++) { even[r] = _mm256_setzero_ps(); odd[r] = _mm256_setzero_ps(); } \
        size_t p = 0;                                                                                   \
        for (; p + 2 * LANES <= k; p += 2 * LANES) {                                                    \
            __m256 v0 = _mm256_loadu_ps(w + p), v1 = _mm256_loadu_ps(w + p + LANES);                    \
            for (int r = 0; r < ROWS; r++) {                                                            \
                even[r] = _mm256_fmadd_ps(v0, _mm256_loadu_ps(a + r * lda + p), even[r]);               \
                odd[r] = _mm256_fmadd_ps(v1, _mm256_loadu_ps(a + r * lda + p + LANES), odd[r]);         \
            }                                                                                           \
        }                                                                                               \
        if (p + LANES <= k) {                                                                           \
            __m256 v0 = _mm256_loadu_ps(w + p);                                                         \
            for (int r = 0; r < ROWS; r++)                                                              \
                even[r] = _mm256_fmadd_ps(v0, _mm256_loadu_ps(a + r * lda + p), even[r]);               \
            p += LANES;                                                                                 \
        }                                                                                               \
        for (int r = 0; r < ROWS; r++) {                                                                \
            float sum = lane_sum(_mm256_add_ps(even[r], odd[r]));                                       \
            for (size_t q = p; q < k; q++) sum += w[q] * a[r * lda + q];                                \
            dots[r] = sum;                                                                              \
        }                                                                                               \
    }
CSKINNY_DOTS(1)
CSKINNY_DOTS(2)
CSKINNY_DOTS(3)
CSKINNY_DOTS(4)
CSKINNY_DOTS(5)
CSKINNY_DOTS(6)

static void dots_avx2(size_t rows, const float *w, const float *a, size_t lda, size_t k, float *dots) {
    switch (rows) {
    case 1: dots_avx2_1(w, a, lda, k, dots); break;
    case 2: dots_avx2_2(w, a, lda, k, dots); break;
    case 3: dots_avx2_3(w, a, lda, k, dots); break;
    case 4: dots_avx2_4(w, a, lda, k, dots); break;
    case 5: dots_avx2_5(w, a, lda, k, dots); break;
    default: dots_avx2_6(w, a, lda, k, dots); break;
    }
}
#endif

/* MARK: kernel selection */

static int force_portable_flag = 0;

static int cpu_has_avx2_fma(void) {
#if CSKINNY_X86
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}

int cskinny_uses_avx2(void) {
    static int has = -1;
    if (has < 0) has = cpu_has_avx2_fma();
    return has && !force_portable_flag;
}

void cskinny_force_portable(int on) { force_portable_flag = on; }

void cskinny_sgemm_nt(size_t m, size_t n0, size_t n1, size_t k, float alpha,
                      const float *a, size_t lda, const float *b, size_t ldb,
                      float beta, float *c, size_t ldc) {
    void (*dots)(size_t, const float *, const float *, size_t, size_t, float *) = dots_portable;
#if CSKINNY_X86
    if (cskinny_uses_avx2()) dots = dots_avx2;
#endif
    float results[GROUP];
    for (size_t j = n0; j < n1; j++) {
        for (size_t i = 0; i < m; i += GROUP) {
            size_t rows = m - i < GROUP ? m - i : GROUP;
            dots(rows, b + j * ldb, a + i * lda, lda, k, results);
            store(rows, results, alpha, beta, c + i * ldc + j, ldc);
        }
    }
}

/* MARK: attention of a few query rows (see the header) */

static void scores_portable(size_t m, size_t heads, size_t h0, size_t h1, size_t hd, size_t keys, float scale,
                            const float *q, size_t ldq, const float *k, size_t ldk, float *scores) {
    float dots[1];
    for (size_t j = 0; j < keys; j++) {
        for (size_t h = h0; h < h1; h++) {
            for (size_t r = 0; r < m; r++) {
                dots_portable(1, k + j * ldk + h * hd, q + r * ldq + h * hd, 0, hd, dots);
                scores[(r * heads + h) * keys + j] = scale * dots[0];
            }
        }
    }
}

/* Heads [h0, h1) of the m output rows set to 0 before the values pass accumulates into them. */
static void zero_heads(size_t m, size_t h0, size_t h1, size_t hd, float *out, size_t ldo) {
    for (size_t r = 0; r < m; r++) memset(out + r * ldo + h0 * hd, 0, (h1 - h0) * hd * sizeof(float));
}

/* o_r += p_r * vj for the m rows r (o_r at o + r*ldo, p_r at p + r*pstride), hd features each. */
static void axpy_rows_portable(size_t m, size_t hd, const float *p, size_t pstride, const float *vj, float *o, size_t ldo) {
    for (size_t r = 0; r < m; r++) {
        float pr = p[r * pstride], *row = o + r * ldo;
        for (size_t d = 0; d < hd; d++) row[d] += pr * vj[d];
    }
}

#if CSKINNY_X86
CSKINNY_AVX2 static void scores_avx2(size_t m, size_t heads, size_t h0, size_t h1, size_t hd, size_t keys, float scale,
                                     const float *q, size_t ldq, const float *k, size_t ldk, float *scores) {
    float dots[GROUP];
    for (size_t j = 0; j < keys; j++) {
        for (size_t h = h0; h < h1; h++) {
            for (size_t i = 0; i < m; i += GROUP) {
                size_t rows = m - i < GROUP ? m - i : GROUP;
                dots_avx2(rows, k + j * ldk + h * hd, q + i * ldq + h * hd, ldq, hd, dots);
                for (size_t r = 0; r < rows; r++) scores[((i + r) * heads + h) * keys + j] = scale * dots[r];
            }
        }
    }
}

CSKINNY_AVX2 static void axpy_rows_avx2(size_t m, size_t hd, const float *p, size_t pstride, const float *vj, float *o,
                                        size_t ldo) {
    size_t whole = hd - hd % LANES;
    for (size_t r = 0; r < m; r++) {
        float pr = p[r * pstride], *row = o + r * ldo;
        __m256 pv = _mm256_set1_ps(pr);
        size_t d = 0;
        for (; d < whole; d += LANES)
            _mm256_storeu_ps(row + d, _mm256_fmadd_ps(pv, _mm256_loadu_ps(vj + d), _mm256_loadu_ps(row + d)));
        for (; d < hd; d++) row[d] += pr * vj[d];
    }
}
#endif

void cskinny_attention_scores(size_t m, size_t heads, size_t h0, size_t h1, size_t head_dim, size_t keys,
                              float scale, const float *q, size_t ldq, const float *k, size_t ldk, float *scores) {
#if CSKINNY_X86
    if (cskinny_uses_avx2()) { scores_avx2(m, heads, h0, h1, head_dim, keys, scale, q, ldq, k, ldk, scores); return; }
#endif
    scores_portable(m, heads, h0, h1, head_dim, keys, scale, q, ldq, k, ldk, scores);
}

void cskinny_attention_values(size_t m, size_t heads, size_t h0, size_t h1, size_t head_dim, size_t keys,
                              const float *scores, const float *v, size_t ldv, float *out, size_t ldo) {
    void (*axpy_rows)(size_t, size_t, const float *, size_t, const float *, float *, size_t) = axpy_rows_portable;
#if CSKINNY_X86
    if (cskinny_uses_avx2()) axpy_rows = axpy_rows_avx2;
#endif
    zero_heads(m, h0, h1, head_dim, out, ldo);
    for (size_t j = 0; j < keys; j++) {
        for (size_t h = h0; h < h1; h++) {
            axpy_rows(m, head_dim, scores + h * keys + j, heads * keys, v + j * ldv + h * head_dim, out + h * head_dim, ldo);
        }
    }
}
