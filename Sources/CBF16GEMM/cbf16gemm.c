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
/* K-pairs per cache block: one B panel slice is KC_PAIRS * 64 * 2 bytes = 32 KiB at 256 (L1/L2). */
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

int cbf16_active_kernel(void) {
    if (__atomic_load_n(&force_portable_flag, __ATOMIC_RELAXED)) return CBF16_KERNEL_PORTABLE;
    static int has = -1;
    int known = __atomic_load_n(&has, __ATOMIC_RELAXED);
    if (known < 0) {
        known = cbf16_cpu_has_avx512bf16();
        __atomic_store_n(&has, known, __ATOMIC_RELAXED);
    }
    return known ? CBF16_KERNEL_AVX512BF16 : CBF16_KERNEL_PORTABLE;
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

void cbf16_pack_b(const float *b, int k, int n, int ldb, int transposed, uint16_t *packed) {
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

void cbf16_pack_a(const float *a, int m, int k, int lda, uint32_t *packed) {
#define LOAD_F32(i) cbf16_from_float(a[i])
    PACK_A_BODY(LOAD_F32)
#undef LOAD_F32
}

void cbf16_pack_a_bf16(const uint16_t *a, int m, int k, int lda, uint32_t *packed) {
#define LOAD_BF16(i) a[i]
    PACK_A_BODY(LOAD_BF16)
#undef LOAD_BF16
}

/* MARK: micro-kernels
 * Both compute rows [0, rows) x columns [0, cols) of one panel over `pairs` K-pairs:
 * a: packed A rows (stride a_stride pairs), b: the panel slice (64 values per pair),
 * c: output (stride ldc), overwritten unless `accumulate`. */

static void micro_portable(int rows, int cols, int pairs, const uint32_t *a, int a_stride,
                           const uint16_t *b, float *c, int ldc, int accumulate) {
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
        for (int j = 0; j < cols; j++) crow[j] = accumulate ? crow[j] + acc[j] : acc[j];
    }
}

#if CBF16_X86
__attribute__((target("avx512bf16,avx512f,avx512bw,avx512vl")))
static inline __attribute__((always_inline)) void
micro_avx512_rows(const int rows, int cols, int pairs, const uint32_t *a, int a_stride,
                  const uint16_t *b, float *c, int ldc, int accumulate) {
    __m512 acc0[MR], acc1[MR];
    for (int r = 0; r < MR; r++) {
        acc0[r] = _mm512_setzero_ps();
        acc1[r] = _mm512_setzero_ps();
    }
    for (int p = 0; p < pairs; p++) {
        const uint16_t *bp = b + (size_t)p * 2 * CBF16_PANEL_WIDTH;
        __m512bh b0 = (__m512bh)_mm512_loadu_si512((const void *)bp);
        __m512bh b1 = (__m512bh)_mm512_loadu_si512((const void *)(bp + CBF16_PANEL_WIDTH));
        for (int r = 0; r < MR; r++) {
            if (r < rows) {
                __m512bh ar = (__m512bh)_mm512_set1_epi32((int)a[(size_t)r * a_stride + p]);
                acc0[r] = _mm512_dpbf16_ps(acc0[r], ar, b0);
                acc1[r] = _mm512_dpbf16_ps(acc1[r], ar, b1);
            }
        }
    }
    __mmask16 mask0 = cols >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << cols) - 1u);
    __mmask16 mask1 = cols >= 32 ? (__mmask16)0xffff
                    : cols > 16 ? (__mmask16)((1u << (cols - 16)) - 1u) : (__mmask16)0;
    for (int r = 0; r < MR; r++) {
        if (r < rows) {
            float *crow = c + (size_t)r * ldc;
            __m512 v0 = acc0[r], v1 = acc1[r];
            if (accumulate) {
                v0 = _mm512_add_ps(v0, _mm512_maskz_loadu_ps(mask0, crow));
                v1 = _mm512_add_ps(v1, _mm512_maskz_loadu_ps(mask1, crow + 16));
            }
            _mm512_mask_storeu_ps(crow, mask0, v0);
            _mm512_mask_storeu_ps(crow + 16, mask1, v1);
        }
    }
}

/* Full-height tiles get a specialised copy (rows is a constant); tails use the general one. */
__attribute__((target("avx512bf16,avx512f,avx512bw,avx512vl")))
static void micro_avx512(int rows, int cols, int pairs, const uint32_t *a, int a_stride,
                         const uint16_t *b, float *c, int ldc, int accumulate) {
    if (rows == MR) {
        micro_avx512_rows(MR, cols, pairs, a, a_stride, b, c, ldc, accumulate);
    } else {
        micro_avx512_rows(rows, cols, pairs, a, a_stride, b, c, ldc, accumulate);
    }
}
#endif

/* MARK: blocked driver */

void cbf16_gemm_packed(int m, int n, int k, const uint32_t *packed_a, const uint16_t *packed_b,
                       float *c, int ldc, int accumulate, int panel_begin, int panel_end, int kernel) {
    int pairs = pair_count(k);
    int use_avx512 = 0;
#if CBF16_X86
    use_avx512 = kernel == CBF16_KERNEL_AVX512BF16 && cbf16_cpu_has_avx512bf16();
#else
    (void)kernel;
#endif
    if (pairs == 0) {                                       /* K == 0: the product is zero */
        if (!accumulate) {
            for (int i = 0; i < m; i++) {
                for (int j = panel_begin * CBF16_PANEL_WIDTH; j < n && j < panel_end * CBF16_PANEL_WIDTH; j++) {
                    c[(size_t)i * ldc + j] = 0.0f;
                }
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
                const uint16_t *bblock = bpanel + (size_t)pc * 2 * CBF16_PANEL_WIDTH;
                for (int ir = ic; ir < row_end; ir += MR) {
                    int rows = row_end - ir < MR ? row_end - ir : MR;
                    const uint32_t *ablock = packed_a + (size_t)ir * pairs + pc;
                    float *cblock = c + (size_t)ir * ldc + col0;
#if CBF16_X86
                    if (use_avx512) {
                        micro_avx512(rows, cols, block, ablock, pairs, bblock, cblock, ldc, acc);
                        continue;
                    }
#endif
                    micro_portable(rows, cols, block, ablock, pairs, bblock, cblock, ldc, acc);
                }
            }
        }
    }
}
