/// How a nonbreaking prefix (METEOR's `nonbreaking/english.prefixes`, from Moses) keeps its period attached.
public enum NonbreakingPrefixKind: Sendable, Equatable {
    /// `Mr.`: the period always stays with the word.
    case always
    /// `No.` (`#NUMERIC_ONLY#`): the period stays only when the next token starts with a digit.
    case beforeNumber
}

/// METEOR 1.5's `-norm` text normalization for English (`Normalizer.normalizeLine(line, LANG_EN, keepPunctuation: true)`),
/// a Moses-style tokenizer: separates symbols, multi-dots, commas outside numbers, normalizes quotes and dashes,
/// splits hyphenated words and English contractions, and splits sentence-final periods unless the word is a
/// nonbreaking prefix. The jar lowercases after normalizing; `normalizedTokens` does both and tokenizes.
///
/// Character classes follow the jar exactly: "alpha" is ASCII letters, Latin-1/Latin Extended-A letters and
/// some Cyrillic blocks; `\p{Digit}`, `\p{Lower}` and `\s` are ASCII-only as in `java.util.regex`.
public struct MeteorNormalizer: Sendable {
    public let nonbreakingPrefixes: [String: NonbreakingPrefixKind]

    public init(nonbreakingPrefixes: [String: NonbreakingPrefixKind]) {
        self.nonbreakingPrefixes = nonbreakingPrefixes
    }

