import XCTest
@testable import Metrics

/// The two splits pycocoevalcap uses: `str.split()` for BLEU/CIDEr-D, `str.split(" ")` for ROUGE-L.
final class TokenizedCaptionTests: XCTestCase {
    func testPythonSplitAndSpaceSplit() {
        let regular = TokenizedCaption("a dog on a beach")
        XCTAssertEqual(regular.tokens.count, 5)
        XCTAssertEqual(regular.spaceSeparatedTokens, regular.tokens)
        XCTAssertEqual(regular.tokens[0], regular.tokens[3], "equal tokens, equal fingerprints")
        XCTAssertNotEqual(regular.tokens[0], regular.tokens[1])

        let empty = TokenizedCaption("")
        XCTAssertEqual(empty.tokens.count, 0)
        XCTAssertEqual(empty.spaceSeparatedTokens.count, 1, "\"\".split(\" \") == [\"\"]")

        let irregular = TokenizedCaption(" a  dog\u{00A0}x\u{2028}y ")
        XCTAssertEqual(irregular.tokens, TokenizedCaption("a dog x y").tokens, "split() on any Unicode whitespace run")
        XCTAssertEqual(irregular.spaceSeparatedTokens.count, 5, "['', 'a', '', 'dog\\xa0x\\u2028y', '']")
    }

    func testNGramCountsFollowFirstOccurrenceOrder() {
        let ngrams = TokenizedCaption("the dog the dog the").ngrams
        XCTAssertEqual(ngrams.tokenCount, 5)
        XCTAssertEqual(ngrams.range(ofOrder: 1).map { ngrams.counts[$0] }, [3, 2])
        XCTAssertEqual(ngrams.range(ofOrder: 2).map { ngrams.counts[$0] }, [2, 2])   // "the dog", "dog the"
        XCTAssertEqual(ngrams.range(ofOrder: 3).map { ngrams.counts[$0] }, [2, 1])
        XCTAssertEqual(ngrams.range(ofOrder: 4).map { ngrams.counts[$0] }, [1, 1])
        XCTAssertEqual(Set(ngrams.keys).count, ngrams.keys.count)
        XCTAssertEqual(ngrams.keys.map { $0 >> 62 }, [0, 0, 1, 1, 2, 2, 3, 3])
    }

    func testRougeOfEmptyCaptionsFollowsSpaceSplit() {
        // pycocoevalcap: "".split(" ") == [""], so an empty candidate matches an empty reference (LCS 1).
        XCTAssertEqual(RougeL().imageStats(CaptionSample(candidate: "", references: [""])), 1.0, accuracy: 1e-15)
        XCTAssertEqual(RougeL().imageStats(CaptionSample(candidate: "", references: ["a dog"])), 0)
    }
}
