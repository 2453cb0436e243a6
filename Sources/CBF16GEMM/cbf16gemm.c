/* bf16 GEMM with fp32 accumulation; see include/cbf16gemm.h for the layouts. */
#include "cbf16gemm.h"

#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CBF16_X86 1
#else
#define CBF16_X86 0
#endif

/* Rows per micro-kernel call (8 rows x 2 zmm accumulators = 16 registers). */
enum { MR = 8 };
/* K-pairs per cache block: one B panel slice is KC_PAIRS * 64 * 2 bytes = 24 KiB (L1). On Zen 4 the
 * 8x32 tile then runs at ~195-200 GFLOP/s per core, the vdpbf16ps peak (about 2x sgemm's FMA peak). */
enum { KC_PAIRS = 192 };
/* Rows per cache block of packed A (MC_ROWS * KC_PAIRS * 4 bytes = 96 KiB, in L2). */
enum { MC_ROWS = 128 };

/* MARK: conversion */

uint16_t cbf16_from_float(float value) {
    uint32_t bits;
    memcpy(&bits, &value, sizeof bits);
    if ((bits & 0x7fffffffu) > 0x7f800000u) {           /* NaN: keep the sign, force quiet */
        return (uint16_t)((bits >> 16) | 0x0040u);
    }
    uint32_t lsb = (bits >> 16) & 1u;                     /* ties go to the even result */
    bits += 0x7fffu + lsb;
    return (uint16_t)(bits >> 16);
}

float cbf16_to_float(uint16_t value) {
    uint32_t bits = (uint32_t)value << 16;
    float result;
    memcpy(&result, &bits, sizeof result);
    return result;
}

void cbf16_convert_from_float(const float *source, uint16_t *destination, size_t count) {
    for (size_t i = 0; i < count; i++) destination[i] = cbf16_from_float(source[i]);
}

void cbf16_convert_to_float(const uint16_t *source, float *destination, size_t count) {
    for (size_t i = 0; i < count; i++) destination[i] = cbf16_to_float(source[i]);
}

/* MARK: kernel selection */

static int force_portable_flag = 0;

int cbf16_cpu_has_avx512bf16(void) {
#if CBF16_X86 && defined(__GNUC__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512bf16") ? 1 : 0;
#else
    return 0;
#endif
}

void cbf16_force_portable(int on) { __atomic_store_n(&force_portable_flag, on ? 1 : 0, __ATOMIC_RELAXED); }

/* Feature detection once per process. */
static int cpu_has_avx512bf16_cached(void) {
    static int has = -1;
    int known = __atomic_load_n(&has, __ATOMIC_RELAXED);
    if (known < 0) {
        known = cbf16_cpu_has_avx512bf16();
        __atomic_store_n(&has, known, __ATOMIC_RELAXED);
    }
    return known;
}

int cbf16_active_kernel(void) {
    if (__atomic_load_n(&force_portable_flag, __ATOMIC_RELAXED)) return CBF16_KERNEL_PORTABLE;
    return cpu_has_avx512bf16_cached() ? CBF16_KERNEL_AVX512BF16 : CBF16_KERNEL_PORTABLE;
}

const char *cbf16_kernel_name(int kernel) {
    return kernel == CBF16_KERNEL_AVX512BF16 ? "avx512bf16" : "portable";
}

/* MARK: packing */

static int pair_count(int k) { return (k + 1) / 2; }

int cbf16_panel_count(int n) { return (n + CBF16_PANEL_WIDTH - 1) / CBF16_PANEL_WIDTH; }

size_t cbf16_packed_b_count(int k, int n) {
    return (size_t)cbf16_panel_count(n) * (size_t)pair_count(k) * 2 * CBF16_PANEL_WIDTH;
}

size_t cbf16_packed_a_count(int m, int k) { return (size_t)m * (size_t)pair_count(k); }

