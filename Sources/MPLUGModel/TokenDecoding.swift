import Foundation

/// The BERT vocabulary (`vocab.txt`, one token per line, id = line index) for turning generated ids
/// into text the way the official evaluation scripts do.
public struct BertVocabulary: Sendable {
    public let tokens: [String]

    public init(tokens: [String]) { self.tokens = tokens }

    /// Reads `vocab.txt`.
    public init(contentsOf url: URL) throws {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw ModelError.invalidConfig("cannot read the vocabulary \(url.path)")
        }
        var lines = text.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        tokens = lines.map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }
    }

    /// `tokenizer.decode(ids)` of transformers 4.14 (tokens joined by spaces, `" ##"` removed,
    /// `clean_up_tokenization` spacing rules), then `[SEP]`, `[CLS]`, `[PAD]` removed and the result
    /// stripped — the official caption/VQA post-processing. Unknown ids decode as `[UNK]`.
    public func decodeAnswer(_ ids: [Int]) -> String {
        let pieces = ids.map { $0 >= 0 && $0 < tokens.count ? tokens[$0] : "[UNK]" }
        var text = pieces.joined(separator: " ").replacingOccurrences(of: " ##", with: "")
            .trimmingCharacters(in: .whitespaces)
        for (from, to) in [(" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"),
                           (" 'm", "'m"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re")] {
            text = text.replacingOccurrences(of: from, with: to)
        }
        for special in ["[SEP]", "[CLS]", "[PAD]"] { text = text.replacingOccurrences(of: special, with: "") }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