    /// Parses a Moses nonbreaking-prefix file: one prefix per line, `#` comments, optional `#NUMERIC_ONLY#`.
    public static func parsePrefixes(_ text: String) -> [String: NonbreakingPrefixKind] {
        var table: [String: NonbreakingPrefixKind] = [:]
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let fields = javaTokenize(String(line))
            guard let prefix = fields.first, !prefix.hasPrefix("#") else { continue }
            table[prefix] = fields.count > 1 && fields[1] == "#NUMERIC_ONLY#" ? .beforeNumber : .always
        }
        return table
    }

    /// The normalized, lowercased tokens of `line`, as METEOR aligns them.
    public func normalizedTokens(_ line: String) -> [String] {
        // Text made only of a-z, 0-9 and spaces (most PTB-tokenized captions) is left unchanged by every rule
        // except the whitespace collapse, so its tokens are its space-separated words.
        if line.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x20 }) {
            return javaTokenize(line)
        }
        return javaTokenize(normalize(line).lowercased())
    }

    /// The normalized line (before lowercasing), exactly as METEOR's `Normalizer.normalizeLine`.
    public func normalize(_ line: String) -> String {
        var s: [UInt32] = [0x20] + line.unicodeScalars.map(\.value) + [0x20]
        s = separateSymbols(s)
        s = escapeMultiDots(s)
        // Separate commas except within numbers.
        s = replaceTriples(s, { !isDigit($0) }, comma, { !isDigit($0) }, .spaced)
        s = replaceTriples(s, isDigit, comma, { !isDigit($0) }, .spaced)
        s = replaceTriples(s, { !isDigit($0) }, comma, isDigit, .spaced)
        // Quotes: ` ‘ ’ become ', and “ ” '' become a spaced double quote.
        s = s.map { $0 == 0x60 || $0 == 0x2018 || $0 == 0x2019 ? apostrophe : $0 }
        s = normalizeDoubleQuotes(s)
        // Dashes: en dash to hyphen, then "--" to "-" (one pass, like String.replace).
        s = replaceLiteral(s, [0x2013], [hyphen])
        s = replaceLiteral(s, [hyphen, hyphen], [hyphen])
        // Split hyphens between words (and after a dot: U.S.-based).
        s = replaceTriples(s, { isAlnum($0) || $0 == dot }, hyphen, isAlnum, .middleToSpace)
        // English contractions split to the right.
        s = replaceTriples(s, { !isAlpha($0) }, apostrophe, { !isAlpha($0) }, .spaced)
        s = replaceTriples(s, { !isAlpha($0) && !isDigit($0) }, apostrophe, isAlpha, .spaced)
        s = replaceTriples(s, isAlpha, apostrophe, { !isAlpha($0) }, .spaced)
        s = replaceTriples(s, isAlpha, apostrophe, isAlpha, .spaceBefore)
        s = replaceTriples(s, isDigit, apostrophe, { $0 == 0x73 }, .spaceBefore)
        s = splitFinalPeriods(s)
        s = unescapeMultiDots(s)
        s = collapseWhitespace(s)
        return javaTrim(String(String.UnicodeScalarView(s.compactMap(Unicode.Scalar.init))))
    }

    // MARK: Steps

    /// Surrounds with spaces every character that is not alphanumeric, whitespace or one of `. ' ` , - ‘ ’`.
    private func separateSymbols(_ s: [UInt32]) -> [UInt32] {
        var out: [UInt32] = []
        out.reserveCapacity(s.count + 8)
        for c in s {
            if isAlnum(c) || isRegexSpace(c) || c == dot || c == apostrophe || c == 0x60 || c == comma
                || c == hyphen || c == 0x2018 || c == 0x2019 {
                out.append(c)
            } else {
                out += [0x20, c, 0x20]
            }
        }
        return out
    }

    /// Escapes runs of two or more dots as `DOTMULTI` markers so that the period rules leave them alone.
    private func escapeMultiDots(_ s: [UInt32]) -> [UInt32] {
        // "\.([\.]+)" -> " DOTMULTI$1"
        var out: [UInt32] = []
        var i = 0
        while i < s.count {
            if s[i] == dot, i + 1 < s.count, s[i + 1] == dot {
                out += [0x20] + dotMulti
                i += 1
                while i < s.count, s[i] == dot { out.append(dot); i += 1 }
            } else {
                out.append(s[i]); i += 1
            }
        }
        var s = out
        let dotMultiDot = dotMulti + [dot]
        while contains(s, dotMultiDot) {
            // "DOTMULTI\.([^\.])" -> "DOTDOTMULTI $1"
            var next: [UInt32] = []
            var j = 0
            while j < s.count {
                if j + dotMultiDot.count < s.count, hasMatch(s, at: j, dotMultiDot), s[j + dotMultiDot.count] != dot {
                    next += dotDotMulti + [0x20, s[j + dotMultiDot.count]]
                    j += dotMultiDot.count + 1
                } else {
                    next.append(s[j]); j += 1
                }
            }
            s = replaceLiteral(next, dotMultiDot, dotDotMulti)
        }
        return s
    }

    /// Rebuilds the line token by token, splitting a final period unless the word is a nonbreaking prefix,
    /// is followed by a lowercase word, or (numeric-only prefixes) by a number. Dotted acronyms lose their dots.
    private func splitFinalPeriods(_ s: [UInt32]) -> [UInt32] {
        let words = s.split(whereSeparator: isTokenizerDelimiter).map(Array.init)
        var out: [UInt32] = []
        for (i, word) in words.enumerated() {
            let utf16Length = word.reduce(0) { $0 + ($1 > 0xFFFF ? 2 : 1) }
            if utf16Length > 1, word.last == dot {
                let prefix = Array(word.dropLast())
                let kind = nonbreakingPrefixes[String(String.UnicodeScalarView(prefix.compactMap(Unicode.Scalar.init)))]
                let next = i + 1 < words.count ? words[i + 1].first : nil
                if prefix.contains(dot) && prefix.contains(where: isAlpha) {
                    out += word.filter { $0 != dot }
                } else if kind == .always || next.map({ $0 >= 0x61 && $0 <= 0x7A }) == true {
                    out += word
                } else if kind == .beforeNumber, next.map(isDigit) == true {
                    out += word
                } else {
                    out += prefix + [0x20, dot]
                }
            } else {
                out += word
            }
            out.append(0x20)
        }
        return out
    }

    private func unescapeMultiDots(_ s: [UInt32]) -> [UInt32] {
        var s = s
        while contains(s, dotDotMulti) { s = replaceLiteral(s, dotDotMulti, dotMulti + [dot]) }
        return replaceLiteral(s, dotMulti, [dot])
    }

    /// `([“”]|'')` -> ` " `.
    private func normalizeDoubleQuotes(_ s: [UInt32]) -> [UInt32] {
        var out: [UInt32] = []
        var i = 0
        while i < s.count {
            if s[i] == 0x201C || s[i] == 0x201D {
                out += [0x20, 0x22, 0x20]; i += 1
            } else if s[i] == apostrophe, i + 1 < s.count, s[i + 1] == apostrophe {
                out += [0x20, 0x22, 0x20]; i += 2
            } else {
                out.append(s[i]); i += 1
            }
        }
        return out
    }

    /// Runs of METEOR's whitespace set (space, U+00A0, U+2000–U+200A, U+202F, U+205F, U+3000) become one space.
    private func collapseWhitespace(_ s: [UInt32]) -> [UInt32] {
        var out: [UInt32] = []
        for c in s {
            let white = c == 0x20 || c == 0xA0 || (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F || c == 0x3000
            if white {
                if out.last != 0x20 || out.isEmpty { out.append(0x20) }
            } else {
                out.append(c)
            }
        }
        return out
    }
}

