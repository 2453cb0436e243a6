/// Errors raised by metric computations on inconsistent inputs.
public enum MetricError: Error, CustomStringConvertible, Equatable {
    /// The inputs are inconsistent (for example a candidate without references).
    case invalidInput(String)

    public var description: String {
        switch self {
        case let .invalidInput(message): return message
        }
    }
}
