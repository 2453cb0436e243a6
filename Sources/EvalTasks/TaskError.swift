/// Errors raised by the evaluation tasks on user input. Each message names the file and the item.
public enum TaskError: Error, CustomStringConvertible, Equatable {
    /// Bad user input: a missing file, malformed JSON, an unknown id. CLI exit code 2.
    case badInput(String)

    public var description: String {
        switch self {
        case let .badInput(message): return message
        }
    }
}
