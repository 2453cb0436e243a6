import CVectorMath

/// Vectorized float32 kernels: `exp` and `erfc` on 8 lanes, and the softmax / GELU / QuickGELU
/// loops built on them.
///
/// The loops are written out (no closures) so that they compile to straight SIMD code; the last
/// `count % 8` elements go through the same vector code on a padded vector.
public typealias FloatVector = SIMD8<Float>

/// Chooses between the portable Swift kernels of this file and their AVX-512F versions in C
/// (`CVectorMath`: the same exp scheme on 16 lanes with fused multiply-adds, masked tails) for the
/// hot loops: attention softmax and QuickGELU. The package is built for baseline x86-64 (SSE2),
/// so the Swift kernels run 4 lanes per instruction; the C ones are compiled for AVX-512F and only
/// called when the CPU has it.
public enum VectorKernels {
    /// Whether this CPU supports the AVX-512F kernels.
    public static let cpuHasAVX512F = cvm_has_avx512f() != 0
    /// Forces the portable Swift kernels process-wide (for comparisons and tests).
    nonisolated(unsafe) public static var forcePortable = false
    /// Whether the AVX-512F kernels are in use.
    public static var usesAVX512F: Bool { cpuHasAVX512F && !forcePortable }

    /// `e^x` of every element with the kernel in use (see `exp(FloatVector)` for range and accuracy).
    public static func exp(_ values: [Float]) -> [Float] {
        var out = [Float](repeating: 0, count: values.count)
        values.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { y in
                guard let xp = x.baseAddress, let yp = y.baseAddress else { return }
                if usesAVX512F {
                    cvm_exp(xp, yp, values.count)
                    return
                }
                let whole = values.count - values.count % FloatVector.scalarCount
                for i in stride(from: 0, to: whole, by: FloatVector.scalarCount) { storeVector(TensorMath.exp(loadVector(xp + i)), yp + i) }
                if whole < values.count {
                    let tail = values.count - whole
                    storePartialVector(TensorMath.exp(loadPartialVector(xp + whole, count: tail, padding: 0)), yp + whole, count: tail)
                }
            }
        }
        return out
    }
}

/// `e^x` lane-wise. Cephes `expf` scheme: `x = n·ln2 + r` with `n = round(x / ln2)` and
/// `|r| ≤ ln2/2` (ln2 split in two parts, Cody–Waite), a degree-5 polynomial for
/// `(e^r − 1 − r) / r²`, then `· 2ⁿ` through the exponent bits. Relative error ≤ 2 ulp (tested
/// against float64 `exp`) for `x ∈ [−86, 88.72]`; inputs are clamped to that range, so `e^x` for
/// `x < −86` is ≈ 4e−38 (instead of a smaller number, a denormal or 0) and overflow gives
/// ≈ 3.4e38 instead of `+inf`. NaN inputs are not supported.
@inline(__always)
public func exp(_ x: FloatVector) -> FloatVector {
    var x = x
    let low = FloatVector(repeating: -86), high = FloatVector(repeating: 88.72283)
    x.replace(with: low, where: x .< low)
    x.replace(with: high, where: x .> high)
    // Adding 1.5·2²³ rounds x/ln2 to the nearest integer n, which lands in the low mantissa bits.
    let magic = FloatVector(repeating: 12_582_912)
    let shifted = x * 1.44269504088896341 + magic
    let n = shifted - magic
    var r = x - n * 0.693359375           // ln2, high part (n·c is exact for |n| ≤ 128)
    r = r - n * -2.12194440e-4            // ln2, low part
    var p = FloatVector(repeating: 1.9875691500e-4)
    p = p * r + 1.3981999507e-3
    p = p * r + 8.3334519073e-3
    p = p * r + 4.1665795894e-2
    p = p * r + 1.6666665459e-1
    p = p * r + 5.0000001201e-1
    let y = p * (r * r) + r + 1
    // 2ⁿ with n ∈ [−124, 128]: n = 128 only at the upper clamp, where y < 1, so scale by 2ⁿ⁻¹ · 2.
    let nBits = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- unsafeBitCast(magic, to: SIMD8<Int32>.self)
    let scale = unsafeBitCast((nBits &+ (127 - 1)) &<< 23, to: FloatVector.self)
    return y * scale * 2
}

