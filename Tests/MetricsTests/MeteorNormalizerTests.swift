import XCTest
import Metrics

/// METEOR's `-norm` normalization followed by lowercasing; every expected line is what `meteor-1.5.jar`'s
/// `Normalizer.normalizeLine(line, LANG_EN, true).toLowerCase()` returns.
final class MeteorNormalizerTests: XCTestCase {
    /// The entries of `nonbreaking/english.prefixes` these cases touch.
    let normalizer = MeteorNormalizer(nonbreakingPrefixes: MeteorNormalizer.parsePrefixes(
        "# comment\nDr\nMr\nMrs\nSt\nvs\nNo #NUMERIC_ONLY# \n"))

    func testMosesStyleRules() {
        let cases: [(String, String)] = [
            ("a man 's hat , and a dog's bone", "a man ' s hat , and a dog 's bone"),
            ("the u.s.-based company in st. louis ... wow.. ok", "the us based company in st. louis ... wow .. ok"),
            ("he said '' hello '' and `` bye ''", "he said \" hello \" and \" bye \""),
            ("it costs $ 1,000.50 , or 3,4 , or a,,b", "it costs $ 1,000.50 , or 3,4 , or a , ,b"),
            ("mr. smith vs. mrs. jones at no. 5 and no. ", "mr. smith vs. mrs. jones at no . 5 and no ."),
            ("rock 'n' roll in the 1990's , y' all do n't", "rock ' n ' roll in the 1990 's , y ' all do n 't"),
            ("a -lrb- red -rrb- car -- fast \u{2013} slow---x", "a -lrb- red -rrb- car - fast - slow--x"),
            ("two-thirds of the x-ray e-mail is well-known", "two thirds of the x ray e mail is well known"),
            ("the letter s. the end.", "the letter s. the end ."),
            ("café naïve résumé Ωmega", "café naïve résumé ω mega"),
            ("a@b#c%d&e*f+g=h<i>j", "a @ b # c % d & e * f + g = h < i > j"),
            ("dots.... and ..more and end...", "dots .... and .. more and end ..."),
            ("Mr. Smith met No. 5 and No. Way at Dr. Who. End", "mr. smith met no. 5 and no . way at dr. who . end"),
            ("I.B.M. and U.N. staff", "ibm and un staff"),
        ]
        for (input, expected) in cases {
            XCTAssertEqual(normalizer.normalizedTokens(input), expected.split(separator: " ").map(String.init), input)
        }
    }

    func testWhitespaceAndEmptyInput() {
        XCTAssertEqual(normalizer.normalizedTokens(""), [])
        XCTAssertEqual(normalizer.normalizedTokens(" \u{00A0}\u{2003} "), [])
        XCTAssertEqual(normalizer.normalizedTokens("a\u{00A0}b\u{3000}c"), ["a", "b", "c"])
    }

    func testPrefixFileParsing() {
        let table = MeteorNormalizer.parsePrefixes("#x\n\nMr\nNo #NUMERIC_ONLY#\n")
        XCTAssertEqual(table, ["Mr": .always, "No": .beforeNumber])
    }
}
