import ArgumentParser
import Foundation
import EvalTasks
import Metrics
import Reports

/// `mplug-eval report`: the CI regression gate.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Compare a suite run with the committed baseline; exit 1 on a regression.",
        discussion: """
        A regression is a significant metric drop beyond its threshold, any change of a deterministic \
        metric on the bundled sets, a conformance failure, or normalized throughput falling by more than \
        half. Smaller throughput drops only warn. To accept a change on purpose, replace the baseline: \
        `mplug-eval suite --output reports/baseline.json` (release build, METEOR installed). \
        Evaluations that are not deterministic and keep result documents are compared by a paired \
        bootstrap (--bootstrap, default \(CompareCommand.defaultReplicates) replicates). \
        Exit codes: 0 no regression, 1 regression, 2 bad input (missing file, wrong schema version).
        """)

    @Option(help: "The committed baseline suite run.")
    var baseline: String = "reports/baseline.json"

    @Option(help: "The suite run to check (written by `mplug-eval suite`).")
    var current: String

    @Option(help: "Gate thresholds (defaults apply when the file is not given).")
    var thresholds: String?

    @Option(help: "Write the Markdown report (for a pull-request comment) here.")
    var markdown: String?

    @Option(help: "Write JUnit XML (for CI dashboards) here.")
    var junit: String?

    @OptionGroup var bootstrap: BootstrapOptions

    func run() throws {
        let findings = try exitingOnBadInput { () throws -> [GateFinding] in
            let baselineFile = URL(fileURLWithPath: baseline), currentFile = URL(fileURLWithPath: current)
            let base = try SuiteRun.load(baselineFile)
            let cur = try SuiteRun.load(currentFile)
            let limits = try thresholds.map { try GateThresholds.load(URL(fileURLWithPath: $0)) } ?? GateThresholds()
            var differences: [String: MetricDifference] = [:]
            for pair in RegressionGate.pairedDocuments(baseline: base, baselineFile: baselineFile, current: cur, currentFile: currentFile) {
                let a = try ResultDocument.load(pair.baseline), b = try ResultDocument.load(pair.current)
                let replicates = bootstrap.bootstrap > 0 ? bootstrap.bootstrap : CompareCommand.defaultReplicates
                for difference in try PairedComparison.compare(baseline: a.scores, current: b.scores,
                                                               replicates: replicates, seed: bootstrap.seed) {
                    differences["\(pair.evaluation)/\(difference.metric)"] = difference
                }
            }
            return RegressionGate.evaluate(baseline: base, current: cur, thresholds: limits, differences: differences)
        }
        let text = GateRendering.markdown(findings)
        print(text, terminator: "")
        try exitingOnBadInput {
            if let markdown { try Data(text.utf8).write(to: URL(fileURLWithPath: markdown)) }
            if let junit { try Data(GateRendering.junit(findings).utf8).write(to: URL(fileURLWithPath: junit)) }
        }
        if RegressionGate.hasRegression(findings) { throw ExitCodes.failedCheck }
    }
}
