/// Caption tokenization equal to pycocoevalcap 1.2's `PTBTokenizer` (Stanford CoreNLP 3.4.1,
/// `-preserveLines -lowerCase`, then the `PUNCTUATIONS` filter). Work in progress: API stub.
public struct PTBTokenizer: Sendable {
    public init() {}

    /// Tokenizes one batch of captions, in order; returns one string per caption.
    public func tokenize(_ captions: [String]) -> [String] {
        captions.map { $0.lowercased().split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ") }
    }
}
