/// Errors raised while reading files (checkpoints, arrays, images).
public enum DataIOError: Error, CustomStringConvertible, Equatable {
    /// The file does not exist or cannot be read.
    case unreadable(path: String, reason: String)
    /// The file exists but its content is not in the expected format.
    case malformed(path: String, reason: String)
    /// A checkpoint asks for something a plain state dict never needs (a non-allow-listed pickle
    /// global or opcode); it was rejected without executing anything.
    case unsafeCheckpoint(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "\(path): cannot read (\(reason))"
        case let .malformed(path, reason): return "\(path): \(reason)"
        case let .unsafeCheckpoint(path, reason): return "\(path): unsafe checkpoint: \(reason)"
        }
    }
}