@inline(__always)
func loadVector(_ p: UnsafePointer<Float>) -> FloatVector {
    UnsafeRawPointer(p).loadUnaligned(as: FloatVector.self)
}

@inline(__always)
func storeVector(_ v: FloatVector, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: FloatVector.self)
}

/// The first `count < 8` floats at `p`, the other lanes `padding`.
@inline(__always)
func loadPartialVector(_ p: UnsafePointer<Float>, count: Int, padding: Float) -> FloatVector {
    var v = FloatVector(repeating: padding)
    for j in 0..<count { v[j] = p[j] }
    return v
}

@inline(__always)
func storePartialVector(_ v: FloatVector, _ p: UnsafeMutablePointer<Float>, count: Int) {
    for j in 0..<count { p[j] = v[j] }
}

/// Softmax of `count` contiguous floats in place: `e^(x − max) / Σ`, float32 sums.
@inline(__always)
func softmaxInPlace(_ p: UnsafeMutablePointer<Float>, count d: Int) {
    maskedSoftmaxInPlace(p, count: d, bias: nil, visible: d)
}

/// Attention softmax of one score row in place, fused into three passes over the row: `x[j] +=
/// bias[j]` for `j < visible` (no bias when nil) and `x[j] += −10000` for `j ≥ visible` (the
/// causal mask) while finding the maximum; then `e^(x − max)` and its float32 sum; then `/ Σ`.
@inline(__always)
func maskedSoftmaxInPlace(_ p: UnsafeMutablePointer<Float>, count d: Int, bias: UnsafePointer<Float>?, visible: Int) {
    if VectorKernels.usesAVX512F {
        cvm_masked_softmax_row(p, d, bias, visible)
        return
    }
    let lanes = FloatVector.scalarCount, whole = d - d % lanes, tail = d - whole
    let hidden = FloatVector(repeating: -10000)
    var maxima = FloatVector(repeating: -.infinity)
    var i = 0
    while i < whole {
        var v = loadVector(p + i)
        if i + lanes <= visible {
            if let bias { v += loadVector(bias + i) }
        } else if i >= visible {
            v += hidden
        } else {
            for j in 0..<lanes { v[j] += i + j < visible ? bias?[i + j] ?? 0 : -10000 }
        }
        storeVector(v, p + i)
        maxima.replace(with: v, where: v .> maxima)
        i += lanes
    }
    var m = maxima.max()
    for j in whole..<d {
        p[j] += j < visible ? bias?[j] ?? 0 : -10000
        m = max(m, p[j])
    }
    let shift = FloatVector(repeating: m)
    var sums = FloatVector()
    i = 0
    while i < whole {
        let e = exp(loadVector(p + i) - shift)
        storeVector(e, p + i)
        sums += e
        i += lanes
    }
    var s = sums.sum()
    if tail > 0 {
        let e = exp(loadPartialVector(p + whole, count: tail, padding: m) - shift)
        storePartialVector(e, p + whole, count: tail)
        for j in 0..<tail { s += e[j] }
    }
    let inverse = FloatVector(repeating: 1 / s)
    i = 0
    while i < whole {
        storeVector(loadVector(p + i) * inverse, p + i)
        i += lanes
    }
    for j in whole..<d { p[j] *= inverse[0] }
}

/// `x[j] += y[j]` for `count` floats.
@inline(__always)
func addInPlace(_ x: UnsafeMutablePointer<Float>, _ y: UnsafePointer<Float>, count: Int) {
    let lanes = FloatVector.scalarCount, whole = count - count % lanes
    var i = 0
    while i < whole {
        storeVector(loadVector(x + i) + loadVector(y + i), x + i)
        i += lanes
    }
    for j in whole..<count { x[j] += y[j] }
}

