import Foundation
import XCTest
import DataIO
import Metrics
import MPLUGModel
import TestSupport
@testable import EvalTasks

/// VQA answering on the tiny golden model (config A): answers equal the official beam search
/// (golden_meta.json generation_f64.vqa_beam, hypothesis 0, decoded officially) and `rank_answer`
/// (rank_topk_ids), and the VQA runner scores them.
final class VQAGenerationTests: TemporaryDirectoryTestCase {
    private let golden = Fixtures.url("model/config_A_stride2")
    private var meta: [String: Any] { (try? Fixtures.json("model/config_A_stride2/golden_meta.json")) as? [String: Any] ?? [:] }

    private func loadModel() throws -> (MPLUGModel, WordPieceTokenizer) {
        try ModelSource(checkpoint: golden.appendingPathComponent("weights.pth"),
                        configuration: .flat(golden.appendingPathComponent("config.json")),
                        vocabulary: golden.appendingPathComponent("vocab.txt")).load(parts: .vqa)
    }

    /// Golden image 0 as COCO-named image 7, golden image 1 as `12.png`; the two golden questions
    /// (raw text) as questions 70 (image 7) and 120 (image 12).
    private func writeInputs(imageOfSecondQuestion: Int = 12) throws -> (questions: URL, images: URL) {
        let images = directory.appendingPathComponent("images")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: golden.appendingPathComponent("image0.png"),
                                         to: images.appendingPathComponent("COCO_val2014_000000000007.png"))
        try FileManager.default.copyItem(at: golden.appendingPathComponent("image1.png"), to: images.appendingPathComponent("12.png"))
        let texts = try XCTUnwrap(meta["texts"] as? [String: Any])
        let raw = try XCTUnwrap(texts["raw_questions (tokenised as-is, no pre_question)"] as? [String])
        let questions: JSONValue = .object(["questions": .array([
            .object(["image_id": .int(7), "question": .string(raw[0]), "question_id": .int(70)]),
            .object(["image_id": .int(Int64(imageOfSecondQuestion)), "question": .string(raw[1]), "question_id": .int(120)]),
        ])])
        let url = directory.appendingPathComponent("questions.json")
        try questions.write(to: url)
        return (url, images)
    }

    func testGeneratedAnswersEqualTheOfficialBeamSearchAndAreScored() throws {
        let (model, tokenizer) = try loadModel()
        let (questions, images) = try writeInputs()
        let answers = try VQAGeneration.answer(VQAGeneration.readQuestions(questions, images: images), model: model, tokenizer: tokenizer)
        let beams = try XCTUnwrap((meta["generation_f64"] as? [String: Any])?["vqa_beam"] as? [[[String: Any]]])
        let expected = try beams.map { tokenizer.decode(try XCTUnwrap($0[0]["ids"] as? [Int])) }
        XCTAssertEqual(answers, [.init(questionID: 70, answer: expected[0]), .init(questionID: 120, answer: expected[1])])
        XCTAssertFalse(expected.contains { $0.isEmpty || $0.contains("[CLS]") })

        // Question 70's ten annotators all gave the generated answer, question 120's all "two": 100 and 0.
        func annotation(_ id: Int64, _ answer: String) -> JSONValue {
            .object(["question_id": .int(id), "question_type": .string("what"), "answer_type": .string("other"),
                     "answers": .array((1...10).map { .object(["answer": .string(answer), "answer_id": .int(Int64($0))]) })])
        }
        let annotations = directory.appendingPathComponent("annotations.json")
        try JSONValue.object(["annotations": .array([annotation(70, expected[0]), annotation(120, "two")])]).write(to: annotations)
        let result = try VQATask.run(questions: questions, annotations: annotations,
                                     results: VQAGeneration.resultsJSON(answers), resultsName: "generated")
        XCTAssertEqual(result.questions.map(\.percent), [100, 0])
        XCTAssertEqual(result.overall, 50)
    }

    func testRankedAnswersEqualTheOfficialRankAnswer() throws {
        let (model, tokenizer) = try loadModel()
        let (questions, images) = try writeInputs()
        let texts = try XCTUnwrap(meta["texts"] as? [String: Any])
        let list = try XCTUnwrap(texts["answer_list (+ '[SEP]')"] as? [String]).map { String($0.dropLast("[SEP]".count)) }
        let k = try XCTUnwrap(meta["rank_answer_k"] as? Int)
        let answers = try VQAGeneration.answer(VQAGeneration.readQuestions(questions, images: images), model: model,
                                               tokenizer: tokenizer, answering: .rank(candidates: list, k: k))
        let top = try SafeTensors.read(golden.appendingPathComponent("outputs_f64.safetensors"))["rank_topk_ids"]!.int64s()
        XCTAssertEqual(answers.map(\.answer), [list[Int(top[0])], list[Int(top[k])]])
    }

    func testMissingImageIsAClearError() throws {
        let (questions, images) = try writeInputs(imageOfSecondQuestion: 99)
        XCTAssertThrowsError(try VQAGeneration.readQuestions(questions, images: images)) { error in
            let message = String(describing: error)
            XCTAssertTrue(message.contains("question 120") && message.contains("needs image 99"), message)
        }
    }
}
