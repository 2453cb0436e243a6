import Foundation
import XCTest
import TestSupport

/// `mplug-eval vqa`: bad input exits 2 with one error line naming the file or question; the
/// synthetic set reproduces the official VQAEval accuracy.
final class VQACommandTests: CommandLineTestCase {
    /// Two open-ended questions in the official formats; returns (questions, annotations) paths.
    private func writeQuestionsAndAnnotations() throws -> (String, String) {
        let questions = try writeJSON(["task_type": "Open-Ended",
                                       "questions": [["question_id": 11, "image_id": 1, "question": "What animal is this?"],
                                                     ["question_id": 12, "image_id": 1, "question": "Is it sunny?"]]],
                                      to: "questions.json")
        func answers(_ text: String) -> [[String: Any]] { (1...10).map { ["answer": text, "answer_id": $0] } }
        let annotations = try writeJSON(["annotations": [
            ["question_id": 11, "image_id": 1, "question_type": "what animal is", "answer_type": "other", "answers": answers("dog")],
            ["question_id": 12, "image_id": 1, "question_type": "is it", "answer_type": "yes/no", "answers": answers("yes")],
        ]], to: "annotations.json")
        return (questions, annotations)
    }

    func testMissingQuestionsFileIsBadInputNamingThePath() throws {
        let (_, annotations) = try writeQuestionsAndAnnotations()
        let results = try writeJSON([["question_id": 11, "answer": "dog"], ["question_id": 12, "answer": "yes"]], to: "results.json")
        let missing = missingPath("questions.json")
        assertBadInput(try mplugEval("vqa", "--questions", missing, "--annotations", annotations, "--results", results), mentions: [missing])
    }

    func testMissingResultsFileIsBadInputNamingThePath() throws {
        let (questions, annotations) = try writeQuestionsAndAnnotations()
        let missing = missingPath("results.json")
        assertBadInput(try mplugEval("vqa", "--questions", questions, "--annotations", annotations, "--results", missing), mentions: [missing])
    }

    func testMalformedAnnotationsJSONIsBadInputNamingTheFile() throws {
        let (questions, _) = try writeQuestionsAndAnnotations()
        let annotations = try write("{\"annotations\": [{\"question_id\": 11,}]}", to: "broken-annotations.json")
        let results = try writeJSON([["question_id": 11, "answer": "dog"]], to: "results.json")
        assertBadInput(try mplugEval("vqa", "--questions", questions, "--annotations", annotations, "--results", results),
                       mentions: ["broken-annotations.json"])
    }

    func testResultForAnUnknownQuestionIsBadInputNamingTheQuestion() throws {
        let (questions, annotations) = try writeQuestionsAndAnnotations()
        let results = try writeJSON([["question_id": 11, "answer": "dog"], ["question_id": 12, "answer": "yes"],
                                     ["question_id": 99, "answer": "cat"]], to: "results.json")
        assertBadInput(try mplugEval("vqa", "--questions", questions, "--annotations", annotations, "--results", results),
                       mentions: ["results.json", "99"])
    }

    func testMissingAnswerForAnAnnotatedQuestionIsBadInput() throws {
        let (questions, annotations) = try writeQuestionsAndAnnotations()
        let results = try writeJSON([["question_id": 11, "answer": "dog"]], to: "results.json")
        assertBadInput(try mplugEval("vqa", "--questions", questions, "--annotations", annotations, "--results", results),
                       mentions: ["results.json", "12"])
    }

    func testWrongSchemaOfResultsIsBadInputNamingTheFile() throws {
        let (questions, annotations) = try writeQuestionsAndAnnotations()
        let results = try writeJSON(["11": "dog", "12": "yes"], to: "results-object.json")
        assertBadInput(try mplugEval("vqa", "--questions", questions, "--annotations", annotations, "--results", results),
                       mentions: ["results-object.json"])
    }

    func testNeitherResultsNorCheckpointIsBadInput() throws {
        let (questions, annotations) = try writeQuestionsAndAnnotations()
        assertBadInput(try mplugEval("vqa", "--questions", questions, "--annotations", annotations), mentions: ["--results"])
    }

    /// The synthetic 2000-question set: overall accuracy as VQAEval rounds it (expected.json), to
    /// 1e-9 in the JSON report and as printed in the table.
    func testSyntheticSetReproducesTheOfficialAccuracy() throws {
        let set = Fixtures.url("vqa/synthetic_2000")
        let json = temporaryDirectory.appendingPathComponent("vqa.json")
        let run = try mplugEval("vqa", "--questions", set.appendingPathComponent("questions.json").path,
                                "--annotations", set.appendingPathComponent("annotations.json").path,
                                "--results", set.appendingPathComponent("results.json").path, "--json", json.path)
        assertSuccess(run)
        let expected = try XCTUnwrap(((Fixtures.json("vqa/synthetic_2000/expected.json") as? [String: Any])?["accuracy"] as? [String: Any])?["overall"] as? Double)
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        let overall = try XCTUnwrap((document["accuracy"] as? [String: Any])?["overall"] as? Double)
        XCTAssertTrue(isClose(overall, expected, rel: 1e-9), "\(overall) vs \(expected)")
        XCTAssertTrue(run.standardOutput.contains("\(expected)"), run.standardOutput)
    }
}
