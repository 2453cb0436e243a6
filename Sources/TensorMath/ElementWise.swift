import Foundation

/// Vectorizable element-wise and row-wise kernels. Large tensors are split over the cores with
/// `parallelChunks`; results do not depend on the split.
public enum Activation: Sendable {
    /// Exact GELU `x · Φ(x) = 0.5 x (1 + erf(x/√2))` (BERT `hidden_act = "gelu"`).
    case gelu
    /// CLIP's `x · sigmoid(1.702 x)`.
    case quickGelu
}

extension Activation {
    /// The activation on `count` contiguous floats in place.
    @inline(__always)
    func apply(_ p: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .gelu: geluInPlace(p, count: count)
        case .quickGelu: quickGeluInPlace(p, count: count)
        }
    }
}

extension Tensor {
    /// Applies `activation` element-wise in place.
    public mutating func apply(_ activation: Activation) {
        let n = count
        storage.withUnsafeMutableBufferPointer { x in
            let p = x.baseAddress!
            parallelChunks(count: n, costPerItem: 8) { range in
                activation.apply(p + range.lowerBound, count: range.count)
            }
        }
    }

    /// `self += other` element-wise (same shape); the residual connection.
    public mutating func add(_ other: Tensor) {
        precondition(shape == other.shape, "add: shape \(shape) does not match \(other.shape)")
        let n = count
        storage.withUnsafeMutableBufferPointer { x in
            other.storage.withUnsafeBufferPointer { y in
                let p = x.baseAddress!, q = y.baseAddress!
                parallelChunks(count: n) { range in addInPlace(p + range.lowerBound, q + range.lowerBound, count: range.count) }
            }
        }
    }

    /// `self[r, :] += row` for every row (`row.count == lastDimension`).
    public mutating func addRow(_ row: Tensor) {
        updateRows(with: row, "addRow") { dst, src, d in addInPlace(dst, src, count: d) }
    }

    /// Sets every row to `row` (`row.count == lastDimension`), e.g. a linear layer's bias before the
    /// product is accumulated onto it.
    public mutating func fillRows(with row: Tensor) {
        updateRows(with: row, "fillRows") { dst, src, d in dst.update(from: src, count: d) }
    }

    /// `update(self[r, :], row, lastDimension)` for every row `r`, rows split over the cores.
    private mutating func updateRows(with row: Tensor, _ operation: String,
                                     _ update: (UnsafeMutablePointer<Float>, UnsafePointer<Float>, Int) -> Void) {
        precondition(row.count == lastDimension, "\(operation): \(row.shape) vs \(shape)")
        let d = lastDimension, rows = rowCount
        storage.withUnsafeMutableBufferPointer { x in
            row.storage.withUnsafeBufferPointer { y in
                let p = x.baseAddress!, q = y.baseAddress!
                parallelChunks(count: rows, costPerItem: d) { range in
                    for r in range { update(p + r * d, q, d) }
                }
            }
        }
    }

    /// Multiplies every element by `factor`.
    public mutating func scale(by factor: Float) {
        storage.withUnsafeMutableBufferPointer { x in for i in x.indices { x[i] *= factor } }
    }

    /// Softmax over the last dimension in place (max-subtracted, float32).
    public mutating func softmaxRows() {
        let d = lastDimension, rows = rowCount
        storage.withUnsafeMutableBufferPointer { x in
            let p = x.baseAddress!
            parallelChunks(count: rows, costPerItem: d * 4) { range in
                for r in range { softmaxInPlace(p + r * d, count: d) }
            }
        }
    }

    /// LayerNorm over the last dimension: `(x − mean) / sqrt(var + eps) · gamma + beta` with the
    /// biased variance (PyTorch semantics); statistics accumulated in float64.
    public func layerNormalized(gamma: Tensor, beta: Tensor, eps: Float) -> Tensor {
        var out = Tensor(shape: shape)
        layerNormalize(into: &out, gamma: gamma, beta: beta, eps: eps)
        return out
    }

    /// `layerNormalized` written into `out`, which is reshaped to this tensor's shape and reuses its
    /// storage when the element count is unchanged (a workspace reused across layers).
    public func layerNormalize(into out: inout Tensor, gamma: Tensor, beta: Tensor, eps: Float) {
        let d = lastDimension, rows = rowCount
        precondition(gamma.count == d && beta.count == d, "layerNorm: parameters \(gamma.shape) vs input \(shape)")
        out.resize(to: shape)
        storage.withUnsafeBufferPointer { xb in
            out.storage.withUnsafeMutableBufferPointer { ob in
                gamma.storage.withUnsafeBufferPointer { g in
                    beta.storage.withUnsafeBufferPointer { b in
                        let x = xb.baseAddress!, o = ob.baseAddress!
                        parallelChunks(count: rows, costPerItem: d * 3) { range in
                            for r in range {
                                layerNormRow(x + r * d, into: o + r * d, count: d, gamma: g.baseAddress!, beta: b.baseAddress!, eps: eps)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Each row divided by its Euclidean norm (clamped at 1e-12, as `F.normalize`).
    public func l2NormalizedRows() -> Tensor {
        var out = self
        let d = lastDimension, rows = rowCount
        out.storage.withUnsafeMutableBufferPointer { x in
            for r in 0..<rows {
                var s = 0.0
                for j in 0..<d { s += Double(x[r * d + j]) * Double(x[r * d + j]) }
                let inv = Float(1 / max(s.squareRoot(), 1e-12))
                for j in 0..<d { x[r * d + j] *= inv }
            }
        }
        return out
    }
}
