/// Errors raised while locating or loading metric resources (METEOR tables, WordNet).
public enum ResourceError: Error, CustomStringConvertible, Equatable {
    /// A resource is not installed; `setupCommand` is the one command that installs it.
    case missing(resource: String, setupCommand: String)

    public var description: String {
        switch self {
        case let .missing(resource, setupCommand):
            return "\(resource) is not installed; run: \(setupCommand)"
        }
    }
}
