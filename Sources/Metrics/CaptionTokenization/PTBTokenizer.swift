/// Caption tokenization equal to pycocoevalcap 1.2's `PTBTokenizer`, without Java.
///
/// The reference joins a batch of captions with `\n` (each `\n` inside a caption first replaced by
/// a space), runs Stanford CoreNLP 3.4.1 `edu.stanford.nlp.process.PTBTokenizer -preserveLines
/// -lowerCase` on it, splits the output into lines, strips trailing whitespace from each line
/// (Python `rstrip`), splits it on `' '` and drops the tokens in `PUNCTUATIONS`
/// (`'' ' `` ` -LRB- -RRB- -LCB- -RCB- . ? ! , : - -- ... ;`). This type does the same in one pass:
/// PTB tokenization (clitics `it 's`, `do n't`, `ca n't`; `rock 'n' roll`; `y' all`; brackets become
/// `-lrb-` etc. and, being lower-cased, are *kept*; curly quotes and dashes are normalized and then
/// dropped; characters outside the Basic Multilingual Plane are deleted; no-break spaces separate
/// tokens), Java's `toLowerCase(Locale.ENGLISH)`, and the punctuation filter.
///
/// **Batches matter.** The lexer looks ahead across caption boundaries: a caption ending in a
/// single letter and a period (`"... the letter S."`) followed by a caption starting with `A`, `The`,
/// `He`, ... loses the period (`"... the letter s"`); otherwise it keeps `s.`. Tokenize captions in
/// the same batches and order as pycocoevalcap (all references of all images, image order then
/// annotation order; then all candidates) to get identical strings.
///
/// Deliberate differences from the reference, where the reference is silently wrong:
/// * Carriage return, vertical tab, form feed, U+0085, U+2028 and U+2029 inside a caption are
///   replaced by spaces, as pycocoevalcap does for `\n`. The Java tokenizer treats them as line
///   breaks, prints extra lines, and every later caption of the batch gets the tokens of the caption
///   before it (the last ones are lost). Here every caption keeps its own tokens.
/// * An SGML-like tag (`<a href='...'>`) whose quoted attribute value would run across a caption
///   boundary is not formed, so two captions are never merged into one line.
public struct PTBTokenizer: Sendable {
    public init() {}

    /// Tokenizes one batch of captions, in order, with the reference's look-ahead across captions.
    ///
    /// - Returns: one string per caption: the kept lower-cased tokens joined by single spaces
    ///   (`""` when nothing is left).
    public func tokenize(_ captions: [String]) -> [String] {
        guard !captions.isEmpty else { return [] }
        let text = PTBTokenizer.batchText(captions)
        var results: [String] = []
        results.reserveCapacity(captions.count)
        PTBCharacterClasses.table.withUnsafeBufferPointer { flags in
            text.withUnsafeBufferPointer { buffer in
                var lexer = PTBLexer(text: buffer, flags: flags)
                var line = LineBuilder()
                while let lexeme = lexer.next() {
                    if lexeme.isNewline {
                        results.append(line.finish())
                    } else {
                        line.append(buffer[lexeme.start..<lexeme.end], form: lexeme.form)
                    }
                }
                results.append(line.finish())
            }
        }
        return results
    }

    /// The UTF-16 text the lexer reads: captions joined by `\n`, with every line-breaking character
    /// inside a caption (`\n \r \u{0B} \u{0C} \u{85} \u{2028} \u{2029}`) replaced by a space.
    static func batchText(_ captions: [String]) -> [UInt16] {
        var text: [UInt16] = []
        text.reserveCapacity(captions.reduce(captions.count) { $0 + $1.utf8.count })
        for (index, caption) in captions.enumerated() {
            if index > 0 { text.append(0x0A) }
            for unit in caption.utf16 {
                switch unit {
                case 0x0A, 0x0D, 0x0B, 0x0C, 0x85, 0x2028, 0x2029: text.append(0x20)
                default: text.append(unit)
                }
            }
        }
        return text
    }
}

