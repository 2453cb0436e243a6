/* Few-row fp32 GEMM C = alpha * A * B^T (+ beta * C); see include/cskinnygemm.h. */
#include "cskinnygemm.h"

#include <stdint.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define CSKINNY_X86 1
#else
#define CSKINNY_X86 0
#endif

/* Rows of A per pass over a row of B: 2 x GROUP accumulators must fit the 16 vector registers. */
enum { GROUP = 6, LANES = 8 };

/* The rows of A a pass multiplies with must stay in L1 (32 KB here, next to the B lines streaming
 * through; GROUP rows of K_BLOCK floats take 18 KB): longer rows are processed in blocks of K_BLOCK
 * floats, each block a pass over all rows of B, its partial sums added to C. The block does not
 * depend on m, so a row's result does not depend on how many rows are multiplied with it. */
enum { K_BLOCK = 768 };

/* Bytes of B ahead of the current read that the AVX2 kernel prefetches (into L2): a decoding
 * product is bound by memory latency, and the hardware prefetchers alone keep too few lines in
 * flight while the core does 2*m FMAs per vector of B (measured on the 2-core EPYC: m = 5 streams
 * 9-19 GB/s without, 14-23 GB/s with). */
enum { PREFETCH_BYTES = 8 * 1024 };

static void store(size_t rows, const float *dots, float alpha, float beta, float *c, size_t ldc) {
    for (size_t r = 0; r < rows; r++) {
        float *out = c + r * ldc;
        *out = beta == 0 ? alpha * dots[r] : alpha * dots[r] + beta * *out;
    }
}

/* MARK: portable kernel: 8 lane sums per row (independent lanes, so the compiler may vectorise) */

static void dots_portable(size_t rows, const float *w, const float *a, size_t lda, size_t k, float *dots,
                          const float *ahead) {
    (void)ahead;
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
 * per iteration) keep enough FMAs in flight. ROWS is a constant. Each iteration prefetches the
 * cache line at the same offset of `ahead` (the B data read PREFETCH_BYTES later) into L2.
 * (Reading two rows of B at once to share the loads of A was measured 2x slower: the interleaved
 * streams defeat the prefetcher.) */
#define CSKINNY_DOTS(ROWS)                                                                              \
    CSKINNY_AVX2 static void dots_avx2_##ROWS(const float *w, const float *a, size_t lda, size_t k,    \
                                              float *dots, const float *ahead) {                        \
        __m256 even[ROWS], odd[ROWS];                                                                   \
        for (int r = 0; r < ROWS; r++) { even[r] = _mm256_setzero_ps(); odd[r] = _mm256_setzero_ps(); } \
        size_t p = 0;                                                                                   \
        for (; p + 2 * LANES <= k; p += 2 * LANES) {                                                    \
            _mm_prefetch((const char *)(ahead + p), _MM_HINT_T2);                                       \
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

static void dots_avx2(size_t rows, const float *w, const float *a, size_t lda, size_t k, float *dots,
                      const float *ahead) {
    switch (rows) {
    case 1: dots_avx2_1(w, a, lda, k, dots, ahead); break;
    case 2: dots_avx2_2(w, a, lda, k, dots, ahead); break;
    case 3: dots_avx2_3(w, a, lda, k, dots, ahead); break;
    case 4: dots_avx2_4(w, a, lda, k, dots, ahead); break;
    case 5: dots_avx2_5(w, a, lda, k, dots, ahead); break;
    default: dots_avx2_6(w, a, lda, k, dots, ahead); break;
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
    void (*dots)(size_t, const float *, const float *, size_t, size_t, float *, const float *) = dots_portable;
#if CSKINNY_X86
    if (cskinny_uses_avx2()) dots = dots_avx2;
#endif
    size_t block = k > K_BLOCK ? K_BLOCK : k;
    float results[GROUP];
    for (size_t p0 = 0; p0 < k; p0 += block) {
        size_t length = k - p0 < block ? k - p0 : block;
        /* Prefetch the block of the row of B about PREFETCH_BYTES ahead (an address only: a
         * prefetch past the end of B is dropped, never a fault). */
        uintptr_t ahead = (PREFETCH_BYTES / (length * sizeof(float)) + 1) * ldb * sizeof(float);
        for (size_t j = n0; j < n1; j++) {
            const float *w = b + j * ldb + p0;
            for (size_t i = 0; i < m; i += GROUP) {
                size_t rows = m - i < GROUP ? m - i : GROUP;
                dots(rows, w, a + i * lda + p0, lda, length, results, (const float *)((uintptr_t)w + ahead));
                /* The first block applies beta; later blocks add their partial sums. */
                store(rows, results, alpha, p0 == 0 ? beta : 1, c + i * ldc + j, ldc);
            }
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
                dots_portable(1, k + j * ldk + h * hd, q + r * ldq + h * hd, 0, hd, dots, NULL);
                scores[(r * heads + h) * keys + j] = scale * dots[0];
            }
        }
    }
}

/* Values of one head, portable: for each of the m rows and `width` features,
 * o_r[d] = sum_j p_r[j] * v_j[d] summed over j in order (p_r at p + r*pstride, v_j at v + j*ldv). */
static void head_values_portable(size_t m, size_t width, size_t keys, const float *p, size_t pstride, const float *v,
                                 size_t ldv, float *o, size_t ldo) {
    for (size_t r = 0; r < m; r++) {
        for (size_t d = 0; d < width; d++) {
            float sum = 0;
            for (size_t j = 0; j < keys; j++) sum += p[r * pstride + j] * v[j * ldv + d];
            o[r * ldo + d] = sum;
        }
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
                /* Prefetch the same head's slice two key rows ahead. */
                const float *key = k + j * ldk + h * hd;
                dots_avx2(rows, key, q + i * ldq + h * hd, ldq, hd, dots, (const float *)((uintptr_t)key + 2 * ldk * sizeof(float)));
                for (size_t r = 0; r < rows; r++) scores[((i + r) * heads + h) * keys + j] = scale * dots[r];
            }
        }
    }
}