/* One packer for both source types: `load(i)` reads element i of the source as bf16. */
#define PACK_B_BODY(LOAD)                                                                       \
    int pairs = pair_count(k);                                                                  \
    int panels = cbf16_panel_count(n);                                                          \
    for (int panel = 0; panel < panels; panel++) {                                              \
        uint16_t *out = packed + (size_t)panel * pairs * 2 * CBF16_PANEL_WIDTH;                 \
        for (int p = 0; p < pairs; p++) {                                                       \
            for (int j = 0; j < CBF16_PANEL_WIDTH; j++) {                                       \
                int col = panel * CBF16_PANEL_WIDTH + j;                                        \
                for (int t = 0; t < 2; t++) {                                                   \
                    int row = 2 * p + t;                                                        \
                    uint16_t v = 0;                                                             \
                    if (row < k && col < n) {                                                   \
                        size_t index = transposed ? (size_t)col * ldb + row                     \
                                                  : (size_t)row * ldb + col;                    \
                        v = LOAD(index);                                                        \
                    }                                                                           \
                    *out++ = v;                                                                 \
                }                                                                               \
            }                                                                                   \
        }                                                                                       \
    }

static void pack_b_portable(const float *b, int k, int n, int ldb, int transposed, uint16_t *packed) {
#define LOAD_F32(i) cbf16_from_float(b[i])
    PACK_B_BODY(LOAD_F32)
#undef LOAD_F32
}

void cbf16_pack_b_bf16(const uint16_t *b, int k, int n, int ldb, int transposed, uint16_t *packed) {
#define LOAD_BF16(i) b[i]
    PACK_B_BODY(LOAD_BF16)
#undef LOAD_BF16
}

/* One packer for both source types: `LOAD(i)` reads element i of row-major A as bf16. */
#define PACK_A_BODY(LOAD)                                                                       \
    int pairs = pair_count(k);                                                                  \
    for (int i = 0; i < m; i++) {                                                               \
        size_t row = (size_t)i * lda;                                                           \
        uint32_t *out = packed + (size_t)i * pairs;                                             \
        for (int p = 0; p < pairs; p++) {                                                       \
            uint32_t lo = LOAD(row + 2 * p);                                                    \
            uint32_t hi = (2 * p + 1 < k) ? (uint32_t)LOAD(row + 2 * p + 1) : 0u;               \
            out[p] = lo | (hi << 16);                                                           \
        }                                                                                       \
    }

static void pack_a_portable(const float *a, int m, int k, int lda, uint32_t *packed) {
#define LOAD_F32(i) cbf16_from_float(a[i])
    PACK_A_BODY(LOAD_F32)
#undef LOAD_F32
}

#if CBF16_X86
/* 16 fp32 values -> their bf16 bits in the upper halves of the 32-bit lanes, rounded exactly as
 * `cbf16_from_float` (nearest-even; NaN kept quiet with its sign). Plain AVX512F integer ops. */
__attribute__((target("avx512f,avx512bw")))
static inline __m512i round_to_bf16_high(__m512 value) {
    __m512i bits = _mm512_castps_si512(value);
    __m512i lsb = _mm512_and_si512(_mm512_srli_epi32(bits, 16), _mm512_set1_epi32(1));
    __m512i rounded = _mm512_add_epi32(bits, _mm512_add_epi32(lsb, _mm512_set1_epi32(0x7fff)));
    __mmask16 nan = _mm512_cmpgt_epu32_mask(_mm512_and_si512(bits, _mm512_set1_epi32(0x7fffffff)),
                                            _mm512_set1_epi32(0x7f800000));
    return _mm512_mask_or_epi32(rounded, nan, bits, _mm512_set1_epi32(0x00400000));
}

/* Lanes [0, count) set (count clamped to [0, 16]). */
static inline __mmask16 lanes(int count) {
    return count >= 16 ? (__mmask16)0xffff : count <= 0 ? (__mmask16)0 : (__mmask16)((1u << count) - 1u);
}

/* bf16 of the `count` (<= 16) floats at `source`, zero past `count`, in the upper lane halves. */
__attribute__((target("avx512f,avx512bw")))
static inline __m512i load_bf16_high(const float *source, int count) {
    return round_to_bf16_high(_mm512_maskz_loadu_ps(lanes(count), source));
}

/* Pairs p0 .. p0+15 of a row of `left` (>= 1) remaining values starting at `row`: 16 uint32 with
 * bf16(row[2i]) in the low and bf16(row[2i+1]) in the high half (0 past the end). */
__attribute__((target("avx512f,avx512bw")))
static inline __m512i row_pairs(const float *row, int left) {
    /* Word indices of the upper (bf16) halves of lanes 0..15 of the first vector, then the second. */
    const __m512i high_words = _mm512_set_epi16(63, 61, 59, 57, 55, 53, 51, 49, 47, 45, 43, 41, 39, 37, 35, 33,
                                                31, 29, 27, 25, 23, 21, 19, 17, 15, 13, 11, 9, 7, 5, 3, 1);
    return _mm512_permutex2var_epi16(load_bf16_high(row, left), high_words, load_bf16_high(row + 16, left - 16));
}

