/// Approximate equality used by parity tests against reference values.
///
/// `actual` and `expected` are close when `|actual - expected| <= max(rel * |expected|, abs)`.
/// NaN is never close to anything; equal infinities are close.
public func isClose(_ actual: Double, _ expected: Double, rel: Double, abs absTol: Double = 0) -> Bool {
    if actual.isNaN || expected.isNaN { return false }
    if actual == expected { return true }
    return Swift.abs(actual - expected) <= Swift.max(rel * Swift.abs(expected), absTol)
}

/// The largest absolute element-wise difference of two equally long arrays (infinity if lengths differ).
public func maxAbsDifference(_ a: [Float], _ b: [Double]) -> Double {
    guard a.count == b.count else { return .infinity }
    var worst = 0.0
    for i in a.indices {
        let d = Swift.abs(Double(a[i]) - b[i])
        if d.isNaN { return .infinity }
        worst = Swift.max(worst, d)
    }
    return worst
}
