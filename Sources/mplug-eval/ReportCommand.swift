import ArgumentParser
import Foundation
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

    func run() throws {
        let findings = try exitingOnBadInput { () throws -> [GateFinding] in
            try RegressionGate.evaluate(baselineFile: URL(fileURLWithPath: baseline), currentFile: URL(fileURLWithPath: current),
                                        thresholdsFile: thresholds.map { URL(fileURLWithPath: $0) })
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
