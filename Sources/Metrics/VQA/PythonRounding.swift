/// Python 3's `round(x, ndigits)` for a float, exactly.
///
/// Python rounds the *exact binary value* of `x` to `ndigits` decimal places (ties to even, which
/// only happen when the binary value is exactly halfway) and returns the double nearest to that
/// decimal. So `round(0.125, 2) == 0.12`, `round(0.375, 2) == 0.38`, and `round(2.675, 2) == 2.67`
/// because 2.675 is stored as 2.67499999999999982236431605997495353221893310546875.
///
/// Implementation: with `|x| = m · 2^e` (integer `m < 2^53`), the rounded decimal is
/// `q / 10^n` where `q` is `m · 10^n / 2^(−e)` rounded half-to-even, done in 128-bit integer
/// arithmetic; `Double(q) / 10^n` is then correctly rounded because both operands are exact.
/// - Parameter decimalPlaces: `ndigits`, in `0...19`.
public func pythonRound(_ x: Double, decimalPlaces: Int) -> Double {
    precondition((0...19).contains(decimalPlaces), "pythonRound supports 0...19 decimal places")
    guard x.isFinite, x != 0 else { return x }
    let magnitude = x.magnitude
    // |x| = significand · 2^exponent with an integer significand (IEEE binary64 fields).
    let biasedExponent = Int(magnitude.exponentBitPattern)
    var significand = magnitude.significandBitPattern
    if biasedExponent != 0 { significand |= 1 << UInt64(Double.significandBitCount) }
    let exponent = max(biasedExponent, 1) - 1075
    guard exponent < 0 else { return x }   // an integer already

    var scale: UInt64 = 1
    for _ in 0..<decimalPlaces { scale *= 10 }
    // product = significand · 10^n as a 128-bit (high, low) pair.
    let product = significand.multipliedFullWidth(by: scale)
    let shift = -exponent
    let quotient = shiftedRight(high: product.high, low: product.low, by: shift)
    guard quotient.high == 0, quotient.low < (1 << 53) else { return x }  // already exact at n places
    var rounded = quotient.low
    // Compare the discarded remainder with half of 2^shift.
    switch compareRemainderWithHalf(high: product.high, low: product.low, shift: shift) {
    case .greater: rounded += 1
    case .equal where rounded & 1 == 1: rounded += 1
    default: break
    }
    let result = Double(rounded) / Double(scale)
    return x < 0 ? -result : result
}

private func shiftedRight(high: UInt64, low: UInt64, by shift: Int) -> (high: UInt64, low: UInt64) {
    if shift >= 128 { return (0, 0) }
    if shift >= 64 { return (0, high >> UInt64(shift - 64)) }
    if shift == 0 { return (high, low) }
    return (high >> UInt64(shift), (low >> UInt64(shift)) | (high << UInt64(64 - shift)))
}

private enum Comparison { case less, equal, greater }

/// Compares `value mod 2^shift` with `2^(shift-1)`, for `value = high · 2^64 + low` and `shift ≥ 1`.
private func compareRemainderWithHalf(high: UInt64, low: UInt64, shift: Int) -> Comparison {
    if shift > 128 { return .less }   // value < 2^128 ≤ 2^(shift−1)
    // The half bit is bit (shift − 1); the remainder is greater when that bit is set and any lower bit is.
    let halfBit = shift - 1
    func bit(_ index: Int) -> Bool {
        index >= 64 ? (high >> UInt64(index - 64)) & 1 == 1 : (low >> UInt64(index)) & 1 == 1
    }
    func anyBelow(_ index: Int) -> Bool {
        if index == 0 { return false }
        if index >= 64 {
            let highBits = index - 64
            let highMask: UInt64 = highBits == 0 ? 0 : (highBits >= 64 ? ~0 : (1 << UInt64(highBits)) - 1)
            return low != 0 || high & highMask != 0
        }
        return low & ((1 << UInt64(index)) - 1) != 0
    }
    if !bit(halfBit) { return .less }
    return anyBelow(halfBit) ? .greater : .equal
}
