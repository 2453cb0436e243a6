/// Errors raised while configuring, loading or running the mPLUG model.
public enum ModelError: Error, CustomStringConvertible, Equatable {
    /// The configuration is invalid or incomplete.
    case invalidConfig(String)

    public var description: String {
        switch self {
        case let .invalidConfig(message): return "config: \(message)"
        }
    }
}
