import Foundation
import Metrics

/// The VQA evaluation task: official-format files in, the official accuracy and a report out.
///
/// Follows `vqa = VQA(annotations, questions); res = vqa.loadRes(results, questions);
/// VQAEval(vqa, res, n=2).evaluate()` of GT-Vision-Lab/VQA. Questions are evaluated in annotation
/// order. `loadRes` asserts that the result question ids equal the annotated ones as sets; here
/// the same condition is checked with a precise message, and duplicate ids (which the reference
/// silently overwrites) are rejected too.
public enum VQATask {
    /// The report's `schema` value.
    public static let schema = "mplug-eval.vqa/1"

    /// Reads the three files, validates them against each other and scores every question.
    /// - Parameters:
    ///   - questions: `questions.json`, `{task_type, questions: [{image_id, question, question_id}]}`.
    ///   - annotations: `annotations.json`, `{annotations: [{question_id, question_type, answer_type, answers: [{answer, …}]}]}`.
    ///   - results: `results.json`, `[{question_id, answer}]`.
    /// - Throws: `TaskError.badInput` naming the file and the question.
    public static func run(questions: URL, annotations: URL, results: URL) throws -> VQAAccuracyResult {
        try run(questions: questions, annotations: annotations, results: try JSONValue.read(results), resultsName: results.path)
    }

    /// As `run(questions:annotations:results:)` with the results already in memory (e.g. just
    /// generated); `resultsName` labels them in error messages.
    public static func run(questions: URL, annotations: URL, results: JSONValue, resultsName: String) throws -> VQAAccuracyResult {
        let questionFile = try VQAQuestionFile(try JSONValue.read(questions), name: questions.path)
        let annotated = try readAnnotations(try JSONValue.read(annotations), name: annotations.path)
        let predictions = try readResults(results, name: resultsName,
                                          annotated: annotated, annotationsName: annotations.path)
        if questionFile.isMultipleChoice {
            try questionFile.checkMultipleChoice(predictions, resultsName: resultsName)
        }
        let inputs = annotated.map { annotation in
            VQAQuestionInput(questionID: annotation.questionID, questionType: annotation.questionType,
                             answerType: annotation.answerType, groundTruth: annotation.answers,
                             prediction: predictions[annotation.questionID] ?? "")
        }
        do {
            return try VQAAccuracy.evaluate(inputs)
        } catch let error as MetricError {
            throw TaskError.badInput("\(annotations.path): \(error)")
        }
    }

    /// The JSON report: `accuracy` (rounded as `VQAEval.accuracy` holds it), `accuracy_unrounded`,
    /// `evalQA`, `evalQuesType`, `evalAnsType` (rounded, keyed by question id) and `per_question`,
    /// the layout of the golden `expected.json`.
    public static func report(_ result: VQAAccuracyResult) -> JSONValue {
        func numbers(_ values: [String: Double]) -> JSONValue { .object(values.mapValues { .double($0) }) }
        func byQuestion(_ scores: [VQAQuestionScore]) -> JSONValue {
            .object(Dictionary(scores.map { (String($0.questionID), JSONValue.double($0.roundedPercent)) },
                               uniquingKeysWith: { first, _ in first }))
        }
        let perQuestion: [JSONValue] = result.questions.map { score in
            .object([
                "question_id": .int(score.questionID),
                "question_type": .string(score.questionType),
                "answer_type": .string(score.answerType),
                "normalization_applied": .bool(score.normalizationApplied),
                "pred_processed": .string(score.processedPrediction),
                "gt_processed": .array(score.processedGroundTruth.map { .string($0) }),
                "acc": .double(score.roundedPercent),
                "acc_unrounded": .double(score.percent),
            ])
        }
        return .object([
            "schema": .string(schema),
            "accuracy": .object([
                "overall": .double(result.roundedOverall),
                "perQuestionType": numbers(result.roundedPerQuestionType),
                "perAnswerType": numbers(result.roundedPerAnswerType),
            ]),
            "accuracy_unrounded": .object([
                "overall": .double(result.overall),
                "perQuestionType": numbers(result.perQuestionType),
                "perAnswerType": numbers(result.perAnswerType),
            ]),
            "evalQA": byQuestion(result.questions),
            "evalQuesType": .object(Dictionary(grouping: result.questions, by: \.questionType).mapValues(byQuestion)),
            "evalAnsType": .object(Dictionary(grouping: result.questions, by: \.answerType).mapValues(byQuestion)),
            "per_question": .array(perQuestion),
        ])
    }

    // MARK: Reading the files

    struct Annotation {
        var questionID: Int64
        var questionType: String
        var answerType: String
        var answers: [VQAGroundTruthAnswer]
    }

