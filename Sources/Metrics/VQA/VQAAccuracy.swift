import PythonText
/// One ground-truth answer dict of a VQA annotation (`{"answer", "answer_confidence", "answer_id"}`).
public struct VQAGroundTruthAnswer: Sendable, Equatable {
    /// The raw human answer.
    public var answer: String
    /// The dict's other fields in a canonical encoding (sorted keys, numbers compared by value).
    /// Two answers are the same dict, as Python's `==` sees it, when their processed answers and
    /// these encodings are equal code point for code point.
    public var otherFields: String

    public init(answer: String, otherFields: String) {
        self.answer = answer
        self.otherFields = otherFields
    }
}

/// One annotated question with its prediction, as `VQAEval.evaluate()` sees it.
public struct VQAQuestionInput: Sendable {
    public var questionID: Int64
    public var questionType: String
    public var answerType: String
    /// The human answers (10 in VQA v1/v2), in annotation order.
    public var groundTruth: [VQAGroundTruthAnswer]
    /// The raw predicted answer.
    public var prediction: String

    public init(questionID: Int64, questionType: String, answerType: String,
                groundTruth: [VQAGroundTruthAnswer], prediction: String) {
        self.questionID = questionID
        self.questionType = questionType
        self.answerType = answerType
        self.groundTruth = groundTruth
        self.prediction = prediction
    }
}

/// The score of one question: its sufficient statistic is `accuracy`.
public struct VQAQuestionScore: Sendable, Equatable {
    public var questionID: Int64
    public var questionType: String
    public var answerType: String
    /// Whether punctuation/digit/article normalization ran (the stripped answers were not all equal).
    public var normalizationApplied: Bool
    /// The prediction after stripping (and normalization when applied).
    public var processedPrediction: String
    /// The ground-truth answers after stripping (and normalization when applied).
    public var processedGroundTruth: [String]
    /// Accuracy as a fraction in [0, 1]: the mean over ground-truth answers of
    /// `min(1, matching other answers / 3)`.
    public var accuracy: Double

    public init(questionID: Int64, questionType: String, answerType: String, normalizationApplied: Bool,
                processedPrediction: String, processedGroundTruth: [String], accuracy: Double) {
        self.questionID = questionID
        self.questionType = questionType
        self.answerType = answerType
        self.normalizationApplied = normalizationApplied
        self.processedPrediction = processedPrediction
        self.processedGroundTruth = processedGroundTruth
        self.accuracy = accuracy
    }

    /// `100 * accuracy`, unrounded (the reference's value with `n` large).
    public var percent: Double { 100 * accuracy }
    /// `round(100 * accuracy, 2)` with Python 3 semantics: `VQAEval.evalQA[questionID]`.
    public var roundedPercent: Double { pythonRound(percent, decimalPlaces: VQAAccuracy.decimalPlaces) }
}

/// VQA accuracy of a whole set; overall and per-type values are percentages, unrounded.
public struct VQAAccuracyResult: Sendable {
    /// Per-question scores in annotation order.
    public var questions: [VQAQuestionScore]
    /// `100 * sum(accuracies) / count` over all questions, summed in annotation order.
    public var overall: Double
    /// The same per question type (`annotation.question_type`).
    public var perQuestionType: [String: Double]
    /// The same per answer type (`yes/no`, `number`, `other`).
    public var perAnswerType: [String: Double]

    /// `overall` rounded as `VQAEval.accuracy['overall']` prints it (Python `round(·, 2)`).
    public var roundedOverall: Double { pythonRound(overall, decimalPlaces: VQAAccuracy.decimalPlaces) }
    public var roundedPerQuestionType: [String: Double] {
        perQuestionType.mapValues { pythonRound($0, decimalPlaces: VQAAccuracy.decimalPlaces) }
    }
    public var roundedPerAnswerType: [String: Double] {
        perAnswerType.mapValues { pythonRound($0, decimalPlaces: VQAAccuracy.decimalPlaces) }
    }
}

/// The accuracy of the official VQA evaluation (GT-Vision-Lab/VQA `VQAEval.evaluate`, `n = 2`).
public enum VQAAccuracy {
    /// `VQAEval`'s default `n`: reported values are rounded to 2 decimal places.
    public static let decimalPlaces = 2

