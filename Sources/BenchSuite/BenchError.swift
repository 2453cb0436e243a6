/// Errors raised while configuring or running the throughput suite.
public enum BenchError: Error, CustomStringConvertible, Equatable {
    /// A command-line value or setting is invalid; the message says which and why.
    case invalidSetting(String)
    /// A measurement child process failed; the message carries its status and stderr.
    case childFailed(String)

    public var description: String {
        switch self {
        case let .invalidSetting(message): return "setting: \(message)"
        case let .childFailed(message): return "child process: \(message)"
        }
    }
}