/// LayerNorm of one row of `count` floats into `dst`: `(x − mean) / sqrt(var + eps) · gamma + beta`,
/// biased variance; mean and variance accumulated in float64 (8 partial sums each, two passes).
@inline(__always)
func layerNormRow(_ x: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, count d: Int,
                  gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, eps: Float) {
    let lanes = FloatVector.scalarCount, whole = d - d % lanes
    var sums = SIMD8<Double>()
    var i = 0
    while i < whole {
        sums += SIMD8<Double>(loadVector(x + i))
        i += lanes
    }
    var sum = sums.sum()
    for j in whole..<d { sum += Double(x[j]) }
    let mean = sum / Double(d)
    let meanVector = SIMD8<Double>(repeating: mean)
    var squares = SIMD8<Double>()
    i = 0
    while i < whole {
        let c = SIMD8<Double>(loadVector(x + i)) - meanVector
        squares += c * c
        i += lanes
    }
    var square = squares.sum()
    for j in whole..<d { let c = Double(x[j]) - mean; square += c * c }
    let inverse = Float(1 / (square / Double(d) + Double(eps)).squareRoot()), m = Float(mean)
    let inverseVector = FloatVector(repeating: inverse), mVector = FloatVector(repeating: m)
    i = 0
    while i < whole {
        storeVector((loadVector(x + i) - mVector) * inverseVector * loadVector(gamma + i) + loadVector(beta + i), dst + i)
        i += lanes
    }
    for j in whole..<d { dst[j] = (x[j] - m) * inverse * gamma[j] + beta[j] }
}

/// CLIP's QuickGELU `x · sigmoid(1.702 x) = x / (1 + e^(−1.702 x))` on `count` floats in place.
@inline(__always)
func quickGeluInPlace(_ p: UnsafeMutablePointer<Float>, count: Int) {
    if VectorKernels.usesAVX512F {
        cvm_quick_gelu(p, count)
        return
    }
    let lanes = FloatVector.scalarCount, whole = count - count % lanes
    var i = 0
    while i < whole {
        let v = loadVector(p + i)
        storeVector(v / (1 + exp(v * -1.702)), p + i)
        i += lanes
    }
    if whole < count {
        let v = loadPartialVector(p + whole, count: count - whole, padding: 0)
        storePartialVector(v / (1 + exp(v * -1.702)), p + whole, count: count - whole)
    }
}

/// `erfc(z)` lane-wise for `z ≥ 0`: `t·e^(−z² + P(t))` with `t = 1 / (1 + z/2)` and the degree-9
/// polynomial `P` of Numerical Recipes' `erfcc` (Chebyshev fit, fractional error < 1.2e-7).
@inline(__always)
func erfcOfNonNegative(_ z: FloatVector) -> FloatVector {
    let t = 1 / (1 + 0.5 * z)
    var p = FloatVector(repeating: 0.17087277)
    p = p * t - 0.82215223
    p = p * t + 1.48851587
    p = p * t - 1.13520398
    p = p * t + 0.27886807
    p = p * t - 0.18628806
    p = p * t + 0.09678418
    p = p * t + 0.37409196
    p = p * t + 1.00002368
    p = p * t - 1.26551223
    return t * exp(p - z * z)
}

/// Exact (erf) GELU lane-wise: `0.5·x·(1 + erf(x/√2))`, evaluated as `0.5·x·erfc(|x|/√2)` for
/// `x < 0` (so the negative tail keeps its relative accuracy) and `0.5·x·(2 − erfc(x/√2))` otherwise.
@inline(__always)
func gelu(_ x: FloatVector) -> FloatVector {
    var z = x * 0.70710678118654752
    z.replace(with: -z, where: z .< 0)
    let c = erfcOfNonNegative(z)
    var factor = c
    factor.replace(with: 2 - c, where: x .>= 0)
    return 0.5 * x * factor
}

/// Exact GELU on `count` floats in place.
@inline(__always)
func geluInPlace(_ p: UnsafeMutablePointer<Float>, count: Int) {
    let lanes = FloatVector.scalarCount, whole = count - count % lanes
    var i = 0
    while i < whole {
        storeVector(gelu(loadVector(p + i)), p + i)
        i += lanes
    }
    if whole < count {
        let v = loadPartialVector(p + whole, count: count - whole, padding: 0)
        storePartialVector(gelu(v), p + whole, count: count - whole)
    }
}
