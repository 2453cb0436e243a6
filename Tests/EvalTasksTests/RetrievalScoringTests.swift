import Foundation
import XCTest
import DataIO
import Metrics
import MPLUGModel
import TensorMath
import TestSupport
@testable import EvalTasks

/// Retrieval scoring on the tiny golden model (config A, 2 images × 3 captions, k_test from
/// golden_meta.json): the score matrices equal the official evaluation's (outputs_f64.safetensors
/// `retrieval_score_i2t` / `retrieval_score_t2i`, `itc_sim`) within 1e-4, and recall follows them.
final class RetrievalScoringTests: TemporaryDirectoryTestCase {
    private let golden = Fixtures.url("model/config_A_stride2")

    private func rawCaptions() throws -> [String] {
        let meta = try XCTUnwrap(Fixtures.json("model/config_A_stride2/golden_meta.json") as? [String: Any])
        return try XCTUnwrap((meta["texts"] as? [String: Any])?["raw_captions"] as? [String])
    }

    private func writeImages() throws -> URL {
        let images = directory.appendingPathComponent("images")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        for i in 0..<2 {
            try FileManager.default.copyItem(at: golden.appendingPathComponent("image\(i).png"),
                                             to: images.appendingPathComponent("image\(i).png"))
        }
        return images
    }

    /// Both annotation layouts give `re_eval_dataset`'s order and mapping; captions get `pre_caption(·, 30)`.
    func testReadsTheOfficialAndTheCOCOCaptionLayouts() throws {
        let raw = try rawCaptions(), images = try writeImages()
        // Official layout; "val/image0.png" does not exist under images/ and is found by its file name.
        let official = directory.appendingPathComponent("re_test.json")
        try JSONValue.array([
            .object(["image": .string("val/image0.png"), "caption": .array([.string(raw[0]), .string(raw[2])])]),
            .object(["image": .string("image1.png"), "caption": .array([.string(raw[1])])]),
        ]).write(to: official)
        let a = try RetrievalScoring.readDataset(captions: official, images: images)
        XCTAssertEqual(a.images.map(\.lastPathComponent), ["image0.png", "image1.png"])
        XCTAssertEqual(a.texts, [raw[0], raw[2], raw[1]].map { CaptionNormalization.preCaption($0, maxWords: 30) })
        XCTAssertEqual(a.textsOfImage, [[0, 1], [2]])
        XCTAssertEqual(a.imageOfText, [0, 0, 1])

        // COCO captions without "images": image ids found in the directory (image0.png is image 0).
        let coco = directory.appendingPathComponent("captions_coco.json")
        try cocoCaptions(raw, declareImages: false).write(to: coco)
        let b = try RetrievalScoring.readDataset(captions: coco, images: images)
        XCTAssertEqual(b.texts, raw.map { CaptionNormalization.preCaption($0, maxWords: 30) })
        XCTAssertEqual(b.textsOfImage, [[0, 2], [1]])
        XCTAssertEqual(b.imageOfText, [0, 1, 0])

        try JSONValue.array([.object(["image": .string("missing.png"), "caption": .array([.string("x")])])]).write(to: official)
        XCTAssertThrowsError(try RetrievalScoring.readDataset(captions: official, images: images)) { error in
            XCTAssertTrue(String(describing: error).contains("missing.png"), "\(error)")
        }
    }

    /// Golden pairing: caption 0 ↔ image 0, 1 ↔ 1, 2 ↔ 0, in annotation order.
    private func cocoCaptions(_ raw: [String], declareImages: Bool) -> JSONValue {
        var document: [String: JSONValue] = ["annotations": .array(zip([0, 1, 0], raw).enumerated().map { index, pair in
            .object(["id": .int(Int64(index)), "image_id": .int(Int64(pair.0)), "caption": .string(pair.1)])
        })]
        if declareImages {
            document["images"] = .array((0..<2).map { .object(["id": .int(Int64($0)), "file_name": .string("image\($0).png")]) })
        }
        return .object(document)
    }

    func testScoresEqualTheOfficialEvaluationAndRecallFollows() throws {
        let images = try writeImages()
        let captions = directory.appendingPathComponent("captions_coco.json")
        try cocoCaptions(try rawCaptions(), declareImages: true).write(to: captions)
        let dataset = try RetrievalScoring.readDataset(captions: captions, images: images)
        let (model, tokenizer) = try ModelSource(checkpoint: golden.appendingPathComponent("weights.pth"),
                                                 configuration: .flat(golden.appendingPathComponent("config.json")),
                                                 vocabulary: golden.appendingPathComponent("vocab.txt")).load(parts: .retrieval)
        let meta = try XCTUnwrap(Fixtures.json("model/config_A_stride2/golden_meta.json") as? [String: Any])
        let k = try XCTUnwrap(meta["k_test"] as? Int)
        let scores = try RetrievalScoring.score(dataset, model: model, tokenizer: tokenizer, k: k)

        let reference = try SafeTensors.read(golden.appendingPathComponent("outputs_f64.safetensors"))
        for (name, actual, shape) in [("itc_sim", scores.similarity, [2, 3]), ("retrieval_score_i2t", scores.i2t, [2, 3]),
                                      ("retrieval_score_t2i", scores.t2i, [3, 2])] {
            let expected = try XCTUnwrap(reference[name])
            XCTAssertEqual(actual.shape, shape, name)
            XCTAssertEqual(expected.shape, shape, name)
            XCTAssertLessThanOrEqual(maxAbsDifference(actual.storage, expected.doubles()), 1e-4, name)
        }
        // k = 2 of 3 texts per image: exactly one −100 per i2t row; k covers both images per text.
        XCTAssertEqual(scores.i2t.storage.filter { $0 == -100 }.count, 2)
        XCTAssertFalse(scores.t2i.storage.contains(-100))

        let result = try RetrievalScoring.recall(i2t: scores.i2t, t2i: scores.t2i, dataset: dataset)
        let expected = try RetrievalRecall.evaluate(
            imageToText: ScoreMatrix(rows: 2, columns: 3, values: reference["retrieval_score_i2t"]!.doubles()),
            textToImage: ScoreMatrix(rows: 3, columns: 2, values: reference["retrieval_score_t2i"]!.doubles()),
            textsOfImage: dataset.textsOfImage, imageOfText: dataset.imageOfText)
        XCTAssertEqual(result, expected)

        // The saved files score the same through the file-based runner.
        let saved = directory.appendingPathComponent("scores")
        try RetrievalScoring.save(i2t: scores.i2t, t2i: scores.t2i, dataset: dataset, to: saved)
        let reread = try RetrievalTask.run(scoresImageToText: saved.appendingPathComponent("score_i2t.npy"),
                                           scoresTextToImage: saved.appendingPathComponent("score_t2i.npy"),
                                           mapping: saved.appendingPathComponent("MAP.json"))
        XCTAssertEqual(reread, result)
    }
}
