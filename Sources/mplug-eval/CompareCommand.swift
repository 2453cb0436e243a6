import ArgumentParser
import EvalTasks
import Foundation
import Metrics
import Reports

/// `mplug-eval compare A.json B.json`: paired bootstrap between two result files on the same items.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Paired bootstrap of two result files (coco, vqa or retrieval --json) on the same items.",
        discussion: """
        Rebuilds each file's corpus scores from its per-item statistics, pairs the items by id (they must be \
        the same set), resamples both with the same indices and prints, per metric, B − A with its 95% \
        percentile interval and the two-sided p-value of no difference. Exit codes: 0 ok, 2 bad input.
        """)

    /// Replicates when `--bootstrap` is not given.
    static let defaultReplicates = 1000

    @Argument(help: "Result file A (the baseline).")
    var a: String

    @Argument(help: "Result file B (compared with A).")
    var b: String

    @OptionGroup var bootstrap: BootstrapOptions

    @Option(help: "Also write the comparison as a Markdown table to this file.")
    var markdown: String?

    func run() throws {
        let replicates = bootstrap.bootstrap > 0 ? bootstrap.bootstrap : Self.defaultReplicates
        let differences = try exitingOnBadInput { () throws -> [MetricDifference] in
            let first = try ResultDocument.load(URL(fileURLWithPath: a))
            let second = try ResultDocument.load(URL(fileURLWithPath: b))
            guard first.task == second.task else {
                throw ValidationError("\(a) is a \(first.task) result and \(b) a \(second.task) result; compare results of one task")
            }
            return try PairedComparison.compare(baseline: first.scores, current: second.scores,
                                                replicates: replicates, seed: bootstrap.seed)
        }
        print(ComparisonRendering.text(differences, replicates: replicates), terminator: "")
        if let markdown {
            try exitingOnBadInput {
                try Data(ComparisonRendering.markdown(differences, replicates: replicates).utf8)
                    .write(to: URL(fileURLWithPath: markdown))
            }
        }
    }
}
