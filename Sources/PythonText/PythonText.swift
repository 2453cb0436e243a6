/// The few Python 3 `str` operations that the reference tools rely on (the official VQA evaluation,
/// BERT's basic tokenizer, mPLUG's `pre_caption`), on Unicode scalars.
///
/// Python compares and searches strings code point by code point; Swift's `String` compares by
/// canonical equivalence (`"é"` precomposed equals `"e\u{301}"`, U+037E GREEK QUESTION MARK
/// equals `";"`). To match the references exactly, text is handled as `[Unicode.Scalar]`.
public enum PythonText {
    /// `str.isspace()` for one code point: Unicode category Zs or bidirectional class WS/B/S
    /// (the set Python's `str.strip()` and `str.split()` use when given no argument).
    @inlinable
    public static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A,
             0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    /// `\d` of Python 3 `re` on `str` patterns: a Unicode decimal digit (category Nd).
    public static func isDecimalDigit(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return (0x30...0x39).contains(scalar.value) }
        return scalar.properties.generalCategory == .decimalNumber
    }

    /// `str.strip()` with no argument.
    public static func strip(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        guard let first = text.firstIndex(where: { !isWhitespace($0) }),
              let last = text.lastIndex(where: { !isWhitespace($0) }) else { return [] }
        return Array(text[first...last])
    }

    /// `str.strip()` with no argument, or `str.strip(only)` for one given character, on a `String`.
    public static func strip(_ text: String, only: Unicode.Scalar? = nil) -> String {
        let scalars = Array(text.unicodeScalars)
        let drop: (Unicode.Scalar) -> Bool = { scalar in only.map { scalar == $0 } ?? isWhitespace(scalar) }
        guard let first = scalars.firstIndex(where: { !drop($0) }), let last = scalars.lastIndex(where: { !drop($0) }) else {
            return ""
        }
        return string(from: Array(scalars[first...last]))
    }

    /// `str.split()` with no argument on a `String`: maximal runs of non-whitespace.
    public static func split(_ text: String) -> [String] {
        split(codePoints(of: text)).map(string(from:))
    }

    /// `str.split()` with no argument: runs of whitespace separate words; no empty words.
    public static func split(_ text: [Unicode.Scalar]) -> [[Unicode.Scalar]] {
        text.split(whereSeparator: isWhitespace).map(Array.init)
    }

    /// `str.lower()`: the full lower-case mapping of each code point, with Python's
    /// Final_Sigma rule for U+03A3 (Σ becomes ς at the end of a cased word, σ elsewhere).
    public static func lower(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(text.count)
        for (index, scalar) in text.enumerated() {
            if scalar.isASCII {
                let value = scalar.value
                result.append((0x41...0x5A).contains(value) ? Unicode.Scalar(value + 0x20)! : scalar)
            } else if scalar.value == 0x3A3 {
                result.append(isFinalSigma(at: index, in: text) ? "\u{3C2}" : "\u{3C3}")
            } else {
                result.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return result
    }

    /// Python's `handle_capital_sigma`: preceded by a cased letter and not followed by one,
    /// skipping case-ignorable code points in both directions.
    private static func isFinalSigma(at index: Int, in text: [Unicode.Scalar]) -> Bool {
        var before = index - 1
        while before >= 0, text[before].properties.isCaseIgnorable { before -= 1 }
        guard before >= 0, text[before].properties.isCased else { return false }
        var after = index + 1
        while after < text.count, text[after].properties.isCaseIgnorable { after += 1 }
        return after == text.count || !text[after].properties.isCased
    }

    /// Python's `needle in haystack` for strings.
    public static func contains(_ haystack: [Unicode.Scalar], _ needle: [Unicode.Scalar]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count)
        where haystack[start..<(start + needle.count)].elementsEqual(needle) {
            return true
        }
        return false
    }

    /// The code points of `text`, in order (what Python indexes and compares).
    public static func codePoints(of text: String) -> [Unicode.Scalar] { Array(text.unicodeScalars) }

    /// A `String` made of exactly these code points (no normalization is applied).
    public static func string(from codePoints: [Unicode.Scalar]) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: codePoints)
        return String(view)
    }
}