/* As `pack_a_portable` (bit-identical), 16 pairs of a row per step. */
__attribute__((target("avx512f,avx512bw")))
static void pack_a_avx512(const float *a, int m, int k, int lda, uint32_t *packed) {
    int pairs = pair_count(k);
    for (int i = 0; i < m; i++) {
        const float *row = a + (size_t)i * lda;
        uint32_t *out = packed + (size_t)i * pairs;
        for (int p = 0; p < pairs; p += 16) {
            _mm512_mask_storeu_epi32(out + p, lanes(pairs - p), row_pairs(row + 2 * p, k - 2 * p));
        }
    }
}

/* As `pack_b_portable` (bit-identical). Transposed sources (column j of B is source row j, K
 * contiguous) are converted 16 pairs x 32 rows at a time and transposed through a small tile;
 * row-major sources interleave rows 2p and 2p+1 word by word. */
__attribute__((target("avx512f,avx512bw")))
static void pack_b_avx512(const float *b, int k, int n, int ldb, int transposed, uint16_t *packed) {
    enum { W = CBF16_PANEL_WIDTH };
    int pairs = pair_count(k);
    int panels = cbf16_panel_count(n);
    for (int panel = 0; panel < panels; panel++) {
        uint32_t *out = (uint32_t *)(void *)(packed + (size_t)panel * pairs * 2 * W);
        int col0 = panel * W, cols = n - col0 < W ? n - col0 : W;
        if (transposed) {
            uint32_t tile[W][16];
            for (int p0 = 0; p0 < pairs; p0 += 16) {
                for (int j = 0; j < W; j++) {
                    __m512i v = j < cols ? row_pairs(b + (size_t)(col0 + j) * ldb + 2 * p0, k - 2 * p0)
                                         : _mm512_setzero_si512();
                    _mm512_storeu_si512((void *)tile[j], v);
                }
                int block = pairs - p0 < 16 ? pairs - p0 : 16;
                for (int p = 0; p < block; p++) {
                    for (int j = 0; j < W; j++) out[(size_t)(p0 + p) * W + j] = tile[j][p];
                }
            }
        } else {
            /* Output word w of a 16-column half: column w/2 of row 2p (w even) or 2p+1 (w odd). */
            const __m512i interleave = _mm512_set_epi16(63, 31, 61, 29, 59, 27, 57, 25, 55, 23, 53, 21, 51, 19, 49, 17,
                                                        47, 15, 45, 13, 43, 11, 41, 9, 39, 7, 37, 5, 35, 3, 33, 1);
            for (int p = 0; p < pairs; p++) {
                const float *row0 = b + (size_t)(2 * p) * ldb + col0;
                const float *row1 = row0 + ldb;
                int has_row1 = 2 * p + 1 < k;
                for (int half = 0; half < W / 16; half++) {
                    int count = cols - 16 * half;
                    __m512i v0 = load_bf16_high(row0 + 16 * half, count);
                    __m512i v1 = has_row1 ? load_bf16_high(row1 + 16 * half, count) : _mm512_setzero_si512();
                    _mm512_storeu_si512((void *)(out + (size_t)p * W + 16 * half),
                                        _mm512_permutex2var_epi16(v0, interleave, v1));
                }
            }
        }
    }
}
#endif

void cbf16_pack_b_with(const float *b, int k, int n, int ldb, int transposed, uint16_t *packed, int kernel) {
#if CBF16_X86
    if (kernel == CBF16_KERNEL_AVX512BF16 && cpu_has_avx512bf16_cached()) {
        pack_b_avx512(b, k, n, ldb, transposed, packed);
        return;
    }
#endif
    (void)kernel;
    pack_b_portable(b, k, n, ldb, transposed, packed);
}

void cbf16_pack_b(const float *b, int k, int n, int ldb, int transposed, uint16_t *packed) {
    cbf16_pack_b_with(b, k, n, ldb, transposed, packed, cbf16_active_kernel());
}

