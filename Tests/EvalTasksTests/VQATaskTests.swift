import XCTest
import Foundation
import EvalTasks
import Metrics
import TestSupport

/// The VQA task end to end against the golden `expected.json` of both public sets
/// (official GT-Vision-Lab/VQA evaluation, Python 3 port). Rounded values exact,
/// unrounded within rel 1e-12 (golden README, "Recommended tolerances").
final class VQATaskTests: TemporaryDirectoryTestCase {
    private func runReport(_ set: String) throws -> [String: Any] {
        let result = try VQATask.run(questions: Fixtures.url("vqa/\(set)/questions.json"),
                                     annotations: Fixtures.url("vqa/\(set)/annotations.json"),
                                     results: Fixtures.url("vqa/\(set)/results.json"))
        // Go through the written document, so the report's JSON is what is checked.
        let object = try ExactJSON.parse(VQATask.report(result).encoded())
        return try XCTUnwrap(object as? [String: Any])
    }

    private func checkSet(_ set: String) throws {
        let report = try runReport(set)
        let expected = try XCTUnwrap(ExactJSON.fixture("vqa/\(set)/expected.json") as? [String: Any])
        XCTAssertEqual(report["schema"] as? String, "mplug-eval.vqa/1")

        // Rounded values: exact.
        let accuracy = try XCTUnwrap(report["accuracy"] as? [String: Any])
        let expectedAccuracy = try XCTUnwrap(expected["accuracy"] as? [String: Any])
        XCTAssertEqual(accuracy["overall"] as? Double, expectedAccuracy["overall"] as? Double, set)
        for key in ["perQuestionType", "perAnswerType"] {
            XCTAssertEqual(accuracy[key] as? [String: Double], expectedAccuracy[key] as? [String: Double], "\(set) \(key)")
        }
        for key in ["evalQA", "evalQuesType", "evalAnsType"] {
            XCTAssertEqual(report[key] as? NSDictionary, expected[key] as? NSDictionary, "\(set) \(key)")
        }
        let evalQA = try XCTUnwrap(report["evalQA"] as? [String: Double])
        XCTAssertEqual(evalQA.count, 2000)

        // Unrounded values: rel 1e-12.
        let unrounded = try XCTUnwrap(report["accuracy_unrounded"] as? [String: Any])
        let expectedUnrounded = try XCTUnwrap(expected["accuracy_unrounded"] as? [String: Any])
        XCTAssertTrue(isClose(try XCTUnwrap(unrounded["overall"] as? Double),
                              try XCTUnwrap(expectedUnrounded["overall"] as? Double), rel: 1e-12))
        for key in ["perQuestionType", "perAnswerType"] {
            let actual = try XCTUnwrap(unrounded[key] as? [String: Double])
            let reference = try XCTUnwrap(expectedUnrounded[key] as? [String: Double])
            XCTAssertEqual(Set(actual.keys), Set(reference.keys), "\(set) \(key)")
            for (type, value) in reference {
                XCTAssertTrue(isClose(actual[type] ?? .nan, value, rel: 1e-12), "\(set) \(key) \(type): \(actual[type] ?? .nan) vs \(value)")
            }
        }

        // Per question: every field.
        let questions = try XCTUnwrap(report["per_question"] as? [[String: Any]])
        let expectedQuestions = try XCTUnwrap(expected["per_question"] as? [[String: Any]])
        XCTAssertEqual(questions.count, expectedQuestions.count)
        var mismatches = 0
        for (actual, reference) in zip(questions, expectedQuestions) {
            let sameText = { (key: String) -> Bool in
                (actual[key] as? String).map { Array($0.unicodeScalars) } == (reference[key] as? String).map { Array($0.unicodeScalars) }
            }
            let sameAnswers = (actual["gt_processed"] as? [String])?.map { Array($0.unicodeScalars) }
                == (reference["gt_processed"] as? [String])?.map { Array($0.unicodeScalars) }
            let ok = (actual["question_id"] as? Int64) == (reference["question_id"] as? Int64)
                && sameText("question_type") && sameText("answer_type") && sameText("pred_processed") && sameAnswers
                && (actual["normalization_applied"] as? Bool) == (reference["normalization_applied"] as? Bool)
                && (actual["acc"] as? Double) == (reference["acc"] as? Double)
                && isClose(actual["acc_unrounded"] as? Double ?? .nan, reference["acc_unrounded"] as? Double ?? 0, rel: 1e-12, abs: 1e-12)
            if !ok {
                mismatches += 1
                if mismatches <= 5 { XCTFail("\(set): got \(actual), expected \(reference)") }
            }
        }
        XCTAssertEqual(mismatches, 0, "\(set): \(mismatches) questions differ")
    }

