import Foundation
import Metrics
import Reports
import TestSupport
import XCTest

/// `mplug-eval report` at the command line: exit 0 on identical runs, 1 on a planted regression,
/// 2 with a one-line error for a missing or wrong-version baseline. Runs the `mplug-eval` built
/// next to the test bundle (`swift test` builds it).
final class ReportCommandTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func executable() throws -> URL {
        let url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("mplug-eval")
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw XCTSkip("\(url.path) not built (run `swift build` for the CLI tests)")
        }
        return url
    }

    /// Runs `mplug-eval report` and returns its exit status and standard error.
    private func report(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
        try mplugEval(["report"] + arguments)
    }

    /// Runs `mplug-eval` and returns its exit status and standard error.
    private func mplugEval(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = try executable()
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    private func write(_ run: SuiteRun, _ name: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try run.jsonData().write(to: url)
        return url.path
    }

    private func run(cider: Double) -> SuiteRun {
        SuiteRun(evaluations: ["coco_sample": EvaluationScores(task: "coco", deterministic: true, metrics: ["CIDEr": cider])],
                 conformance: ["config_A_stride2": ConformanceOutcome(passed: true, failures: [])])
    }

    func testExitCodes() throws {
        let baseline = try write(run(cider: 0.6), "baseline.json")
        let same = try write(run(cider: 0.6), "same.json")
        let changed = try write(run(cider: 0.59), "changed.json")
        XCTAssertEqual(try report(["--baseline", baseline, "--current", same]).status, 0)

        let markdown = directory.appendingPathComponent("report.md").path
        let junit = directory.appendingPathComponent("junit.xml").path
        XCTAssertEqual(try report(["--baseline", baseline, "--current", changed, "--markdown", markdown, "--junit", junit]).status, 1)
        XCTAssertTrue(try String(contentsOfFile: markdown, encoding: .utf8).contains("| coco_sample/CIDEr | 0.6 | 0.59 |"))
        XCTAssertTrue(try String(contentsOfFile: junit, encoding: .utf8).contains("<failure message=\"deterministic metric changed"))

        let missing = try report(["--baseline", directory.appendingPathComponent("none.json").path, "--current", same])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.hasPrefix("error: ") && missing.stderr.contains("none.json: cannot read"), missing.stderr)

        let old = directory.appendingPathComponent("old.json")
        try Data(#"{"schema": "mplug-eval.suite/0", "evaluations": {}, "conformance": {}}"#.utf8).write(to: old)
        let wrongVersion = try report(["--baseline", old.path, "--current", same])
        XCTAssertEqual(wrongVersion.status, 2)
        XCTAssertTrue(wrongVersion.stderr.contains("schema \"mplug-eval.suite/0\" is not supported"), wrongVersion.stderr)
    }

    /// A model-run evaluation (not deterministic) is gated by the paired bootstrap of its result documents.
    func testNonDeterministicEvaluationsUseThePairedTest() throws {
        let vqa = "vqa/real_vqav2_valid_2000/"
        let given = try Fixtures.json(vqa + "results.json") as! [[String: Any]]
        let worse = given.enumerated().map { i, entry in
            i % 4 == 0 ? ["question_id": entry["question_id"]!, "answer": "zzzz"] : entry
        }
        let worseResults = directory.appendingPathComponent("worse-results.json")
        try JSONSerialization.data(withJSONObject: worse).write(to: worseResults)
        func score(_ results: URL, _ name: String) throws -> Double {
            let output = directory.appendingPathComponent(name)
            let status = try mplugEval(["vqa", "--questions", Fixtures.url(vqa + "questions.json").path,
                                        "--annotations", Fixtures.url(vqa + "annotations.json").path,
                                        "--results", results.path, "--json", output.path]).status
            XCTAssertEqual(status, 0)
            let document = try JSONSerialization.jsonObject(with: Data(contentsOf: output)) as! [String: Any]
            return (document["accuracy_unrounded"] as! [String: Any])["overall"] as! Double
        }
        let baselineOverall = try score(Fixtures.url(vqa + "results.json"), "vqa-a.json")
        let worseOverall = try score(worseResults, "vqa-b.json")
        func run(_ overall: Double, _ document: String) -> SuiteRun {
            SuiteRun(evaluations: ["vqa_model": EvaluationScores(task: "vqa", deterministic: false,
                                                                 metrics: ["overall": overall], resultDocument: document)])
        }
        let baseline = try write(run(baselineOverall, "vqa-a.json"), "baseline.json")
        let same = try write(run(baselineOverall, "vqa-a.json"), "same.json")
        let degraded = try write(run(worseOverall, "vqa-b.json"), "degraded.json")
        XCTAssertEqual(try report(["--baseline", baseline, "--current", same]).status, 0)
        let markdown = directory.appendingPathComponent("report.md").path
        XCTAssertEqual(try report(["--baseline", baseline, "--current", degraded, "--bootstrap", "200", "--markdown", markdown]).status, 1)
        let text = try String(contentsOfFile: markdown, encoding: .utf8)
        XCTAssertTrue(text.contains("| vqa_model/overall |") && text.contains("significant (p = "), text)
    }
}