void cbf16_pack_a_with(const float *a, int m, int k, int lda, uint32_t *packed, int kernel) {
#if CBF16_X86
    if (kernel == CBF16_KERNEL_AVX512BF16 && cpu_has_avx512bf16_cached()) {
        pack_a_avx512(a, m, k, lda, packed);
        return;
    }
#endif
    (void)kernel;
    pack_a_portable(a, m, k, lda, packed);
}

void cbf16_pack_a(const float *a, int m, int k, int lda, uint32_t *packed) {
    cbf16_pack_a_with(a, m, k, lda, packed, cbf16_active_kernel());
}

void cbf16_pack_a_bf16(const uint16_t *a, int m, int k, int lda, uint32_t *packed) {
#define LOAD_BF16(i) a[i]
    PACK_A_BODY(LOAD_BF16)
#undef LOAD_BF16
}

/* MARK: micro-kernels
 * Both compute rows [0, rows) x columns [0, cols) of one panel over `pairs` K-pairs:
 * a: packed A rows (stride a_stride pairs), b: the panel slice (64 values per pair),
 * c: output (stride ldc), overwritten unless `accumulate`; bias (if not NULL): cols values added
 * to every row. */

static void micro_portable(int rows, int cols, int pairs, const uint32_t *a, int a_stride,
                           const uint16_t *b, float *c, int ldc, int accumulate, const float *bias) {
    for (int r = 0; r < rows; r++) {
        float acc[CBF16_PANEL_WIDTH];
        for (int j = 0; j < CBF16_PANEL_WIDTH; j++) acc[j] = 0.0f;
        const uint32_t *arow = a + (size_t)r * a_stride;
        for (int p = 0; p < pairs; p++) {
            float a0 = cbf16_to_float((uint16_t)(arow[p] & 0xffffu));
            float a1 = cbf16_to_float((uint16_t)(arow[p] >> 16));
            const uint16_t *bp = b + (size_t)p * 2 * CBF16_PANEL_WIDTH;
            for (int j = 0; j < CBF16_PANEL_WIDTH; j++) {
                acc[j] += a0 * cbf16_to_float(bp[2 * j]) + a1 * cbf16_to_float(bp[2 * j + 1]);
            }
        }
        float *crow = c + (size_t)r * ldc;
        for (int j = 0; j < cols; j++) {
            float sum = bias ? acc[j] + bias[j] : acc[j];
            crow[j] = accumulate ? crow[j] + sum : sum;
        }
    }
}

#if CBF16_X86
/* The 8 x 32 register tile: rows r = 0..7 of C in two 16-lane accumulators each, written out
 * explicitly (not as arrays) so that every compiler keeps all 16 in zmm registers. */
#define CBF16_EACH_ROW(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)

__attribute__((target("avx512bf16,avx512f,avx512bw,avx512vl")))
static inline __attribute__((always_inline)) void
micro_avx512_rows(const int rows, int cols, int pairs, const uint32_t *a, int a_stride,
                  const uint16_t *b, float *c, int ldc, int accumulate, const float *bias) {
#define DECLARE(r) __m512 lo##r = _mm512_setzero_ps(), hi##r = _mm512_setzero_ps();
    CBF16_EACH_ROW(DECLARE)
#undef DECLARE
    for (int p = 0; p < pairs; p++) {
        const uint16_t *bp = b + (size_t)p * 2 * CBF16_PANEL_WIDTH;
        __m512bh b0 = (__m512bh)_mm512_loadu_si512((const void *)bp);
        __m512bh b1 = (__m512bh)_mm512_loadu_si512((const void *)(bp + CBF16_PANEL_WIDTH));
#define STEP(r)                                                                                 \
        if (r < rows) {                                                                         \
            __m512bh ar = (__m512bh)_mm512_set1_epi32((int)a[(size_t)(r) * a_stride + p]);     \
            lo##r = _mm512_dpbf16_ps(lo##r, ar, b0);                                            \
            hi##r = _mm512_dpbf16_ps(hi##r, ar, b1);                                            \
        }
        CBF16_EACH_ROW(STEP)
#undef STEP
    }
    __mmask16 mask0 = cols >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << cols) - 1u);
    __mmask16 mask1 = cols >= 32 ? (__mmask16)0xffff
                    : cols > 16 ? (__mmask16)((1u << (cols - 16)) - 1u) : (__mmask16)0;
    __m512 bias0 = bias ? _mm512_maskz_loadu_ps(mask0, bias) : _mm512_setzero_ps();
    __m512 bias1 = bias ? _mm512_maskz_loadu_ps(mask1, bias + 16) : _mm512_setzero_ps();