    static func readAnnotations(_ json: JSONValue, name: String) throws -> [Annotation] {
        guard let items = json["annotations"]?.arrayValue else {
            throw TaskError.badInput("\(name): expected an object with an \"annotations\" array")
        }
        var seen = Set<Int64>()
        return try items.enumerated().map { index, item in
            let label = "\(name): annotation \(index)"
            let id = try questionID(item, label: label)
            guard seen.insert(id).inserted else {
                throw TaskError.badInput("\(name): question \(id) is annotated twice")
            }
            guard let questionType = item["question_type"]?.stringValue,
                  let answerType = item["answer_type"]?.stringValue else {
                throw TaskError.badInput("\(label) (question \(id)): question_type and answer_type must be strings")
            }
            guard let answerItems = item["answers"]?.arrayValue, !answerItems.isEmpty else {
                throw TaskError.badInput("\(label) (question \(id)): \"answers\" must be a non-empty array")
            }
            let answers = try answerItems.map { answer -> VQAGroundTruthAnswer in
                guard var fields = answer.objectValue, let text = fields.removeValue(forKey: "answer")?.stringValue else {
                    throw TaskError.badInput("\(label) (question \(id)): every answer must be an object with a string \"answer\"")
                }
                return VQAGroundTruthAnswer(answer: text, otherFields: pythonEqualityKey(.object(fields)))
            }
            return Annotation(questionID: id, questionType: questionType, answerType: answerType, answers: answers)
        }
    }

    /// Reads `results.json` and checks it covers exactly the annotated questions, once each.
    static func readResults(_ json: JSONValue, name: String, annotated: [Annotation],
                            annotationsName: String) throws -> [Int64: String] {
        guard let items = json.arrayValue else {
            throw TaskError.badInput("\(name): results must be an array of {question_id, answer} objects")
        }
        let known = Set(annotated.map(\.questionID))
        var answers: [Int64: String] = [:]
        for (index, item) in items.enumerated() {
            let label = "\(name): result \(index)"
            let id = try questionID(item, label: label)
            guard let answer = item["answer"]?.stringValue else {
                throw TaskError.badInput("\(label) (question \(id)): \"answer\" must be a string")
            }
            guard known.contains(id) else {
                throw TaskError.badInput("\(label): question \(id) is not in \(annotationsName)")
            }
            guard answers.updateValue(answer, forKey: id) == nil else {
                throw TaskError.badInput("\(name): question \(id) has more than one result")
            }
        }
        let missing = annotated.filter { answers[$0.questionID] == nil }
        if let first = missing.first {
            throw TaskError.badInput("\(name): no result for \(missing.count) annotated question(s), the first is \(first.questionID)")
        }
        return answers
    }

    static func questionID(_ item: JSONValue, label: String) throws -> Int64 {
        guard item.objectValue != nil else { throw TaskError.badInput("\(label) must be an object, not \(item.typeDescription)") }
        guard let id = item["question_id"]?.int64Value else {
            throw TaskError.badInput("\(label) needs an integer \"question_id\"")
        }
        return id
    }

    /// A canonical string for a JSON value such that two values give the same string exactly when
    /// Python's `==` holds for the values `json.load` makes of them: object keys sorted, `true`/`1`
    /// and `1`/`1.0` alike (Python's `True == 1 == 1.0`), strings by code point.
    static func pythonEqualityKey(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case let .bool(flag): return flag ? "1" : "0"
        case let .int(number): return String(number)
        case let .double(number):
            if let exact = Int64(exactly: number) { return String(exact) }
            return "\(number)"
        case let .string(text):
            return "\"" + text.unicodeScalars.map { "\\u{\(String($0.value, radix: 16))}" }.joined() + "\""
        case let .array(items): return "[" + items.map(pythonEqualityKey).joined(separator: ",") + "]"
        case let .object(members):
            let sorted = members.sorted { $0.key.unicodeScalars.lexicographicallyPrecedes($1.key.unicodeScalars) }
            return "{" + sorted.map { pythonEqualityKey(.string($0.key)) + ":" + pythonEqualityKey($0.value) }
                .joined(separator: ",") + "}"
        }
    }
}

/// What the VQA task needs from `questions.json`: its task type and, for multiple choice, the choices.
struct VQAQuestionFile {
    var isMultipleChoice: Bool
    var choices: [Int64: [String]]

    init(_ json: JSONValue, name: String) throws {
        guard let questions = json["questions"]?.arrayValue else {
            throw TaskError.badInput("\(name): expected an object with a \"questions\" array")
        }
        isMultipleChoice = json["task_type"]?.stringValue == "Multiple Choice"
        choices = [:]
        var seen = Set<Int64>()
        for (index, question) in questions.enumerated() {
            let id = try VQATask.questionID(question, label: "\(name): question \(index)")
            guard seen.insert(id).inserted else {
                throw TaskError.badInput("\(name): question \(id) appears twice")
            }
            if isMultipleChoice {
                choices[id] = question["multiple_choices"]?.arrayValue?.compactMap(\.stringValue) ?? []
            }
        }
    }

    /// `loadRes`'s multiple-choice assertion: each predicted answer is one of its question's choices.
    func checkMultipleChoice(_ predictions: [Int64: String], resultsName: String) throws {
        for (id, answer) in predictions.sorted(by: { $0.key < $1.key }) {
            guard let options = choices[id] else {
                throw TaskError.badInput("\(resultsName): question \(id) is not in the questions file, so its multiple choices are unknown")
            }
            guard options.contains(where: { $0.unicodeScalars.elementsEqual(answer.unicodeScalars) }) else {
                throw TaskError.badInput("\(resultsName): the answer \"\(answer)\" to question \(id) is not one of its multiple choices")
            }
        }
    }
}