/// Collects the kept tokens of one output line.
private struct LineBuilder {
    /// The line so far: kept tokens (lower-cased) separated by spaces.
    private var units: [UInt16] = []
    /// Where the last kept token starts in `units`.
    private var lastTokenStart = 0
    /// Whether the last token produced by the lexer was kept (not punctuation).
    private var lastTokenKept = false
    /// Scratch space for one token.
    private var token: [UInt16] = []

    init() {
        units.reserveCapacity(256)
        token.reserveCapacity(64)
    }

    /// Renders a token in its output form, lower-cases it, and keeps it unless it is punctuation.
    mutating func append(_ raw: Slice<UnsafeBufferPointer<UInt16>>, form: PTBTokenForm) {
        token.removeAll(keepingCapacity: true)
        PTBTokenText.render(raw, form: form, into: &token)
        PTBTokenText.lowercase(&token)
        if PTBTokenText.isFilteredPunctuation(token) {
            lastTokenKept = false
            return
        }
        if !units.isEmpty { units.append(0x20) }
        lastTokenStart = units.count
        units.append(contentsOf: token)
        lastTokenKept = true
    }

    /// The finished line (Python `rstrip` applied to the last token), and a reset for the next line.
    mutating func finish() -> String {
        if lastTokenKept, let last = units.last, PTBTokenText.isPythonWhitespace(last) {
            while units.count > lastTokenStart, let last = units.last, PTBTokenText.isPythonWhitespace(last) {
                units.removeLast()
            }
            let stripped = Array(units[lastTokenStart...])
            if stripped.isEmpty || PTBTokenText.isFilteredPunctuation(stripped) {
                units.removeSubrange(max(0, lastTokenStart - 1)...)
            }
        }
        let line = String(decoding: units, as: UTF16.self)
        units.removeAll(keepingCapacity: true)
        lastTokenStart = 0
        lastTokenKept = false
        return line
    }
}

/// Token text rendering: the lexer's normalizations, Java lower-casing, and the punctuation filter.
enum PTBTokenText {
    /// Appends the output form of the raw token text.
    static func render(_ raw: Slice<UnsafeBufferPointer<UInt16>>, form: PTBTokenForm, into out: inout [UInt16]) {
        if let fixed = form.fixedText {
            out.append(contentsOf: fixed.utf16)
            return
        }
        switch form {
        case .verbatim:
            out.append(contentsOf: raw)
        case .softHyphensRemoved:
            for unit in raw where unit != 0xAD { out.append(unit) }
            if out.isEmpty { out.append(0x2D) }
        case .openingQuotes, .closingQuotes:
            renderQuotes(raw, opening: form == .openingQuotes, into: &out)
        case .ampersand:
            var j = raw.startIndex
            while j < raw.endIndex {
                if raw[j] == 0x26, j + 5 <= raw.endIndex, matchesCaseless(raw[(j + 1)..<(j + 5)], "amp;") {
                    out.append(0x26)
                    j += 5
                } else {
                    out.append(raw[j])
                    j += 1
                }
            }
        case .spacesToNoBreak:
            for unit in raw { out.append(unit == 0x20 ? 0xA0 : unit) }
        case .phone, .parentheses:
            for unit in raw {
                switch unit {
                case 0x20 where form == .phone: out.append(0xA0)
                case 0x28: out.append(contentsOf: "-LRB-".utf16)
                case 0x29: out.append(contentsOf: "-RRB-".utf16)
                default: out.append(unit)
                }
            }
        case .fraction:
            for unit in raw {
                switch unit {
                case 0xBC: out.append(contentsOf: "1/4".utf16)
                case 0xBD: out.append(contentsOf: "1/2".utf16)
                case 0xBE: out.append(contentsOf: "3/4".utf16)
                case 0x2153: out.append(contentsOf: "1/3".utf16)
                case 0x2154: out.append(contentsOf: "2/3".utf16)
                default: out.append(unit)
                }
            }
        case .currency:
            for unit in raw {
                switch unit {
                case 0xA2: out.append(contentsOf: "cents".utf16)
                case 0xA3: out.append(0x23)
                case 0x80, 0xA4, 0x20A0, 0x20AC: out.append(0x24)
                default: out.append(unit)
                }
            }
        default:
            out.append(contentsOf: raw)
        }
    }

