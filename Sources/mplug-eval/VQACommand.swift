import Foundation
import ArgumentParser
import EvalTasks
import Metrics
import MPLUGModel

/// `mplug-eval vqa`: official VQA accuracy of a results file.
struct VQACommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vqa",
        abstract: "VQA accuracy exactly as the official GT-Vision-Lab/VQA evaluation computes it.",
        discussion: """
        Inputs are in the official formats: questions.json, annotations.json and results.json \
        ([{"question_id", "answer"}]). The results must answer every annotated question exactly once. \
        Either score a results file (--results), or answer the questions with an mPLUG checkpoint \
        (--checkpoint, its config and --vocab, --images DIR) as the official vqa_mplug.py evaluation \
        (question as is, beam 5, max 10) and score those answers.
        """)

    @Option(name: .customLong("questions"), help: "The questions file (questions.json).")
    var questions: String
    @Option(name: .customLong("annotations"), help: "The annotations file (annotations.json).")
    var annotations: String
    @Option(name: .customLong("results"), help: "The results file ([{question_id, answer}]) to score.")
    var results: String?
    @OptionGroup var model: ModelOptions
    @OptionGroup var bootstrap: BootstrapOptions
    @Option(help: "With --checkpoint: the image directory (COCO_<split>_<012d id>.jpg or <id>.jpg/.png).")
    var images: String?
    @Option(name: .customLong("rank-answers"), help: "With --checkpoint: rank this answer list (JSON array of strings) instead of generating.")
    var rankAnswers: String?
    @Option(name: .customLong("rank-k"), help: "With --rank-answers: candidates re-scored per question (official k_test).")
    var rankK: Int = 128
    @Option(name: .customLong("results-out"), help: "With --checkpoint: write the generated results here.")
    var resultsOut: String?
    @Option(name: .customLong("json"), help: "Write the full report (schema mplug-eval.vqa/1) to this file.")
    var jsonOutput: String?

    func run() throws {
        let questionsURL = URL(fileURLWithPath: questions), annotationsURL = URL(fileURLWithPath: annotations)
        try runAndReport(jsonOutput: jsonOutput, bootstrap: bootstrap, compute: {
            guard (results != nil) != model.isGiven else { throw ValidationError("give exactly one of --results and --checkpoint") }
            if let results {
                return try VQATask.run(questions: questionsURL, annotations: annotationsURL, results: URL(fileURLWithPath: results))
            }
            guard let images else { throw ValidationError("--checkpoint needs --images DIR") }
            let items = try VQAGeneration.readQuestions(questionsURL, images: URL(fileURLWithPath: images))
            let answering: VQAGeneration.Answering = try rankAnswers.map {
                .rank(candidates: try VQAGeneration.readAnswerList(URL(fileURLWithPath: $0)), k: rankK)
            } ?? .generate(.vqa, useKVCache: true)
            let (mplug, tokenizer) = try model.source().load(parts: .vqa)
            FileHandleStderr.write(mplug.skippedKeysSummary + "\n")
            let answers = try VQAGeneration.answer(items, model: mplug, tokenizer: tokenizer, answering: answering)
            let document = VQAGeneration.resultsJSON(answers)
            if let resultsOut { try document.write(to: URL(fileURLWithPath: resultsOut)) }
            return try VQATask.run(questions: questionsURL, annotations: annotationsURL, results: document,
                                   resultsName: resultsOut ?? "generated results")
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
