#include "cvectormath.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f")))

int cvm_has_avx512f(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") ? 1 : 0;
}

/// Lanes i < n of a 16-lane block starting n elements before the end.
static inline AVX512 __mmask16 lanes_below(size_t n) {
    return n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1);
}

/// e^x on 16 lanes: the Cephes expf scheme of VectorMath.swift (x = n ln2 + r, Cody-Waite split
/// of ln2, degree-5 polynomial, 2^n through the exponent bits) with fused multiply-adds; inputs
/// clamped to [-86, 88.72283].
static inline AVX512 __m512 exp16(__m512 x) {
    x = _mm512_max_ps(x, _mm512_set1_ps(-86.0f));
    x = _mm512_min_ps(x, _mm512_set1_ps(88.72283f));
    const __m512 magic = _mm512_set1_ps(12582912.0f);   // 1.5 * 2^23: rounds to an integer
    __m512 shifted = _mm512_fmadd_ps(x, _mm512_set1_ps(1.44269504088896341f), magic);
    __m512 n = _mm512_sub_ps(shifted, magic);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
    __m512 p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    __m512 y = _mm512_add_ps(_mm512_fmadd_ps(p, _mm512_mul_ps(r, r), r), _mm512_set1_ps(1.0f));
    // 2^n with n in [-124, 128]: scale by 2^(n-1) * 2 (n = 128 only at the upper clamp).
    __m512i bits = _mm512_sub_epi32(_mm512_castps_si512(shifted), _mm512_castps_si512(magic));
    __m512 scale = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(bits, _mm512_set1_epi32(126)), 23));
    return _mm512_mul_ps(_mm512_mul_ps(y, scale), _mm512_set1_ps(2.0f));
}

AVX512 void cvm_exp(const float *x, float *y, size_t n) {
    for (size_t i = 0; i < n; i += 16) {
        __mmask16 m = lanes_below(n - i);
        _mm512_mask_storeu_ps(y + i, m, exp16(_mm512_maskz_loadu_ps(m, x + i)));
    }
}

AVX512 void cvm_masked_softmax_row(float *x, size_t n, const float *bias, size_t visible) {
    const __m512 hidden = _mm512_set1_ps(-10000.0f);
    __m512 maxima = _mm512_set1_ps(-__builtin_inff());
    for (size_t i = 0; i < n; i += 16) {
        __mmask16 m = lanes_below(n - i);
        __mmask16 shown = i >= visible ? 0 : lanes_below(visible - i);
        __m512 v = _mm512_maskz_loadu_ps(m, x + i);
        if (bias) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(m & shown, bias + i));
        v = _mm512_mask_add_ps(v, m & ~shown, v, hidden);
        _mm512_mask_storeu_ps(x + i, m, v);
        maxima = _mm512_mask_max_ps(maxima, m, maxima, v);
    }
    const __m512 shift = _mm512_set1_ps(_mm512_reduce_max_ps(maxima));
    __m512 sums = _mm512_setzero_ps();
    for (size_t i = 0; i < n; i += 16) {
        __mmask16 m = lanes_below(n - i);
        __m512 e = exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, x + i), shift));
        _mm512_mask_storeu_ps(x + i, m, e);
        sums = _mm512_mask_add_ps(sums, m, sums, e);
    }
    const __m512 inverse = _mm512_set1_ps(1.0f / _mm512_reduce_add_ps(sums));
    for (size_t i = 0; i < n; i += 16) {
        __mmask16 m = lanes_below(n - i);
        _mm512_mask_storeu_ps(x + i, m, _mm512_mul_ps(_mm512_maskz_loadu_ps(m, x + i), inverse));
    }
}

AVX512 void cvm_quick_gelu(float *x, size_t n) {
    const __m512 one = _mm512_set1_ps(1.0f), factor = _mm512_set1_ps(-1.702f);
    for (size_t i = 0; i < n; i += 16) {
        __mmask16 m = lanes_below(n - i);
        __m512 v = _mm512_maskz_loadu_ps(m, x + i);
        __m512 e = exp16(_mm512_mul_ps(v, factor));
        _mm512_mask_storeu_ps(x + i, m, _mm512_div_ps(v, _mm512_add_ps(one, e)));
    }
}

#else
// Other architectures: the Swift kernels are used; these are never called.
int cvm_has_avx512f(void) { return 0; }
void cvm_exp(const float *x, float *y, size_t n) { (void)x; (void)y; (void)n; }
void cvm_masked_softmax_row(float *x, size_t n, const float *bias, size_t visible) { (void)x; (void)n; (void)bias; (void)visible; }
void cvm_quick_gelu(float *x, size_t n) { (void)x; (void)n; }
#endif
