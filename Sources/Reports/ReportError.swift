/// Errors raised while reading or comparing run reports.
public enum ReportError: Error, CustomStringConvertible, Equatable {
    /// A report file is missing, malformed or of an unsupported schema version.
    case badReport(String)

    public var description: String {
        switch self {
        case let .badReport(message): return message
        }
    }
}
