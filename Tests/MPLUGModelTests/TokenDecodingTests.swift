import XCTest
@testable import MPLUGModel

final class TokenDecodingTests: XCTestCase {
    /// transformers 4.14 `decode` + the official `[SEP]`/`[CLS]`/`[PAD]` removal and strip.
    func testOfficialAnswerDecoding() {
        let vocab = BertVocabulary(tokens: ["[PAD]", "[CLS]", "[SEP]", "a", "dog", "##gy", "'", "s", "ball", ".", "do", "n't", "?"])
        XCTAssertEqual(vocab.decodeAnswer([1, 3, 4, 5, 2]), "a doggy")
        XCTAssertEqual(vocab.decodeAnswer([1, 4, 6, 7, 8, 9, 2, 0, 0]), "dog's ball.")
        XCTAssertEqual(vocab.decodeAnswer([1, 10, 11, 12]), "don't?")
        // A [SEP] inside a hypothesis leaves the two surrounding spaces (no whitespace collapsing).
        XCTAssertEqual(vocab.decodeAnswer([1, 3, 2, 4, 2]), "a  dog")
        XCTAssertEqual(vocab.decodeAnswer([1, 99]), "[UNK]")
    }
}