#define STORE(r)                                                                                \
    if (r < rows) {                                                                             \
        float *crow = c + (size_t)(r) * ldc;                                                    \
        if (bias) {                                                                             \
            lo##r = _mm512_add_ps(lo##r, bias0);                                                \
            hi##r = _mm512_add_ps(hi##r, bias1);                                                \
        }                                                                                       \
        if (accumulate) {                                                                       \
            lo##r = _mm512_add_ps(lo##r, _mm512_maskz_loadu_ps(mask0, crow));                   \
            hi##r = _mm512_add_ps(hi##r, _mm512_maskz_loadu_ps(mask1, crow + 16));              \
        }                                                                                       \
        _mm512_mask_storeu_ps(crow, mask0, lo##r);                                              \
        _mm512_mask_storeu_ps(crow + 16, mask1, hi##r);                                         \
    }
    CBF16_EACH_ROW(STORE)
#undef STORE
}

/* Full-height tiles get a specialised copy (rows is a constant); tails use the general one. */
__attribute__((target("avx512bf16,avx512f,avx512bw,avx512vl")))
static void micro_avx512(int rows, int cols, int pairs, const uint32_t *a, int a_stride,
                         const uint16_t *b, float *c, int ldc, int accumulate, const float *bias) {
    if (rows == MR) {
        micro_avx512_rows(MR, cols, pairs, a, a_stride, b, c, ldc, accumulate, bias);
    } else {
        micro_avx512_rows(rows, cols, pairs, a, a_stride, b, c, ldc, accumulate, bias);
    }
}
#endif

/* MARK: blocked driver */

void cbf16_gemm_packed(int m, int n, int k, const uint32_t *packed_a, const uint16_t *packed_b, const float *bias,
                       float *c, int ldc, int accumulate, int panel_begin, int panel_end, int kernel) {
    int pairs = pair_count(k);
    int use_avx512 = 0;
#if CBF16_X86
    use_avx512 = kernel == CBF16_KERNEL_AVX512BF16 && cpu_has_avx512bf16_cached();
#else
    (void)kernel;
#endif
    if (pairs == 0) {                                       /* K == 0: the product is zero */
        for (int i = 0; i < m; i++) {
            for (int j = panel_begin * CBF16_PANEL_WIDTH; j < n && j < panel_end * CBF16_PANEL_WIDTH; j++) {
                float sum = bias ? bias[j] : 0.0f;
                c[(size_t)i * ldc + j] = accumulate ? c[(size_t)i * ldc + j] + sum : sum;
            }
        }
        return;
    }
    size_t panel_stride = (size_t)pairs * 2 * CBF16_PANEL_WIDTH;
    for (int ic = 0; ic < m; ic += MC_ROWS) {
        int row_end = ic + MC_ROWS < m ? ic + MC_ROWS : m;
        for (int panel = panel_begin; panel < panel_end; panel++) {
            int col0 = panel * CBF16_PANEL_WIDTH;
            int cols = n - col0 < CBF16_PANEL_WIDTH ? n - col0 : CBF16_PANEL_WIDTH;
            const uint16_t *bpanel = packed_b + (size_t)panel * panel_stride;
            for (int pc = 0; pc < pairs; pc += KC_PAIRS) {
                int block = pairs - pc < KC_PAIRS ? pairs - pc : KC_PAIRS;
                int acc = accumulate || pc > 0;
                const float *bias_block = bias && pc == 0 ? bias + col0 : NULL;   /* added once */
                const uint16_t *bblock = bpanel + (size_t)pc * 2 * CBF16_PANEL_WIDTH;
                for (int ir = ic; ir < row_end; ir += MR) {
                    int rows = row_end - ir < MR ? row_end - ir : MR;
                    const uint32_t *ablock = packed_a + (size_t)ir * pairs + pc;
                    float *cblock = c + (size_t)ir * ldc + col0;
#if CBF16_X86
                    if (use_avx512) {
                        micro_avx512(rows, cols, block, ablock, pairs, bblock, cblock, ldc, acc, bias_block);
                        continue;
                    }
#endif
                    micro_portable(rows, cols, block, ablock, pairs, bblock, cblock, ldc, acc, bias_block);
                }
            }
        }
    }
}
