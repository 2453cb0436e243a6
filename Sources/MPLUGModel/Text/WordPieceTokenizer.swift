import PythonText
import Foundation

/// The bert-base-uncased WordPiece tokenizer as mPLUG's `models/tokenization_bert.py` uses it.
///
/// * Special tokens written in the text (`[PAD] [UNK] [CLS] [SEP] [MASK]`, case-sensitive) are split
///   off first and kept whole.
/// * Basic tokenization of the rest: drop NUL, U+FFFD and control characters (categories C*, except
///   tab/newline/CR, which become spaces like every other whitespace), surround CJK ideographs with
///   spaces, split on whitespace, lower-case, strip accents (NFD, drop Mn), split off each
///   punctuation character (ASCII 33–47, 58–64, 91–96, 123–126 or a P* category).
/// * WordPiece: greedy longest match with `##` continuations; a word that cannot be covered, or is
///   longer than 100 code points, becomes one `[UNK]`.
/// * A single sequence is encoded as `[CLS] tokens` with **no** trailing `[SEP]` (mPLUG's override);
///   decoder targets get their `[SEP]` by appending the text "[SEP]".
public struct WordPieceTokenizer: Sendable {
    /// Token → id (id = line index in vocab.txt; a repeated token keeps its last line, as in Python).
    public let vocabulary: [String: Int]
    /// Id → token.
    public let tokens: [String]

    public static let specialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    public static let maxCharactersPerWord = 100

    public let padID: Int, unknownID: Int, clsID: Int, sepID: Int, maskID: Int

    /// Builds the tokenizer from the vocabulary in line order. Throws if a special token is missing.
    public init(vocabulary tokens: [String]) throws {
        var vocabulary: [String: Int] = [:]
        for (id, token) in tokens.enumerated() { vocabulary[token] = id }
        func id(_ token: String) throws -> Int {
            guard let id = vocabulary[token] else { throw ModelError.invalidVocabulary("special token \(token) is missing") }
            return id
        }
        self.vocabulary = vocabulary
        self.tokens = tokens
        padID = try id("[PAD]"); unknownID = try id("[UNK]"); clsID = try id("[CLS]")
        sepID = try id("[SEP]"); maskID = try id("[MASK]")
    }