    /// LaTeX quotes: `'` and `&apos;` become `` ` `` (opening) or `'`; `"` and `&quot;` become ` `` `
    /// or `''`; curly and angle quotes become `` ` `` `'` ` `` ` `''`. `‚ „ ‟` stay as they are.
    private static func renderQuotes(_ raw: Slice<UnsafeBufferPointer<UInt16>>, opening: Bool, into out: inout [UInt16]) {
        let single: UInt16 = opening ? 0x60 : 0x27
        var j = raw.startIndex
        while j < raw.endIndex {
            let unit = raw[j]
            if unit == 0x26, j + 6 <= raw.endIndex {
                let entity = raw[(j + 1)..<(j + 6)]
                if entity.elementsEqual("apos;".utf16) { out.append(single); j += 6; continue }
                if entity.elementsEqual("quot;".utf16) { out.append(single); out.append(single); j += 6; continue }
            }
            switch unit {
            case 0x27: out.append(single)
            case 0x22: out.append(single); out.append(single)
            case 0x91, 0x2018, 0x201B, 0x2039: out.append(0x60)
            case 0x92, 0x2019, 0x203A: out.append(0x27)
            case 0x93, 0x201C, 0xAB: out.append(0x60); out.append(0x60)
            case 0x94, 0x201D, 0xBB: out.append(0x27); out.append(0x27)
            default: out.append(unit)
            }
            j += 1
        }
    }

    private static func matchesCaseless(_ units: Slice<UnsafeBufferPointer<UInt16>>, _ lowercase: String) -> Bool {
        units.elementsEqual(lowercase.utf16) { a, b in (a >= 0x41 && a <= 0x5A ? a | 0x20 : a) == b }
    }

    /// Java `String.toLowerCase(Locale.ENGLISH)`: full lower-case mapping per code point, with the
    /// final-sigma rule inside the token.
    static func lowercase(_ token: inout [UInt16]) {
        var ascii = true
        for k in token.indices {
            let unit = token[k]
            if unit >= 0x80 { ascii = false; break }
            if unit >= 0x41 && unit <= 0x5A { token[k] = unit | 0x20 }
        }
        if ascii { return }
        let scalars = Array(String(decoding: token, as: UTF16.self).unicodeScalars)
        var out: [UInt16] = []
        out.reserveCapacity(token.count)
        for (k, scalar) in scalars.enumerated() {
            if scalar.value < 0x80 {
                let v = UInt16(scalar.value)
                out.append(v >= 0x41 && v <= 0x5A ? v | 0x20 : v)
            } else if scalar.value == 0x3A3 {
                let casedBefore = scalars[..<k].reversed().first { !$0.properties.isCaseIgnorable }?.properties.isCased ?? false
                let casedAfter = scalars[(k + 1)...].first { !$0.properties.isCaseIgnorable }?.properties.isCased ?? false
                out.append(casedBefore && !casedAfter ? 0x3C2 : 0x3C3)
            } else {
                out.append(contentsOf: scalar.properties.lowercaseMapping.utf16)
            }
        }
        token = out
    }

    /// pycocoevalcap's `PUNCTUATIONS` after lower-casing (the bracket escapes never match).
    static func isFilteredPunctuation<C: Collection>(_ token: C) -> Bool where C.Element == UInt16 {
        var iterator = token.makeIterator()
        guard let a = iterator.next() else { return false }
        guard let b = iterator.next() else {
            switch a {
            case 0x27, 0x60, 0x2E, 0x3F, 0x21, 0x2C, 0x3A, 0x2D, 0x3B: return true
            default: return false
            }
        }
        guard let c = iterator.next() else {
            return a == b && (a == 0x27 || a == 0x60 || a == 0x2D)
        }
        return iterator.next() == nil && a == 0x2E && b == 0x2E && c == 0x2E
    }

    /// Python `str.isspace` for a UTF-16 code unit (what `rstrip()` removes).
    static func isPythonWhitespace(_ unit: UInt16) -> Bool {
        switch unit {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }
}
