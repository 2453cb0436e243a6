import PythonText
/// The answer normalizer of the official VQA evaluation (GT-Vision-Lab/VQA `vqaEval.py`), rule for rule.
///
/// `VQAEval.evaluate()` applies, to every ground-truth answer and to the prediction:
/// 1. ``stripped(_:)``: `\n` and `\t` become spaces, then Python `str.strip()`;
/// 2. only when the question's stripped ground-truth answers are not all identical:
///    ``processPunctuation(_:)`` followed by ``processDigitArticle(_:)``.
/// All operations work on Unicode code points, as Python does (no canonical equivalence).
public enum VQAAnswerNormalizer {
    /// `processPunctuation`'s character list, in the reference's order. `.` is handled separately.
    static let punctuation: [Unicode.Scalar] = [";", "/", "[", "]", "\"", "{", "}", "(", ")", "=", "+",
                                                "\\", "_", "-", ">", "<", "@", "`", ",", "?", "!"]
    /// `manualMap`: number words zero–ten, and `none` → `0`.
    static let numberWords: [String: String] = [
        "none": "0", "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
        "six": "6", "seven": "7", "eight": "8", "nine": "9", "ten": "10",
    ]
    /// Words dropped by `processDigitArticle`.
    static let articles: Set<String> = ["a", "an", "the"]
    /// `re.sub(periodStrip, "", text, re.UNICODE)` passes `re.UNICODE` (= 32) as the *count*.
    static let maximumPeriodsRemoved = 32

    /// Step 1: `answer.replace('\n', ' ').replace('\t', ' ').strip()`.
    public static func stripped(_ answer: String) -> String {
        PythonText.string(from: stripped(codePoints: PythonText.codePoints(of: answer)))
    }

    /// `processPunctuation`: if the text contains `p + " "` or `" " + p` for some listed `p`, or a
    /// digit-comma-digit sequence, each listed `p` is deleted, otherwise it becomes a space (decided
    /// per `p` on the input text). Then every `.` not followed by a decimal digit in the input to this
    /// step is deleted, at most 32 of them, left to right. (The reference's `(?!<=\d)` is a look-ahead
    /// for the literal `<=`, which never matches at a `.`, so it has no effect.)
    public static func processPunctuation(_ text: String) -> String {
        PythonText.string(from: processPunctuation(codePoints: PythonText.codePoints(of: text)))
    }

    /// `processDigitArticle`: lower-case, split on whitespace, map number words (`"two"` → `"2"`,
    /// `"none"` → `"0"`), drop `a`/`an`/`the`, expand contractions (`"dont"` → `"don't"`), join with
    /// single spaces.
    public static func processDigitArticle(_ text: String) -> String {
        PythonText.string(from: processDigitArticle(codePoints: PythonText.codePoints(of: text)))
    }

    /// `processDigitArticle(processPunctuation(text))`, what `evaluate()` applies after stripping.
    public static func normalized(_ text: String) -> String {
        PythonText.string(from: normalized(codePoints: PythonText.codePoints(of: text)))
    }

    // MARK: Code-point implementations

    static func stripped(codePoints text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        PythonText.strip(text.map { $0 == "\n" || $0 == "\t" ? " " : $0 })
    }

    static func normalized(codePoints text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        processDigitArticle(codePoints: processPunctuation(codePoints: text))
    }

    static func processPunctuation(codePoints input: [Unicode.Scalar]) -> [Unicode.Scalar] {
        let hasDigitCommaDigit = input.indices.dropLast(2).contains { i in
            PythonText.isDecimalDigit(input[i]) && input[i + 1] == "," && PythonText.isDecimalDigit(input[i + 2])
        }
        var text = input
        for mark in punctuation {
            let deleteMark = hasDigitCommaDigit
                || PythonText.contains(input, [mark, " "]) || PythonText.contains(input, [" ", mark])
            if deleteMark {
                text.removeAll { $0 == mark }
            } else {
                text = text.map { $0 == mark ? " " : $0 }
            }
        }
        return removingPeriods(from: text)
    }

    /// Deletes up to 32 periods that are not followed by a decimal digit, scanning left to right.
    private static func removingPeriods(from text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(text.count)
        var removed = 0
        for (index, scalar) in text.enumerated() {
            let followedByDigit = index + 1 < text.count && PythonText.isDecimalDigit(text[index + 1])
            if scalar == ".", !followedByDigit, removed < maximumPeriodsRemoved {
                removed += 1
            } else {
                result.append(scalar)
            }
        }
        return result
    }

    static func processDigitArticle(codePoints text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var words: [[Unicode.Scalar]] = []
        for word in PythonText.split(PythonText.lower(text)) {
            let mapped = lookUp(word, in: numberWords) ?? word
            if let asciiWord = asciiString(mapped), articles.contains(asciiWord) { continue }
            words.append(mapped)
        }
        var joined: [Unicode.Scalar] = []
        for (index, word) in words.enumerated() {
            if index > 0 { joined.append(" ") }
            joined.append(contentsOf: lookUp(word, in: VQAContractions.table) ?? word)
        }
        return joined
    }

    /// Exact (code-point) dictionary lookup. Every key of the reference tables is ASCII, so only an
    /// ASCII word can match; this avoids Swift's canonical-equivalence matching of `String` keys.
    private static func lookUp(_ word: [Unicode.Scalar], in table: [String: String]) -> [Unicode.Scalar]? {
        guard let key = asciiString(word), let value = table[key] else { return nil }
        return PythonText.codePoints(of: value)
    }

    private static func asciiString(_ word: [Unicode.Scalar]) -> String? {
        word.allSatisfy(\.isASCII) ? PythonText.string(from: word) : nil
    }
}
