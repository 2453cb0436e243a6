import DataIO
import Foundation
import MPLUGModel
import TestSupport
import XCTest

/// The WordPiece tokenizer and `pre_caption` against the official mPLUG tokenizer
/// (`model/tokenizer_cases.json`, 13 strings) and the batched id tensors of the config A goldens.
/// Only the goldens' tiny vocab.txt ships with the fixtures (the full bert-base-uncased vocabulary
/// is not available offline), and every case in tokenizer_cases.json was made with it.
final class WordPieceTests: XCTestCase {
    private let configA = "model/config_A_stride2/"

    private func tokenizer() throws -> WordPieceTokenizer {
        try WordPieceTokenizer(contentsOf: Fixtures.url(configA + "vocab.txt"))
    }

    func testOfficialTokenizerCases() throws {
        let tokenizer = try tokenizer()
        let root = try XCTUnwrap(Fixtures.json("model/tokenizer_cases.json") as? [String: Any])
        let cases = try XCTUnwrap(root["cases"] as? [[String: Any]])
        XCTAssertEqual(cases.count, 13)
        for entry in cases {
            let text = try XCTUnwrap(entry["text"] as? String)
            XCTAssertEqual(tokenizer.tokenize(text), entry["tokens"] as? [String], text)
            XCTAssertEqual(tokenizer.encode(text), entry["ids"] as? [Int], text)
            let normalized = CaptionNormalization.preCaption(text, maxWords: 30)
            XCTAssertEqual(normalized, entry["pre_caption_30"] as? String, text)
            XCTAssertEqual(tokenizer.encode(normalized), entry["pre_caption_30_ids"] as? [Int], text)
        }
    }

    func testBatchesMatchGoldenIdTensors() throws {
        let tokenizer = try tokenizer()
        let meta = try XCTUnwrap(Fixtures.json(configA + "golden_meta.json") as? [String: Any])
        let texts = try XCTUnwrap(meta["texts"] as? [String: Any])
        let inputs = try SafeTensors.read(Fixtures.url(configA + "inputs.safetensors"))
        func golden(_ name: String) throws -> [[Int]] {
            let tensor = try XCTUnwrap(inputs[name], name)
            let values = tensor.int64s().map(Int.init)
            return stride(from: 0, to: values.count, by: tensor.shape[1]).map { Array(values[$0..<($0 + tensor.shape[1])]) }
        }
        let raw = try XCTUnwrap(texts["raw_captions"] as? [String])
        let encoderTexts = raw.map { CaptionNormalization.preCaption($0, maxWords: 30) }
        let encoder = tokenizer.batch(encoderTexts)
        XCTAssertEqual(encoder.ids, try golden("caption_enc_ids"))
        XCTAssertEqual(encoder.attentionMask, try golden("caption_enc_ids").map { $0.map { $0 == 0 ? 0 : 1 } })
        let decoder = tokenizer.batch(raw.map { CaptionNormalization.preCaption($0, maxWords: 25) + "[SEP]" })
        XCTAssertEqual(decoder.ids, try golden("caption_dec_ids"))
        let questions = try XCTUnwrap(texts["raw_questions (tokenised as-is, no pre_question)"] as? [String])
        XCTAssertEqual(tokenizer.batch(questions).ids, try golden("question_ids"))
    }

    func testPaddingToMaxLengthAndTruncation() throws {
        let tokenizer = try tokenizer()
        let batch = tokenizer.batch(["a red bus", "two small dogs are playing in the park"], padding: .maxLength(6), maxLength: 6)
        XCTAssertEqual(batch.ids, [[101, 104, 105, 106, 0, 0], [101, 113, 114, 115, 207, 116]])
        XCTAssertEqual(batch.attentionMask, [[1, 1, 1, 1, 0, 0], [1, 1, 1, 1, 1, 1]])
    }

    func testBasicTokenizerEdgeCases() throws {
        let tokenizer = try tokenizer()
        // CJK ideographs become separate words (each unknown here), control characters vanish,
        // a word over 100 characters is one [UNK].
        XCTAssertEqual(tokenizer.tokenize("狗狗 dog"), ["[UNK]", "[UNK]", "dog"])
        XCTAssertEqual(tokenizer.tokenize("do\u{0}g\u{200B}s"), ["dog", "##s"])
        XCTAssertEqual(tokenizer.tokenize(String(repeating: "a", count: 101)), ["[UNK]"])
        XCTAssertEqual(tokenizer.tokenize(String(repeating: "a", count: 100)).count, 100)
        XCTAssertEqual(tokenizer.tokenize("RED\u{00A0}Bus"), ["red", "bus"])
    }

    func testDecodeFollowsTheCaptionScript() throws {
        let tokenizer = try tokenizer()
        XCTAssertEqual(tokenizer.decode([101, 104, 105, 106, 107, 209, 225, 102, 0]), "a red bus parked.")
        XCTAssertEqual(tokenizer.decode([101, 104, 105, 225, 102], cleanUpSpaces: false), "a red .")
        // Continuations, contractions and a [SEP] inside a hypothesis (its two surrounding spaces stay).
        let toy = try WordPieceTokenizer(vocabulary: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "dog", "##gy",
                                                      "'", "s", "ball", ".", "do", "n't", "?"])
        XCTAssertEqual(toy.decode([2, 5, 6, 7, 3]), "a doggy")
        XCTAssertEqual(toy.decode([2, 6, 8, 9, 10, 11, 3, 0, 0]), "dog's ball.")
        XCTAssertEqual(toy.decode([2, 12, 13, 14]), "don't?")
        XCTAssertEqual(toy.decode([2, 5, 3, 6, 3]), "a  dog")
        XCTAssertEqual(toy.decode([2, 99]), "[UNK]")
    }

    func testVocabularyFileLineEndingsAndDecodingVocabulary() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vocab-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data("[PAD]\r\n[UNK]\r[CLS]\n[SEP]\r\n[MASK]\nred\n##s\n".utf8).write(to: url)
        let tokenizer = try WordPieceTokenizer(contentsOf: url)
        XCTAssertEqual(tokenizer.tokens, ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "red", "##s"])
        XCTAssertEqual(tokenizer.encode("Reds"), [2, 5, 6])
        XCTAssertEqual(tokenizer.decode([2, 5, 6, 3, 0]), "reds")
    }

    func testPreQuestionAndTruncation() {
        XCTAssertEqual(CaptionNormalization.preQuestion("What's  the man-made thing?  ", maxWords: 50), "whats  the man made thing")
        XCTAssertEqual(CaptionNormalization.preCaption("One two, three. Four!", maxWords: 3), "one two three")
        XCTAssertEqual(CaptionNormalization.preCaption("<person> rides\n\n a horse\n", maxWords: 30), "person rides a horse")
    }

    func testMissingVocabularyIsAClearError() {
        XCTAssertThrowsError(try WordPieceTokenizer(contentsOf: URL(fileURLWithPath: "/nonexistent/vocab.txt"))) { error in
            XCTAssertTrue("\(error)".contains("cannot read"), "\(error)")
        }
        XCTAssertThrowsError(try WordPieceTokenizer(vocabulary: ["[PAD]", "a"])) { error in
            XCTAssertEqual("\(error)", "vocabulary: special token [UNK] is missing")
        }
    }
}
