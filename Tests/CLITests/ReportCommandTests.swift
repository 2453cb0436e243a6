import Foundation
import XCTest

/// `mplug-eval report`, the regression gate: bad input exits 2 naming the file, a planted
/// regression exits 1, identical runs exit 0.
final class ReportCommandTests: CommandLineTestCase {
    /// A suite run document (schema `mplug-eval.suite/1`) with one deterministic CIDEr score.
    private func suiteRun(cider: Double, schema: String = "mplug-eval.suite/1") -> [String: Any] {
        ["schema": schema,
         "evaluations": ["coco_sample": ["task": "coco", "deterministic": true, "metrics": ["CIDEr": cider]]],
         "conformance": ["config_A_stride2": ["passed": true, "failures": [String]()]]]
    }

    private func report(baseline: String, current: String, _ more: String...) throws -> ToolRun {
        try run("mplug-eval", ["report", "--baseline", baseline, "--current", current] + more)
    }

    func testMissingDefaultBaselineIsBadInputNamingThePath() throws {
        // The working directory (the temporary directory) has no reports/baseline.json.
        let current = try writeJSON(suiteRun(cider: 0.6), to: "current.json")
        assertBadInput(try mplugEval("report", "--current", current), mentions: ["reports/baseline.json"])
    }

    func testMissingCurrentRunIsBadInputNamingThePath() throws {
        let baseline = try writeJSON(suiteRun(cider: 0.6), to: "baseline.json")
        let missing = missingPath("current.json")
        assertBadInput(try report(baseline: baseline, current: missing), mentions: [missing])
    }

    func testMalformedJSONIsBadInputNamingTheFile() throws {
        let baseline = try writeJSON(suiteRun(cider: 0.6), to: "baseline.json")
        let current = try write("{\"schema\": \"mplug-eval.suite/1\", \"evaluations\": {", to: "truncated.json")
        assertBadInput(try report(baseline: baseline, current: current), mentions: ["truncated.json"])
    }

    func testWrongSchemaVersionIsBadInputNamingTheFileAndVersion() throws {
        let baseline = try writeJSON(suiteRun(cider: 0.6, schema: "mplug-eval.suite/0"), to: "old-baseline.json")
        let current = try writeJSON(suiteRun(cider: 0.6), to: "current.json")
        assertBadInput(try report(baseline: baseline, current: current), mentions: ["old-baseline.json", "mplug-eval.suite/0"])
    }

    func testMissingThresholdsFileIsBadInputNamingThePath() throws {
        let baseline = try writeJSON(suiteRun(cider: 0.6), to: "baseline.json")
        let missing = missingPath("thresholds.json")
        assertBadInput(try report(baseline: baseline, current: baseline, "--thresholds", missing), mentions: [missing])
    }

    /// A changed deterministic score is a regression: exit 1, the metric named in the report,
    /// and the Markdown and JUnit files still written.
    func testPlantedRegressionExitsOne() throws {
        let baseline = try writeJSON(suiteRun(cider: 0.6), to: "baseline.json")
        let current = try writeJSON(suiteRun(cider: 0.55), to: "current.json")
        let junit = temporaryDirectory.appendingPathComponent("gate.xml")
        let run = try report(baseline: baseline, current: current, "--junit", junit.path)
        XCTAssertFalse(run.crashed, run.summary)
        XCTAssertEqual(run.status, 1, run.summary)
        XCTAssertTrue(run.standardOutput.contains("CIDEr"), run.standardOutput)
        XCTAssertFalse(run.standardError.contains("error:"), run.summary)
        XCTAssertTrue(FileManager.default.fileExists(atPath: junit.path))
    }

    func testIdenticalRunsExitZero() throws {
        let baseline = try writeJSON(suiteRun(cider: 0.6), to: "baseline.json")
        let current = try writeJSON(suiteRun(cider: 0.6), to: "current.json")
        let markdown = temporaryDirectory.appendingPathComponent("gate.md")
        let run = try report(baseline: baseline, current: current, "--markdown", markdown.path)
        assertSuccess(run)
        XCTAssertEqual(try String(contentsOf: markdown, encoding: .utf8), run.standardOutput)
    }
}
