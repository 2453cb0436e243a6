import Foundation

/// Element types found in checkpoints and array files.
public enum DType: String, Sendable, CaseIterable {
    case float64 = "F64", float32 = "F32", float16 = "F16", bfloat16 = "BF16"
    case int64 = "I64", int32 = "I32", int16 = "I16", int8 = "I8", uint8 = "U8", bool = "BOOL"

    /// Bytes per element.
    public var byteWidth: Int {
        switch self {
        case .float64, .int64: return 8
        case .float32, .int32: return 4
        case .float16, .bfloat16, .int16: return 2
        case .int8, .uint8, .bool: return 1
        }
    }
}

/// A tensor as stored in a file: element type, shape and little-endian row-major bytes.
public struct RawTensor: Sendable {
    public var dtype: DType
    /// Row-major shape; `[]` is a scalar.
    public var shape: [Int]
    /// `shape.product * dtype.byteWidth` bytes, little-endian, row-major.
    public var bytes: Data

    public init(dtype: DType, shape: [Int], bytes: Data) {
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
    }

    /// Number of elements (1 for a scalar).
    public var count: Int { shape.reduce(1, *) }

    /// The elements converted to Float (float64 and integers are rounded to nearest).
    public func floats() -> [Float] {
        switch dtype {
        case .float32: return load(Float.self)
        case .float64: return load(Double.self).map { Float($0) }
        case .float16:
            return load(UInt16.self).map { Float(Float16(bitPattern: $0)) }
        case .bfloat16:
            return load(UInt16.self).map { Float(bitPattern: UInt32($0) << 16) }
        default: return int64s().map { Float($0) }
        }
    }

    /// The elements converted to Double.
    public func doubles() -> [Double] {
        switch dtype {
        case .float64: return load(Double.self)
        case .float32, .float16, .bfloat16: return floats().map { Double($0) }
        default: return int64s().map { Double($0) }
        }
    }

    /// The elements converted to Int64 (floating types truncate toward zero).
    public func int64s() -> [Int64] {
        switch dtype {
        case .int64: return load(Int64.self)
        case .int32: return load(Int32.self).map { Int64($0) }
        case .int16: return load(Int16.self).map { Int64($0) }
        case .int8: return load(Int8.self).map { Int64($0) }
        case .uint8, .bool: return load(UInt8.self).map { Int64($0) }
        case .float32, .float64, .float16, .bfloat16: return doubles().map { Int64($0) }
        }
    }

    private func load<T>(_: T.Type) -> [T] {
        let n = count
        return bytes.withUnsafeBytes { raw in
            (0..<n).map { raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self) }
        }
    }
}
