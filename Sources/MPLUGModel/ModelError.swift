/// Errors raised while configuring, loading or running the mPLUG model.
public enum ModelError: Error, CustomStringConvertible, Equatable {
    /// The configuration is invalid or incomplete.
    case invalidConfig(String)
    /// The WordPiece vocabulary file is unreadable or lacks a special token.
    case invalidVocabulary(String)

    public var description: String {
        switch self {
        case let .invalidConfig(message): return "config: \(message)"
        case let .invalidVocabulary(message): return "vocabulary: \(message)"
        }
    }
}
