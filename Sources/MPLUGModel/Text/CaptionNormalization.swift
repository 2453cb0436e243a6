import PythonText

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
            if PythonText.isWhitespace(scalar) { run.append(scalar) } else { flush(); output.append(scalar) }
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