// MARK: Character classes and regex-like helpers (code points)

private let dot: UInt32 = 0x2E
private let comma: UInt32 = 0x2C
private let hyphen: UInt32 = 0x2D
private let apostrophe: UInt32 = 0x27
private let dotMulti: [UInt32] = "DOTMULTI".unicodeScalars.map(\.value)
private let dotDotMulti: [UInt32] = "DOTDOTMULTI".unicodeScalars.map(\.value)

/// The replacement templates used with `replaceTriples` (`$1` first character, `$2` last character).
private enum TripleReplacement {
    /// `$1 m $2`
    case spaced
    /// `$1 m$2`
    case spaceBefore
    /// `$1 $2` (the middle character becomes a space)
    case middleToSpace
}

/// METEOR's "alpha" class.
@inline(__always) func isAlpha(_ c: UInt32) -> Bool {
    (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
        || c == 0x160 || c == 0x17D || c == 0x161 || c == 0x17E || c == 0x178
        || (c >= 0xC0 && c <= 0xD6) || (c >= 0xD8 && c <= 0xF6) || (c >= 0xF8 && c <= 0x17E)
        || (c >= 0x400 && c <= 0x4FF) || (c >= 0x500 && c <= 0x527)
        || (c >= 0xA640 && c <= 0xA66E) || (c >= 0xA67E && c <= 0xA697) || (c >= 0x1D00 && c <= 0x1D7F)
}
/// `\p{Digit}` in `java.util.regex` (ASCII).
@inline(__always) func isDigit(_ c: UInt32) -> Bool { c >= 0x30 && c <= 0x39 }
@inline(__always) func isAlnum(_ c: UInt32) -> Bool { isDigit(c) || isAlpha(c) }
/// `\s` in `java.util.regex` (ASCII whitespace).
@inline(__always) private func isRegexSpace(_ c: UInt32) -> Bool { c == 0x20 || (c >= 0x09 && c <= 0x0D) }

private func hasMatch(_ s: [UInt32], at i: Int, _ pattern: [UInt32]) -> Bool {
    guard i + pattern.count <= s.count else { return false }
    for k in 0..<pattern.count where s[i + k] != pattern[k] { return false }
    return true
}

private func contains(_ s: [UInt32], _ pattern: [UInt32]) -> Bool {
    guard s.count >= pattern.count else { return false }
    for i in 0...(s.count - pattern.count) where hasMatch(s, at: i, pattern) { return true }
    return false
}

/// Java `String.replace(target, replacement)`: non-overlapping, left to right, one pass.
private func replaceLiteral(_ s: [UInt32], _ target: [UInt32], _ replacement: [UInt32]) -> [UInt32] {
    guard contains(s, target) else { return s }
    var out: [UInt32] = []
    var i = 0
    while i < s.count {
        if hasMatch(s, at: i, target) { out += replacement; i += target.count } else { out.append(s[i]); i += 1 }
    }
    return out
}

/// `Matcher.replaceAll` for a pattern `([first])[middle]([last])` of three single characters: matches are found
/// left to right without overlap, and each is replaced by the `replacement` template.
private func replaceTriples(_ s: [UInt32], _ first: (UInt32) -> Bool, _ middle: UInt32, _ last: (UInt32) -> Bool,
                            _ replacement: TripleReplacement) -> [UInt32] {
    guard s.contains(middle) else { return s }
    var out: [UInt32] = []
    out.reserveCapacity(s.count + 8)
    var i = 0
    while i < s.count {
        if i + 2 < s.count, s[i + 1] == middle, first(s[i]), last(s[i + 2]) {
            switch replacement {
            case .spaced: out += [s[i], 0x20, middle, 0x20, s[i + 2]]
            case .spaceBefore: out += [s[i], 0x20, middle, s[i + 2]]
            case .middleToSpace: out += [s[i], 0x20, s[i + 2]]
            }
            i += 3
        } else {
            out.append(s[i]); i += 1
        }
    }
    return out
}