    /// Scores one question.
    ///
    /// Answers are stripped (``VQAAnswerNormalizer/stripped(_:)``); if the stripped ground-truth
    /// answers are not all identical, ground truth and prediction are normalized
    /// (``VQAAnswerNormalizer/normalized(_:)``), otherwise compared raw (`"YES"` vs ten `"yes"` is 0).
    /// For each ground-truth answer, the "other" answers are those whose dict differs from it
    /// (Python `!=`), so duplicated dicts are removed together.
    /// - Throws: `MetricError.invalidInput` when the question has no ground-truth answers.
    public static func score(_ question: VQAQuestionInput) throws -> VQAQuestionScore {
        guard !question.groundTruth.isEmpty else {
            throw MetricError.invalidInput("question \(question.questionID) has no ground-truth answers")
        }
        var answers = question.groundTruth.map {
            VQAAnswerNormalizer.stripped(codePoints: PythonText.codePoints(of: $0.answer))
        }
        var prediction = VQAAnswerNormalizer.stripped(codePoints: PythonText.codePoints(of: question.prediction))
        let normalize = answers.contains { $0 != answers[0] }
        if normalize {
            answers = answers.map(VQAAnswerNormalizer.normalized(codePoints:))
            prediction = VQAAnswerNormalizer.normalized(codePoints: prediction)
        }
        let otherFields = question.groundTruth.map { PythonText.codePoints(of: $0.otherFields) }
        func sameDict(_ i: Int, _ j: Int) -> Bool { answers[i] == answers[j] && otherFields[i] == otherFields[j] }

        var sum = 0.0
        for i in answers.indices {
            let matches = answers.indices.filter { j in !sameDict(j, i) && answers[j] == prediction }.count
            sum += min(1, Double(matches) / 3)
        }
        return VQAQuestionScore(
            questionID: question.questionID, questionType: question.questionType,
            answerType: question.answerType, normalizationApplied: normalize,
            processedPrediction: PythonText.string(from: prediction),
            processedGroundTruth: answers.map(PythonText.string(from:)),
            accuracy: sum / Double(answers.count))
    }

    /// Scores every question and aggregates in the given (annotation) order.
    public static func evaluate(_ questions: [VQAQuestionInput]) throws -> VQAAccuracyResult {
        guard !questions.isEmpty else { throw MetricError.invalidInput("no questions to evaluate") }
        return aggregate(try questions.map(score))
    }

    /// Overall and per-type accuracy of scored questions, aggregated in the given order.
    public static func aggregate(_ scores: [VQAQuestionScore]) -> VQAAccuracyResult {
        VQAAccuracyResult(
            questions: scores,
            overall: percentOfMean(scores.map(\.accuracy)),
            perQuestionType: groupedPercentOfMean(scores, by: \.questionType),
            perAnswerType: groupedPercentOfMean(scores, by: \.answerType))
    }

    /// `100 * sum(values) / count`, summed left to right as Python's `sum` (3.11) does.
    static func percentOfMean(_ values: [Double]) -> Double {
        100 * values.reduce(0, +) / Double(values.count)
    }

    private static func groupedPercentOfMean(_ scores: [VQAQuestionScore],
                                             by key: KeyPath<VQAQuestionScore, String>) -> [String: Double] {
        var groups: [String: [Double]] = [:]
        for score in scores { groups[score[keyPath: key], default: []].append(score.accuracy) }
        return groups.mapValues(percentOfMean)
    }
}

extension VQAAccuracyResult: ResamplableScores {
    public var itemCount: Int { questions.count }
    public var itemIDs: [String] { questions.map { String($0.questionID) } }

    /// `overall` and `answer_type:<type>` (percentages) on the questions at `indices`.
    public func corpusScores(over indices: [Int]) -> [String: Double] {
        let selected = indices.map { questions[$0] }
        var scores = ["overall": VQAAccuracy.percentOfMean(selected.map(\.accuracy))]
        var byType: [String: [Double]] = [:]
        for score in selected { byType[score.answerType, default: []].append(score.accuracy) }
        for (type, values) in byType { scores["answer_type:\(type)"] = VQAAccuracy.percentOfMean(values) }
        return scores
    }
}