    /// Reads a vocab.txt (one token per line, UTF-8; "\n", "\r\n" and "\r" end lines, as in Python's
    /// text mode).
    public init(contentsOf url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ModelError.invalidVocabulary("\(url.path): cannot read (\((error as NSError).localizedDescription))")
        }
        let text = String(decoding: data, as: UTF8.self)
            .replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        guard !lines.isEmpty else { throw ModelError.invalidVocabulary("\(url.path): empty vocabulary") }
        try self.init(vocabulary: lines)
    }

    // MARK: Encoding

    /// WordPiece tokens of `text` (no `[CLS]`).
    public func tokenize(_ text: String) -> [String] {
        var output: [String] = []
        for segment in Self.splitOnSpecialTokens(text) {
            if segment.isSpecial {
                output.append(segment.text)
            } else {
                for word in Self.basicTokens(segment.text) { output += wordPieces(word) }
            }
        }
        return output
    }

    /// `[CLS]` followed by the ids of `tokenize(text)` (unknown tokens map to `[UNK]`).
    public func encode(_ text: String) -> [Int] {
        [clsID] + tokenize(text).map { vocabulary[$0] ?? unknownID }
    }

    /// How a batch is padded.
    public enum Padding: Sendable, Equatable {
        /// To the longest sequence of the batch (`padding='longest'`).
        case longest
        /// To exactly `n` ids (`padding='max_length'`); longer sequences must be truncated.
        case maxLength(Int)
    }

    /// A padded batch: `ids[b]` and `attentionMask[b]` (1 = token, 0 = `[PAD]`) have equal lengths.
    public struct Batch: Sendable, Equatable {
        public var ids: [[Int]]
        public var attentionMask: [[Int]]
    }

    /// Encodes `texts` as `[CLS] tokens`, keeps at most `maxLength` ids per text (counting `[CLS]`;
    /// the end is cut, as `truncation=True`), and right-pads with `[PAD]`.
    public func batch(_ texts: [String], padding: Padding = .longest, maxLength: Int? = nil) -> Batch {
        var sequences = texts.map { encode($0) }
        let limit: Int? = {
            switch padding {
            case .longest: return maxLength
            case let .maxLength(n): return min(n, maxLength ?? n)
            }
        }()
        if let limit { sequences = sequences.map { Array($0.prefix(max(limit, 1))) } }
        let width: Int
        switch padding {
        case .longest: width = sequences.map(\.count).max() ?? 0
        case let .maxLength(n): width = n
        }
        var batch = Batch(ids: [], attentionMask: [])
        for sequence in sequences {
            let pad = max(width - sequence.count, 0)
            batch.ids.append(sequence + Array(repeating: padID, count: pad))
            batch.attentionMask.append(Array(repeating: 1, count: sequence.count) + Array(repeating: 0, count: pad))
        }
        return batch
    }

    // MARK: Decoding

    /// A generated caption or answer as the official scripts print it: tokens joined by spaces,
    /// `##` continuations glued, transformers' `clean_up_tokenization_spaces` (default in the pinned
    /// transformers 4.14: " ." → "." and the like) when `cleanUpSpaces`, then `[SEP]`, `[CLS]`,
    /// `[PAD]` deleted and surrounding whitespace stripped.
    public func decode(_ ids: [Int], cleanUpSpaces: Bool = true) -> String {
        let pieces = ids.map { $0 >= 0 && $0 < tokens.count ? tokens[$0] : "[UNK]" }
        var text = pieces.joined(separator: " ").replacingOccurrences(of: " ##", with: "")
        if cleanUpSpaces {
            for (from, to) in [(" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"),
                               (" 'm", "'m"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re")] {
                text = text.replacingOccurrences(of: from, with: to)
            }
        }
        for special in ["[SEP]", "[CLS]", "[PAD]"] { text = text.replacingOccurrences(of: special, with: "") }
        return PythonText.strip(text)
    }

    // MARK: Steps

    /// Splits `text` around the special tokens it contains (leftmost match first; none of them is a
    /// prefix of another, so longest-match ties cannot occur).
    static func splitOnSpecialTokens(_ text: String) -> [(text: String, isSpecial: Bool)] {
        var segments: [(text: String, isSpecial: Bool)] = []
        var rest = Substring(text)
        while true {
            var earliest: (token: String, range: Range<Substring.Index>)?
            for token in specialTokens {
                guard let range = rest.range(of: token) else { continue }
                if earliest == nil || range.lowerBound < earliest!.range.lowerBound { earliest = (token, range) }
            }
            guard let match = earliest else { break }
            let before = rest[..<match.range.lowerBound]
            if !before.isEmpty { segments.append((String(before), false)) }
            segments.append((match.token, true))
            rest = rest[match.range.upperBound...]
        }
        if !rest.isEmpty { segments.append((String(rest), false)) }
        return segments
    }

    /// BERT's basic tokenizer on text without special tokens: words and single punctuation marks.
    static func basicTokens(_ text: String) -> [String] {
        var cleaned = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value == 0 || value == 0xFFFD || isControl(scalar) { continue }
            if isBertWhitespace(scalar) {
                cleaned.append(" ")
            } else if isCJK(value) {
                cleaned.append(" "); cleaned.append(scalar); cleaned.append(" ")
            } else {
                cleaned.append(scalar)
            }
        }
        var output: [String] = []
        for word in PythonText.split(String(cleaned)) {
            let normalized = stripAccents(word.lowercased())
            var current = String.UnicodeScalarView()
            for scalar in normalized.unicodeScalars {
                if isPunctuation(scalar) {
                    if !current.isEmpty { output.append(String(current)); current = String.UnicodeScalarView() }
                    output.append(String(scalar))
                } else {
                    current.append(scalar)
                }
            }
            if !current.isEmpty { output.append(String(current)) }
        }
        // Lower-casing or accent stripping can produce whitespace; split once more like BERT does.
        return output.flatMap { PythonText.split($0) }
    }

    /// Greedy longest-match-first WordPiece segmentation of one basic token.
    func wordPieces(_ word: String) -> [String] {
        let scalars = Array(word.unicodeScalars)
        if scalars.count > Self.maxCharactersPerWord { return ["[UNK]"] }
        var pieces: [String] = []
        var start = 0
        while start < scalars.count {
            var end = scalars.count
            var found: String?
            while start < end {
                var candidate = String(String.UnicodeScalarView(scalars[start..<end]))
                if start > 0 { candidate = "##" + candidate }
                if vocabulary[candidate] != nil { found = candidate; break }
                end -= 1
            }
            guard let piece = found else { return ["[UNK]"] }
            pieces.append(piece)
            start = end
        }
        return pieces
    }

    static func stripAccents(_ text: String) -> String {
        var output = String.UnicodeScalarView()
        for scalar in text.decomposedStringWithCanonicalMapping.unicodeScalars
        where scalar.properties.generalCategory != .nonspacingMark {
            output.append(scalar)
        }
        return String(output)
    }

    static func isBertWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar.properties.generalCategory == .spaceSeparator
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == "\t" || scalar == "\n" || scalar == "\r" { return false }
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned: return true
        default: return false
        }
    }

    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 33...47, 58...64, 91...96, 123...126: return true
        default: break
        }
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation: return true
        default: return false
        }
    }

    /// The CJK Unified Ideograph blocks BERT surrounds with spaces.
    static func isCJK(_ v: UInt32) -> Bool {
        switch v {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
             0x2B820...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }
}
