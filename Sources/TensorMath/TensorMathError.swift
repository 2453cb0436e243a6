/// Errors raised by tensor operations on caller-supplied shapes.
public enum TensorMathError: Error, CustomStringConvertible, Equatable {
    /// Two shapes that must agree do not; `operation` names the op.
    case shapeMismatch(operation: String, lhs: [Int], rhs: [Int])

    public var description: String {
        switch self {
        case let .shapeMismatch(operation, lhs, rhs):
            return "\(operation): shape \(lhs) does not match \(rhs)"
        }
    }
}
