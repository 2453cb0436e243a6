import Foundation
import ArgumentParser
import EvalTasks
import Metrics

/// `mplug-eval vqa`: official VQA accuracy of a results file.
struct VQACommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vqa",
        abstract: "VQA accuracy exactly as the official GT-Vision-Lab/VQA evaluation computes it.",
        discussion: """
        Inputs are in the official formats: questions.json, annotations.json and results.json \
        ([{"question_id", "answer"}]). The results must answer every annotated question exactly once.
        """)

    @Option(name: .customLong("questions"), help: "The questions file (questions.json).")
    var questions: String
    @Option(name: .customLong("annotations"), help: "The annotations file (annotations.json).")
    var annotations: String
    @Option(name: .customLong("results"), help: "The results file ([{question_id, answer}]).")
    var results: String
    @Option(name: .customLong("json"), help: "Write the full report (schema mplug-eval.vqa/1) to this file.")
    var jsonOutput: String?

    func run() throws {
        try runAndReport(jsonOutput: jsonOutput, compute: {
            try VQATask.run(questions: URL(fileURLWithPath: questions),
                            annotations: URL(fileURLWithPath: annotations),
                            results: URL(fileURLWithPath: results))
        }, table: Self.table, report: VQATask.report)
    }

    /// Accuracy in percent, rounded to 2 places as `VQAEval.accuracy` holds it.
    static func table(_ result: VQAAccuracyResult) -> String {
        func rows(_ values: [String: Double]) -> String {
            values.sorted { $0.key < $1.key }
                .map { "    \($0.key.padding(toLength: max(28, $0.key.count), withPad: " ", startingAt: 0)) \($0.value)\n" }
                .joined()
        }
        return """
        VQA accuracy (%, official VQAEval, rounded to 2 places), \(result.questions.count) questions
          overall                        \(result.roundedOverall)
          per answer type
        \(rows(result.roundedPerAnswerType))  per question type
        \(rows(result.roundedPerQuestionType))
        """
    }
}
