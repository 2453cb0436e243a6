// AVX-512F versions of TensorMath's exp-based row kernels (softmax, QuickGELU), selected at run
// time; the portable Swift kernels in VectorMath.swift are the reference and the fallback.
#ifndef CVECTORMATH_H
#define CVECTORMATH_H

#include <stddef.h>

/// 1 when this CPU runs the AVX-512F kernels (x86-64 with AVX-512F), else 0.
int cvm_has_avx512f(void);

/// y[i] = e^x[i] for n floats (same scheme and clamping as TensorMath's `exp(FloatVector)`).
void cvm_exp(const float *x, float *y, size_t n);

/// Attention softmax of one row of n scores in place: x[j] += bias[j] for j < visible (no bias when
/// NULL), x[j] += -10000 for j >= visible; then e^(x - max) / sum.
void cvm_masked_softmax_row(float *x, size_t n, const float *bias, size_t visible);

/// x[i] = x[i] / (1 + e^(-1.702 x[i])) for n floats in place (CLIP's QuickGELU).
void cvm_quick_gelu(float *x, size_t n);

#endif
