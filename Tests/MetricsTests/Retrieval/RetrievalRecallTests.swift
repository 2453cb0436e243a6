import XCTest
import Metrics
import TestSupport

/// `itm_eval` ranks with the stable tie rule. All seven golden cases (from `.npy`) are checked in
/// `EvalTasksTests/RetrievalTaskTests`; here: the inline `tiny_hand` case, the tie rule, and
/// random matrices against a sort-based implementation.
final class RetrievalRecallTests: XCTestCase {
    func testTinyHandCaseFromInlineScores() throws {
        // JSONDecoder parses doubles exactly (Linux JSONSerialization may be off by an ulp).
        struct Inputs: Decodable { var score_i2t, score_t2i: [[Double]]; var img2txt: [[Int]]; var txt2img: [Int] }
        struct Expected: Decodable { var expected: [String: Double]; var ranks_i2t, ranks_t2i: [Double] }
        let inputs = try JSONDecoder().decode(Inputs.self, from: Fixtures.data("retrieval/tiny_hand/inputs.json"))
        let expected = try JSONDecoder().decode(Expected.self, from: Fixtures.data("retrieval/tiny_hand/expected.json"))
        func matrix(_ rows: [[Double]]) throws -> ScoreMatrix {
            try ScoreMatrix(rows: rows.count, columns: rows[0].count, values: rows.flatMap { $0 })
        }
        let result = try RetrievalRecall.evaluate(
            imageToText: try matrix(inputs.score_i2t), textToImage: try matrix(inputs.score_t2i),
            textsOfImage: inputs.img2txt, imageOfText: inputs.txt2img)
        XCTAssertEqual(result.metrics, expected.expected)
        // Resampling over images with their texts: all images once gives the point estimates.
        XCTAssertEqual(result.corpusScores(over: Array(0..<result.itemCount)), expected.expected)
        let twiceImage2 = result.corpusScores(over: [2, 2])   // image 2: rank 0; its texts 3, 4, 5: ranks 0, 0, 1
        XCTAssertEqual(twiceImage2["txt_r1"], 100)
        XCTAssertEqual(twiceImage2["img_r1"], 100.0 * 4 / 6)
        XCTAssertEqual(result.imageToTextRanksAsReported, expected.ranks_i2t)
        XCTAssertEqual(result.textToImageRanksAsReported, expected.ranks_t2i)
    }

    func testTiesPutTheLargerIndexFirstAndImagesWithoutTextsMiss() throws {
        // Image 0: texts 0 and 1, all scores equal -> order 2, 1, 0: best rank 1 (text 1).
        // Image 1: no texts -> rank 1e20, a miss at every K.
        let i2t = try ScoreMatrix(rows: 2, columns: 3, values: [0.5, 0.5, 0.5, 1, 2, 3])
        let t2i = try ScoreMatrix(rows: 3, columns: 2, values: [1, 1, 0, 0, -1, 2])
        let result = try RetrievalRecall.evaluate(imageToText: i2t, textToImage: t2i,
                                                  textsOfImage: [[0, 1], []], imageOfText: [0, 0, 0])
        XCTAssertEqual(result.imageToTextRanks, [1, nil])
        XCTAssertEqual(result.imageToTextRanksAsReported, [1, 1e20])
        XCTAssertEqual(result.textToImageRanks, [1, 1, 1])
        XCTAssertEqual(result.imageToTextHits(at: 5), [true, false])
        let metrics = result.metrics
        XCTAssertEqual(metrics["txt_r1"], 0)
        XCTAssertEqual(metrics["txt_r5"], 50)
        XCTAssertEqual(metrics["img_r5"], 100)
        XCTAssertEqual(metrics["r_mean"], ((0 + 50 + 50) / 3.0 + (0 + 100 + 100) / 3.0) / 2)
        // -0.0 and 0.0 are equal scores, as in numpy.
        let signedZeros = try RetrievalRecall.evaluate(
            imageToText: try ScoreMatrix(rows: 1, columns: 2, values: [0.0, -0.0]),
            textToImage: try ScoreMatrix(rows: 2, columns: 1, values: [0, 0]),
            textsOfImage: [[0]], imageOfText: [0, 0])
        XCTAssertEqual(signedZeros.imageToTextRanks, [1])
    }

    func testRanksEqualASortBasedImplementationOnRandomQuantizedScores() throws {
        var generator = SeededGenerator(seed: 20_251_127)
        for _ in 0..<50 {
            let images = Int.random(in: 1...12, using: &generator)
            let texts = Int.random(in: 1...30, using: &generator)
            // Quantized scores make ties common.
            func scores(_ count: Int) -> [Double] {
                (0..<count).map { _ in Double(Int.random(in: -4...4, using: &generator)) / 2 }
            }
            let i2t = try ScoreMatrix(rows: images, columns: texts, values: scores(images * texts))
            let t2i = try ScoreMatrix(rows: texts, columns: images, values: scores(texts * images))
            let imageOfText = (0..<texts).map { _ in Int.random(in: 0..<images, using: &generator) }
            let textsOfImage = (0..<images).map { image in (0..<texts).filter { imageOfText[$0] == image } }
            let result = try RetrievalRecall.evaluate(imageToText: i2t, textToImage: t2i,
                                                      textsOfImage: textsOfImage, imageOfText: imageOfText)
            for image in 0..<images {
                let order = descendingOrder(Array(i2t.row(image)))
                let expected = textsOfImage[image].map { text in order.firstIndex(of: text)! }.min()
                XCTAssertEqual(result.imageToTextRanks[image], expected)
            }
            for text in 0..<texts {
                let order = descendingOrder(Array(t2i.row(text)))
                XCTAssertEqual(result.textToImageRanks[text], order.firstIndex(of: imageOfText[text]))
            }
        }
    }

    /// `np.argsort(row, kind='stable')[::-1]`: ascending by (score, index), reversed.
    private func descendingOrder(_ row: [Double]) -> [Int] {
        row.indices.sorted { ($0 == $1) ? false : (row[$0] != row[$1] ? row[$0] < row[$1] : $0 < $1) }.reversed()
    }

    func testInvalidInputsAreRejected() throws {
        let square = try ScoreMatrix(rows: 2, columns: 2, values: [1, 2, 3, 4])
        let wide = try ScoreMatrix(rows: 2, columns: 3, values: [1, 2, 3, 4, 5, 6])
        let withNaN = try ScoreMatrix(rows: 2, columns: 2, values: [1, .nan, 3, 4])
        XCTAssertThrowsError(try RetrievalRecall.evaluate(imageToText: wide, textToImage: square,
                                                          textsOfImage: [[0], [1]], imageOfText: [0, 1]))
        XCTAssertThrowsError(try RetrievalRecall.evaluate(imageToText: square, textToImage: withNaN,
                                                          textsOfImage: [[0], [1]], imageOfText: [0, 1])) { error in
            XCTAssertEqual(error as? MetricError, .invalidInput("score_t2i has a NaN score at [0, 1]"))
        }
        XCTAssertThrowsError(try RetrievalRecall.evaluate(imageToText: square, textToImage: square,
                                                          textsOfImage: [[0], [2]], imageOfText: [0, 1]))
        XCTAssertThrowsError(try RetrievalRecall.evaluate(imageToText: square, textToImage: square,
                                                          textsOfImage: [[0], [1]], imageOfText: [0, -1]))
        XCTAssertThrowsError(try ScoreMatrix(rows: 2, columns: 2, values: [1, 2, 3]))
    }
}