/* Values of one head for ROWS rows and 4 vectors (32 features): the sums stay in registers while
 * the key index j runs in order, one FMA per (j, row, vector), so the result equals summing
 * o += p_r[j] * v_j in order. The value rows VALUES_AHEAD ahead are prefetched. */
enum { VALUE_VECTORS = 4, VALUE_ROWS = 3, VALUES_AHEAD = 8 };
#define CSKINNY_VALUES(ROWS)                                                                              \
    CSKINNY_AVX2 static void head_values_avx2_##ROWS(size_t keys, const float *p, size_t pstride,          \
                                                     const float *v, size_t ldv, float *o, size_t ldo) {  \
        __m256 sum[ROWS][VALUE_VECTORS];                                                                  \
        for (int r = 0; r < ROWS; r++)                                                                    \
            for (int q = 0; q < VALUE_VECTORS; q++) sum[r][q] = _mm256_setzero_ps();                      \
        for (size_t j = 0; j < keys; j++) {                                                               \
            const float *vj = v + j * ldv;                                                                \
            _mm_prefetch((const char *)((uintptr_t)vj + VALUES_AHEAD * ldv * sizeof(float)), _MM_HINT_T0); \
            _mm_prefetch((const char *)((uintptr_t)vj + VALUES_AHEAD * ldv * sizeof(float) + 64), _MM_HINT_T0); \
            __m256 x[VALUE_VECTORS];                                                                      \
            for (int q = 0; q < VALUE_VECTORS; q++) x[q] = _mm256_loadu_ps(vj + q * LANES);               \
            for (int r = 0; r < ROWS; r++) {                                                              \
                __m256 pr = _mm256_broadcast_ss(p + r * pstride + j);                                     \
                for (int q = 0; q < VALUE_VECTORS; q++) sum[r][q] = _mm256_fmadd_ps(pr, x[q], sum[r][q]);  \
            }                                                                                             \
        }                                                                                                 \
        for (int r = 0; r < ROWS; r++)                                                                    \
            for (int q = 0; q < VALUE_VECTORS; q++) _mm256_storeu_ps(o + r * ldo + q * LANES, sum[r][q]);  \
    }
CSKINNY_VALUES(1)
CSKINNY_VALUES(2)
CSKINNY_VALUES(3)

/* Values of one head, AVX2: 32-feature chunks of up to 3 rows in registers; the features left over
 * (width not a multiple of 32) go through the portable loop. */
CSKINNY_AVX2 static void head_values_avx2(size_t m, size_t width, size_t keys, const float *p, size_t pstride,
                                          const float *v, size_t ldv, float *o, size_t ldo) {
    size_t chunk = VALUE_VECTORS * LANES, whole = width - width % chunk;
    for (size_t d = 0; d < whole; d += chunk) {
        for (size_t i = 0; i < m; i += VALUE_ROWS) {
            size_t rows = m - i < VALUE_ROWS ? m - i : VALUE_ROWS;
            const float *pi = p + i * pstride;
            float *oi = o + i * ldo + d;
            switch (rows) {
            case 1: head_values_avx2_1(keys, pi, pstride, v + d, ldv, oi, ldo); break;
            case 2: head_values_avx2_2(keys, pi, pstride, v + d, ldv, oi, ldo); break;
            default: head_values_avx2_3(keys, pi, pstride, v + d, ldv, oi, ldo); break;
            }
        }
    }
    if (whole < width) head_values_portable(m, width - whole, keys, p, pstride, v + whole, ldv, o + whole, ldo);
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
    void (*head_values)(size_t, size_t, size_t, const float *, size_t, const float *, size_t, float *, size_t) =
        head_values_portable;
#if CSKINNY_X86
    if (cskinny_uses_avx2()) head_values = head_values_avx2;
#endif
    for (size_t h = h0; h < h1; h++) {
        head_values(m, head_dim, keys, scores + h * keys, heads * keys, v + h * head_dim, ldv, out + h * head_dim, ldo);
    }
}
