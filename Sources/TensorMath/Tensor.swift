/// A dense float32 tensor: a row-major shape and contiguous storage.
///
/// Value semantics (copy-on-write through `[Float]`). Most kernels treat a tensor of rank ≥ 1 as a
/// matrix of `rowCount` rows of `lastDimension` elements ("the feature dimension is last").
public struct Tensor: Sendable, Equatable {
    /// Row-major shape; `[]` is a scalar.
    public var shape: [Int]
    /// `shape.product` elements in row-major order.
    public var storage: [Float]
    /// Counts this tensor's bytes in `TensorMemory` while any copy of it is alive.
    private var lifetime: StorageLifetime

    /// A tensor over `storage`, whose count must equal the product of `shape`.
    public init(shape: [Int], storage: [Float]) {
        precondition(shape.reduce(1, *) == storage.count, "Tensor: \(storage.count) elements do not fill shape \(shape)")
        self.shape = shape
        self.storage = storage
        self.lifetime = StorageLifetime(bytes: storage.count * MemoryLayout<Float>.size)
    }

    /// A tensor of `shape` filled with `value`.
    public init(shape: [Int], repeating value: Float = 0) {
        self.shape = shape
        self.storage = [Float](repeating: value, count: shape.reduce(1, *))
        self.lifetime = StorageLifetime(bytes: storage.count * MemoryLayout<Float>.size)
    }

    /// Equal shapes and elements (the memory bookkeeping is not compared).
    public static func == (lhs: Tensor, rhs: Tensor) -> Bool {
        lhs.shape == rhs.shape && lhs.storage == rhs.storage
    }

    /// Number of elements.
    public var count: Int { storage.count }
    /// Size of the last dimension (1 for a scalar).
    public var lastDimension: Int { shape.last ?? 1 }
    /// Number of rows when viewed as a `[rowCount, lastDimension]` matrix.
    public var rowCount: Int { lastDimension == 0 ? 0 : count / lastDimension }

    /// The same elements under another shape with the same element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        precondition(newShape.reduce(1, *) == storage.count, "Tensor: \(storage.count) elements do not fill shape \(newShape)")
        var view = self   // shares storage and its memory bookkeeping
        view.shape = newShape
        return view
    }

    /// Gives this tensor `newShape` for use as an output buffer: the storage (and its contents) is
    /// kept when the element count is unchanged, otherwise replaced by zeros of the new size.
    public mutating func resize(to newShape: [Int]) {
        if newShape.reduce(1, *) == count { shape = newShape } else { self = Tensor(shape: newShape) }
    }

    /// Rows `range` of the `[rowCount, lastDimension]` view, as a `[range.count, lastDimension]` tensor.
    public func rows(_ range: Range<Int>) -> Tensor {
        let d = lastDimension
        return Tensor(shape: [range.count, d], storage: Array(storage[(range.lowerBound * d)..<(range.upperBound * d)]))
    }

    /// Slices along the first dimension: entries `indices` (repeats allowed), keeping the other dimensions.
    public func gathering(_ indices: [Int]) -> Tensor {
        let inner = shape.dropFirst().reduce(1, *)
        var out = [Float]()
        out.reserveCapacity(indices.count * inner)
        for i in indices { out.append(contentsOf: storage[(i * inner)..<((i + 1) * inner)]) }
        return Tensor(shape: [indices.count] + shape.dropFirst(), storage: out)
    }

    /// Columns `range` of the last dimension (a copy), keeping the leading dimensions.
    public func columns(_ range: Range<Int>) -> Tensor {
        let d = lastDimension, w = range.count
        var out = [Float](repeating: 0, count: rowCount * w)
        storage.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for r in 0..<rowCount {
                    for c in 0..<w { dst[r * w + c] = src[r * d + range.lowerBound + c] }
                }
            }
        }
        return Tensor(shape: Array(shape.dropLast()) + [w], storage: out)
    }

    /// Concatenates tensors along dimension 1 of rank-3 tensors `[B, L_i, D]` → `[B, ΣL_i, D]`.
    public static func concatenateSequences(_ parts: [Tensor]) -> Tensor {
        precondition(!parts.isEmpty && parts.allSatisfy { $0.shape.count == 3 })
        let b = parts[0].shape[0], d = parts[0].shape[2]
        precondition(parts.allSatisfy { $0.shape[0] == b && $0.shape[2] == d }, "concatenateSequences: shapes differ")
        var out = [Float]()
        out.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        for i in 0..<b {
            for p in parts {
                let chunk = p.shape[1] * d
                out.append(contentsOf: p.storage[(i * chunk)..<((i + 1) * chunk)])
            }
        }
        return Tensor(shape: [b, parts.reduce(0) { $0 + $1.shape[1] }, d], storage: out)
    }

    /// Positions `range` of dimension 1 of a rank-3 tensor `[B, L, D]` → `[B, range.count, D]`.
    public func sequenceSlice(_ range: Range<Int>) -> Tensor {
        precondition(shape.count == 3)
        let b = shape[0], l = shape[1], d = shape[2]
        var out = [Float]()
        out.reserveCapacity(b * range.count * d)
        for i in 0..<b {
            out.append(contentsOf: storage[((i * l + range.lowerBound) * d)..<((i * l + range.upperBound) * d)])
        }
        return Tensor(shape: [b, range.count, d], storage: out)
    }
}
