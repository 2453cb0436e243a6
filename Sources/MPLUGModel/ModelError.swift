/// Errors raised while configuring, loading or running the mPLUG model.
public enum ModelError: Error, CustomStringConvertible, Equatable {
    /// The configuration is invalid or incomplete.
    case invalidConfig(String)
    /// The state dict does not fit the configuration: every problem is listed.
    case weightMismatch(missing: [String], wrongShape: [String], unknown: [String])
    /// An input does not fit the model (token id out of range, image of the wrong size, ...).
    case invalidInput(String)
    /// The WordPiece vocabulary file is unreadable or lacks a special token.
    case invalidVocabulary(String)

    public var description: String {
        switch self {
        case let .invalidConfig(message): return "config: \(message)"
        case let .weightMismatch(missing, wrongShape, unknown):
            func list(_ title: String, _ keys: [String]) -> String? {
                guard !keys.isEmpty else { return nil }
                let shown = keys.prefix(20).joined(separator: ", ")
                return "\(keys.count) \(title): \(shown)\(keys.count > 20 ? ", ..." : "")"
            }
            return "weights do not match the config: " + [list("missing", missing), list("with a wrong shape", wrongShape),
                                                          list("unknown", unknown)].compactMap { $0 }.joined(separator: "; ")
        case let .invalidInput(message): return "input: \(message)"
        case let .invalidVocabulary(message): return "vocabulary: \(message)"
        }
    }
}
