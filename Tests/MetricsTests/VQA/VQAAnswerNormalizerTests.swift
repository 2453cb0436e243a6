import XCTest
import Metrics
import TestSupport

/// The normalizer against `vqa/normalization_table.json`: the official `processPunctuation` and
/// `processDigitArticle` applied to ~3000 strings (tricky cases plus every answer of the public sets).
final class VQAAnswerNormalizerTests: XCTestCase {
    func testEveryRowOfTheNormalizationTable() throws {
        let table = try XCTUnwrap(Fixtures.json("vqa/normalization_table.json") as? [String: Any])
        let rows = try XCTUnwrap(table["rows"] as? [[String: String]])
        XCTAssertGreaterThan(rows.count, 3000)
        var failures = 0
        for row in rows {
            let input = try XCTUnwrap(row["input"])
            let stripped = VQAAnswerNormalizer.stripped(input)
            let punctuation = VQAAnswerNormalizer.processPunctuation(stripped)
            let digitArticle = VQAAnswerNormalizer.processDigitArticle(punctuation)
            // Compare code points: Swift's String == would accept canonically equivalent strings.
            func same(_ actual: String, _ key: String) throws -> Bool {
                Array(actual.unicodeScalars) == Array(try XCTUnwrap(row[key]).unicodeScalars)
            }
            let ok = try same(stripped, "stripped") && same(punctuation, "processPunctuation")
                && same(digitArticle, "processDigitArticle(processPunctuation)")
                && same(VQAAnswerNormalizer.normalized(stripped), "processDigitArticle(processPunctuation)")
            if !ok {
                failures += 1
                if failures <= 10 {
                    XCTFail("\(input.debugDescription): got \(stripped.debugDescription) / \(punctuation.debugDescription) / \(digitArticle.debugDescription), expected \(row)")
                }
            }
        }
        XCTAssertEqual(failures, 0, "\(failures) of \(rows.count) rows differ")
    }

    func testPeriodStripRemovesAtMost32PeriodsAndKeepsPeriodsBeforeDigits() {
        // 35 trailing periods: the reference passes re.UNICODE (32) as re.sub's count.
        XCTAssertEqual(VQAAnswerNormalizer.processPunctuation("x" + String(repeating: ".", count: 35)), "x...")
        XCTAssertEqual(VQAAnswerNormalizer.processPunctuation("3.5"), "3.5")
        // "..5": the first period is followed by a period, the second by a digit.
        XCTAssertEqual(VQAAnswerNormalizer.processPunctuation("..5"), ".5")
        // The look-behind typo: a period after a digit is still removed when no digit follows.
        XCTAssertEqual(VQAAnswerNormalizer.processPunctuation("5."), "5")
    }

    func testPunctuationIsDeletedOrSpacedByTheOfficialRule() {
        XCTAssertEqual(VQAAnswerNormalizer.processPunctuation("1,000"), "1000")          // digit-comma-digit
        XCTAssertEqual(VQAAnswerNormalizer.processPunctuation("red,blue"), "red blue")   // replaced by a space
        XCTAssertEqual(VQAAnswerNormalizer.processPunctuation("red, blue"), "red blue")  // "p " present: deleted
        XCTAssertEqual(VQAAnswerNormalizer.processPunctuation("a-b ?"), "a b ")          // decided per mark
        // Arabic-Indic digits are decimal digits for Python's \d.
        XCTAssertEqual(VQAAnswerNormalizer.processPunctuation("\u{661},\u{662}"), "\u{661}\u{662}")
        // U+037E GREEK QUESTION MARK is canonically equivalent to ";" but is a different code point.
        XCTAssertEqual(Array(VQAAnswerNormalizer.processPunctuation("a\u{37E}b").unicodeScalars),
                       Array("a\u{37E}b".unicodeScalars))
    }

    func testDigitArticleUsesPythonLowerSplitAndTheTables() {
        XCTAssertEqual(VQAAnswerNormalizer.processDigitArticle("The  TWO\u{3000}dogs"), "2 dogs")
        XCTAssertEqual(VQAAnswerNormalizer.processDigitArticle("None"), "0")
        XCTAssertEqual(VQAAnswerNormalizer.processDigitArticle("Whats up"), "what's up")
        XCTAssertEqual(VQAAnswerNormalizer.processDigitArticle("somebody'd"), "somebodyd")  // table quirk kept
        XCTAssertEqual(VQAAnswerNormalizer.processDigitArticle("ΟΔΟΣ"), "οδος")             // Python's final sigma
        XCTAssertEqual(VQAAnswerNormalizer.processDigitArticle("a an the"), "")
    }

    func testStripUsesPythonWhitespace() {
        XCTAssertEqual(VQAAnswerNormalizer.stripped("\n\t yes \u{A0}\u{85}"), "yes")
        XCTAssertEqual(VQAAnswerNormalizer.stripped("two\ndogs"), "two dogs")
        XCTAssertEqual(VQAAnswerNormalizer.stripped("\u{200B}x"), "\u{200B}x")  // ZERO WIDTH SPACE is not whitespace
    }
}
