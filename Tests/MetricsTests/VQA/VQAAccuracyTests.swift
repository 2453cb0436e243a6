import XCTest
import Metrics

/// Hand-checked cases of the official per-question accuracy (GT-Vision-Lab/VQA `VQAEval.evaluate`).
/// The full golden sets are checked end to end in `EvalTasksTests/VQATaskTests`.
final class VQAAccuracyTests: XCTestCase {
    private func question(_ answers: [String], prediction: String, ids: [Int]? = nil,
                          type: String = "what", answerType: String = "other", id: Int64 = 1) -> VQAQuestionInput {
        let fieldIDs = ids ?? answers.indices.map { $0 + 1 }
        return VQAQuestionInput(
            questionID: id, questionType: type, answerType: answerType,
            groundTruth: zip(answers, fieldIDs).map { VQAGroundTruthAnswer(answer: $0, otherFields: "{id:\($1)}") },
            prediction: prediction)
    }

    func testMatchesAmongOtherAnswersCappedAtThree() throws {
        // 2 of 10 humans said "dog": for those two, 1 other match (1/3); for the 8 others, 2 (2/3).
        let score = try VQAAccuracy.score(question(["dog", "dog"] + Array(repeating: "cat", count: 8), prediction: "dog"))
        XCTAssertEqual(score.accuracy, 0.6, accuracy: 1e-15)
        XCTAssertEqual(score.roundedPercent, 60.0)
        // 4 matches: every answer has at least 3 other matches.
        let full = try VQAAccuracy.score(question(Array(repeating: "dog", count: 4) + Array(repeating: "cat", count: 6),
                                                  prediction: "Dog."))
        XCTAssertEqual(full.accuracy, 1.0)
        XCTAssertTrue(full.normalizationApplied)
        XCTAssertEqual(full.processedPrediction, "dog")
    }

    func testIdenticalGroundTruthDisablesNormalization() throws {
        let raw = try VQAAccuracy.score(question(Array(repeating: "yes", count: 10), prediction: "YES"))
        XCTAssertFalse(raw.normalizationApplied)
        XCTAssertEqual(raw.accuracy, 0)
        // Stripping still happens.
        let stripped = try VQAAccuracy.score(question(Array(repeating: "yes", count: 10), prediction: " yes\n"))
        XCTAssertEqual(stripped.accuracy, 1)
    }

    func testDuplicatedAnswerDictsAreRemovedTogether() throws {
        // Answers 1 and 2 are the same dict ("dog", id 1): for each, the other answers exclude both.
        let answers = ["dog", "dog", "dog", "dog"] + Array(repeating: "cat", count: 6)
        let duplicated = try VQAAccuracy.score(question(answers, prediction: "dog", ids: [1, 1, 3, 4, 5, 6, 7, 8, 9, 10]))
        // Dicts 1,2: 2 other matches (2/3); dicts 3,4: 3 other matches (1); cats: 4 (1).
        XCTAssertEqual(duplicated.accuracy, (2 * (2.0 / 3) + 8 * 1.0) / 10, accuracy: 1e-15)
        // The dicts are compared after normalization: "Dog" and "dog." become the same dict.
        let afterNormalization = try VQAAccuracy.score(question(["Dog", "dog.", "cat", "cat"], prediction: "dog",
                                                                ids: [1, 1, 2, 3]))
        XCTAssertEqual(afterNormalization.accuracy, 1.0 / 3, accuracy: 1e-15)
    }

    func testAggregatesAreSumsInOrderThenRounded() throws {
        let result = try VQAAccuracy.evaluate([
            question(Array(repeating: "yes", count: 10), prediction: "yes", type: "is", answerType: "yes/no", id: 1),
            question(["2", "2", "3"] + Array(repeating: "4", count: 7), prediction: "two", type: "how many",
                     answerType: "number", id: 2),
            question(Array(repeating: "no", count: 10), prediction: "yes", type: "is", answerType: "yes/no", id: 3),
        ])
        let second = (2 * (1.0 / 3) + 8 * (2.0 / 3)) / 10
        XCTAssertEqual(result.overall, 100 * (1 + second + 0) / 3, accuracy: 1e-12)
        XCTAssertEqual(result.roundedOverall, 53.33)
        XCTAssertEqual(result.perAnswerType["yes/no"], 50)
        XCTAssertEqual(result.roundedPerQuestionType["how many"], 60)
        XCTAssertEqual(result.itemIDs, ["1", "2", "3"])
        XCTAssertEqual(result.corpusScores(over: [0, 0, 2])["overall"]!, 100 * 2.0 / 3, accuracy: 1e-12)
    }

    func testQuestionWithoutAnswersIsAnError() {
        XCTAssertThrowsError(try VQAAccuracy.score(question([], prediction: "x"))) { error in
            XCTAssertEqual(error as? MetricError, .invalidInput("question 1 has no ground-truth answers"))
        }
    }
}