    func testRealVQAv2Sample() throws { try checkSet("real_vqav2_valid_2000") }

    func testSyntheticMessyAnswers() throws { try checkSet("synthetic_2000") }

    // MARK: Bad input

    private let questions = #"{"task_type": "Open-Ended", "questions": [{"image_id": 1, "question": "?", "question_id": 10}, {"image_id": 1, "question": "?", "question_id": 11}]}"#
    private func annotation(_ id: Int) -> String {
        let answers = (1...10).map { #"{"answer": "yes", "answer_confidence": "yes", "answer_id": \#($0)}"# }.joined(separator: ", ")
        return #"{"question_type": "is", "answer_type": "yes/no", "image_id": 1, "question_id": \#(id), "answers": [\#(answers)]}"#
    }

    /// Runs the task on the given file contents and returns the error message (or "no error").
    private func errorMessage(questions: String? = nil, annotations: String? = nil, results: String) -> String {
        let files = [("q.json", questions ?? self.questions),
                     ("a.json", annotations ?? #"{"annotations": [\#(annotation(10)), \#(annotation(11))]}"#),
                     ("r.json", results)]
        for (name, text) in files { try? Data(text.utf8).write(to: directory.appendingPathComponent(name)) }
        do {
            _ = try VQATask.run(questions: directory.appendingPathComponent("q.json"),
                                annotations: directory.appendingPathComponent("a.json"),
                                results: directory.appendingPathComponent("r.json"))
            return "no error"
        } catch let error as TaskError {
            return error.description
        } catch {
            return "unexpected \(error)"
        }
    }

    func testValidSmallSetRuns() {
        XCTAssertEqual(errorMessage(results: #"[{"question_id": 10, "answer": "yes"}, {"question_id": 11, "answer": "no"}]"#), "no error")
    }

    func testResultForAnUnknownQuestion() {
        let message = errorMessage(results: #"[{"question_id": 10, "answer": "yes"}, {"question_id": 11, "answer": "no"}, {"question_id": 99, "answer": "no"}]"#)
        XCTAssertTrue(message.contains("question 99 is not in"), message)
    }

    func testDuplicateResultAndAnnotationIds() {
        let duplicateResult = errorMessage(results: #"[{"question_id": 10, "answer": "yes"}, {"question_id": 10, "answer": "no"}, {"question_id": 11, "answer": "no"}]"#)
        XCTAssertTrue(duplicateResult.contains("question 10 has more than one result"), duplicateResult)
        let duplicateAnnotation = errorMessage(annotations: #"{"annotations": [\#(annotation(10)), \#(annotation(10))]}"#,
                                               results: #"[{"question_id": 10, "answer": "yes"}]"#)
        XCTAssertTrue(duplicateAnnotation.contains("question 10 is annotated twice"), duplicateAnnotation)
    }

    func testMissingResults() {
        let message = errorMessage(results: #"[{"question_id": 11, "answer": "no"}]"#)
        XCTAssertTrue(message.contains("no result for 1 annotated question(s), the first is 10"), message)
    }

    func testMalformedJSONAndWrongTypes() {
        let malformed = errorMessage(results: #"[{"question_id": 10, "answer": "yes"}"#)
        XCTAssertTrue(malformed.contains("r.json: malformed JSON"), malformed)
        let notString = errorMessage(results: #"[{"question_id": 10, "answer": 3}, {"question_id": 11, "answer": "no"}]"#)
        XCTAssertTrue(notString.contains("\"answer\" must be a string"), notString)
        let stringID = errorMessage(results: #"[{"question_id": "10", "answer": "yes"}, {"question_id": 11, "answer": "no"}]"#)
        XCTAssertTrue(stringID.contains("needs an integer \"question_id\""), stringID)
        let notArray = errorMessage(results: #"{"10": "yes"}"#)
        XCTAssertTrue(notArray.contains("results must be an array"), notArray)
    }

    func testMultipleChoiceAnswersMustBeChoices() {
        let mc = #"{"task_type": "Multiple Choice", "questions": [{"question_id": 10, "multiple_choices": ["yes", "no"]}, {"question_id": 11, "multiple_choices": ["yes", "no"]}]}"#
        let message = errorMessage(questions: mc, results: #"[{"question_id": 10, "answer": "yes"}, {"question_id": 11, "answer": "maybe"}]"#)
        XCTAssertTrue(message.contains("not one of its multiple choices"), message)
    }

    func testMissingFile() {
        XCTAssertThrowsError(try VQATask.run(questions: directory.appendingPathComponent("none.json"),
                                             annotations: directory.appendingPathComponent("none.json"),
                                             results: directory.appendingPathComponent("none.json"))) { error in
            XCTAssertTrue("\(error)".contains("none.json: cannot read the file"), "\(error)")
        }
    }
}
