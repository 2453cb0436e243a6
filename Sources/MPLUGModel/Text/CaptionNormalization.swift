/// mPLUG's text normalisation (`dataset/utils.py`), character for character.
public enum CaptionNormalization {
    /// Characters deleted by both functions: , . ' ! ? " ( ) * # : ; ~
    static let deleted: Set<Unicode.Scalar> = [",", ".", "'", "!", "?", "\"", "(", ")", "*", "#", ":", ";", "~"]

    /// `pre_caption(caption, max_words)`: lower-case; delete `deleted`; "-" and "/" → space;
    /// "<person>" → "person"; every run of ≥ 2 whitespace characters → one space; strip trailing
    /// newlines, then leading/trailing spaces; keep the first `maxWords` space-separated words.
    public static func preCaption(_ caption: String, maxWords: Int) -> String {
        var text = deleteAndSeparate(caption).replacingOccurrences(of: "<person>", with: "person")
        text = collapseWhitespaceRuns(text)
        while text.unicodeScalars.last == "\n" { text.unicodeScalars.removeLast() }
        return firstWords(PythonText.strip(text, only: " "), maxWords)
    }

    /// `pre_question(question, max_ques_words)`: lower-case; delete `deleted`; "-" and "/" → space;
    /// strip trailing spaces; keep the first `maxWords` space-separated words (no whitespace collapsing).
    /// (The released VQA evaluation does not call it.)
    public static func preQuestion(_ question: String, maxWords: Int) -> String {
        var text = deleteAndSeparate(question)
        while text.unicodeScalars.last == " " { text.unicodeScalars.removeLast() }
        return firstWords(text, maxWords)
    }

    private static func deleteAndSeparate(_ text: String) -> String {
        var output = String.UnicodeScalarView()
        for scalar in text.lowercased().unicodeScalars where !deleted.contains(scalar) {
            output.append(scalar == "-" || scalar == "/" ? " " : scalar)
        }
        return String(output)
    }

    /// Python's `re.sub(r"\s{2,}", " ", text)`.
    private static func collapseWhitespaceRuns(_ text: String) -> String {
        var output = String.UnicodeScalarView()
        var run = String.UnicodeScalarView()
        func flush() {
            if run.count >= 2 { output.append(" ") } else { output.append(contentsOf: run) }
            run = String.UnicodeScalarView()
        }
        for scalar in text.unicodeScalars {
            if PythonText.isSpace(scalar) { run.append(scalar) } else { flush(); output.append(scalar) }
        }
        flush()
        return String(output)
    }

    /// `' '.join(text.split(' ')[:maxWords])` when there are more than `maxWords` pieces.
    private static func firstWords(_ text: String, _ maxWords: Int) -> String {
        let words = text.split(separator: " ", omittingEmptySubsequences: false)
        return words.count > maxWords ? words.prefix(maxWords).joined(separator: " ") : text
    }
}

/// Python `str` whitespace semantics on Unicode scalars (code points).
enum PythonText {
    /// `str.isspace()` for one code point.
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    /// `text.split()`: maximal runs of non-whitespace.
    static func splitOnWhitespace(_ text: String) -> [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isSpace(scalar) {
                if !current.isEmpty { words.append(String(current)); current = String.UnicodeScalarView() }
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { words.append(String(current)) }
        return words
    }

    /// `text.strip()` (whitespace), or `text.strip(only)` for one given character.
    static func strip(_ text: String, only: Unicode.Scalar? = nil) -> String {
        let scalars = Array(text.unicodeScalars)
        let drop: (Unicode.Scalar) -> Bool = { scalar in only.map { scalar == $0 } ?? isSpace(scalar) }
        guard let first = scalars.firstIndex(where: { !drop($0) }), let last = scalars.lastIndex(where: { !drop($0) }) else {
            return ""
        }
        return String(String.UnicodeScalarView(scalars[first...last]))
    }
}
