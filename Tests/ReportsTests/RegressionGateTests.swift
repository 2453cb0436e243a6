import Foundation
import Metrics
import XCTest
@testable import Reports

final class RegressionGateTests: XCTestCase {
    private func sampleRun(cider: Double = 0.6, vqa: Double = 55.0, conformancePassed: Bool = true,
                           visualSeconds: Double = 0.02) -> SuiteRun {
        SuiteRun(
            evaluations: [
                "coco_sample": EvaluationScores(task: "coco", deterministic: true,
                                                metrics: ["CIDEr": cider, "Bleu_4": 0.19]),
                "vqa_model": EvaluationScores(task: "vqa", deterministic: false, metrics: ["overall": vqa]),
            ],
            conformance: ["config_A_stride2": ConformanceOutcome(passed: conformancePassed,
                                                                 failures: conformancePassed ? [] : ["caption_logits"])],
            throughput: ThroughputSample(reference: "sgemm 512x512x512", referenceSeconds: 0.01,
                                         partSeconds: ["visual_encoder": visualSeconds]))
    }

    func testIdenticalRunsPass() {
        let findings = RegressionGate.evaluate(baseline: sampleRun(), current: sampleRun(), thresholds: GateThresholds())
        XCTAssertFalse(RegressionGate.hasRegression(findings))
        XCTAssertEqual(findings.count, 6)
        XCTAssertTrue(findings.allSatisfy { $0.verdict == .ok })
    }

    func testDeterministicMetricChangeIsARegression() {
        let findings = RegressionGate.evaluate(baseline: sampleRun(), current: sampleRun(cider: 0.6000001),
                                               thresholds: GateThresholds())
        XCTAssertTrue(RegressionGate.hasRegression(findings))
        XCTAssertEqual(findings.first { $0.check == "coco_sample/CIDEr" }?.verdict, .regression)
    }

    func testSignificantDropBeyondThresholdIsARegressionAndInsignificantOnlyWarns() {
        let thresholds = GateThresholds(metricDrop: ["default": 0.5])
        let significant = MetricDifference(metric: "overall", baseline: 55, current: 53, delta: -2,
                                           interval: ConfidenceInterval(lower: -3, upper: -1), pValue: 0.002)
        var findings = RegressionGate.evaluate(baseline: sampleRun(), current: sampleRun(vqa: 53),
                                               thresholds: thresholds, differences: ["vqa_model/overall": significant])
        XCTAssertEqual(findings.first { $0.check == "vqa_model/overall" }?.verdict, .regression)

        var noise = significant
        noise.pValue = 0.4
        noise.interval = ConfidenceInterval(lower: -4, upper: 1)
        findings = RegressionGate.evaluate(baseline: sampleRun(), current: sampleRun(vqa: 53),
                                           thresholds: thresholds, differences: ["vqa_model/overall": noise])
        XCTAssertEqual(findings.first { $0.check == "vqa_model/overall" }?.verdict, .warning)
        XCTAssertFalse(RegressionGate.hasRegression(findings))

        // A drop within the threshold is fine even when significant.
        findings = RegressionGate.evaluate(baseline: sampleRun(), current: sampleRun(vqa: 54.8),
                                           thresholds: thresholds, differences: ["vqa_model/overall": significant])
        XCTAssertEqual(findings.first { $0.check == "vqa_model/overall" }?.verdict, .ok)
    }

    func testConformanceFailureIsARegression() {
        let findings = RegressionGate.evaluate(baseline: sampleRun(), current: sampleRun(conformancePassed: false),
                                               thresholds: GateThresholds())
        let row = findings.first { $0.check == "conformance/config_A_stride2" }
        XCTAssertEqual(row?.verdict, .regression)
        XCTAssertTrue(row?.reason.contains("caption_logits") ?? false)
    }

    func testThroughputWarnsOnSmallDropsAndFailsBelowHalf() {
        var findings = RegressionGate.evaluate(baseline: sampleRun(), current: sampleRun(visualSeconds: 0.03),
                                               thresholds: GateThresholds())
        XCTAssertEqual(findings.first { $0.check == "throughput/visual_encoder" }?.verdict, .warning)
        XCTAssertEqual(findings.first { $0.check == "throughput/overall" }?.verdict, .warning)
        XCTAssertFalse(RegressionGate.hasRegression(findings))
        findings = RegressionGate.evaluate(baseline: sampleRun(), current: sampleRun(visualSeconds: 0.05),
                                           thresholds: GateThresholds())
        XCTAssertEqual(findings.first { $0.check == "throughput/visual_encoder" }?.verdict, .warning)
        let overall = findings.first { $0.check == "throughput/overall" }
        XCTAssertEqual(overall?.verdict, .regression)
        XCTAssertEqual(overall?.current ?? 0, 0.4, accuracy: 1e-12)
    }

    func testOneSlowPartAmongManyOnlyWarns() {
        func run(_ slow: Double) -> SuiteRun {
            SuiteRun(throughput: ThroughputSample(reference: "sgemm", referenceSeconds: 0.01,
                                                  partSeconds: ["a": slow, "b": 0.02, "c": 0.02, "d": 0.02]))
        }
        let findings = RegressionGate.evaluate(baseline: run(0.02), current: run(0.06), thresholds: GateThresholds())
        XCTAssertEqual(findings.first { $0.check == "throughput/a" }?.verdict, .warning)
        XCTAssertFalse(RegressionGate.hasRegression(findings))
        // 3^(-1/4) ≈ 0.76 of the baseline overall.
        XCTAssertEqual(findings.first { $0.check == "throughput/overall" }?.current ?? 0, pow(3, -0.25), accuracy: 1e-12)
    }

    func testMissingMetricIsARegression() {
        var current = sampleRun()
        current.evaluations["coco_sample"]?.metrics.removeValue(forKey: "Bleu_4")
        let findings = RegressionGate.evaluate(baseline: sampleRun(), current: current, thresholds: GateThresholds())
        XCTAssertEqual(findings.first { $0.check == "coco_sample/Bleu_4" }?.verdict, .regression)
    }

    func testRenderingsNameEveryCheck() {
        let findings = RegressionGate.evaluate(baseline: sampleRun(), current: sampleRun(cider: 0.5),
                                               thresholds: GateThresholds())
        let markdown = GateRendering.markdown(findings)
        XCTAssertTrue(markdown.contains("**1 regression(s)**"))
        XCTAssertTrue(markdown.contains("| coco_sample/CIDEr | 0.6 | 0.5 | -0.1 |"))
        let junit = GateRendering.junit(findings)
        XCTAssertTrue(junit.contains("tests=\"6\" failures=\"1\""))
        XCTAssertTrue(junit.contains("<testcase classname=\"coco_sample\" name=\"CIDEr\"><failure"))
    }
}

final class SuiteRunLoadingTests: XCTestCase {
    private func write(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("suite-\(UUID().uuidString).json")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func testRoundTripKeepsEveryField() throws {
        var run = SuiteRun(evaluations: ["a": EvaluationScores(task: "coco", deterministic: true, metrics: ["CIDEr": 0.5],
                                                               ci95: ["CIDEr": ConfidenceInterval(lower: 0.4, upper: 0.6)])])
        run.throughput = ThroughputSample(reference: "r", referenceSeconds: 1, partSeconds: ["p": 2])
        let url = try write(String(decoding: try run.jsonData(), as: UTF8.self))
        XCTAssertEqual(try SuiteRun.load(url), run)
        let text = try String(contentsOf: url, encoding: .utf8)
        XCTAssertTrue(text.contains("\"ci95\""))
        XCTAssertTrue(text.contains("0.4,") || text.contains("0.4\n") || text.contains("0.40000000000000002"))
    }

    func testBadBaselinesGiveClearErrors() throws {
        let missing = URL(fileURLWithPath: "/nonexistent/baseline.json")
        XCTAssertThrowsError(try SuiteRun.load(missing)) { error in
            XCTAssertTrue("\(error)".contains("/nonexistent/baseline.json: cannot read"), "\(error)")
        }
        let wrongVersion = try write(#"{"schema": "mplug-eval.suite/0", "evaluations": {}, "conformance": {}}"#)
        XCTAssertThrowsError(try SuiteRun.load(wrongVersion)) { error in
            XCTAssertTrue("\(error)".contains("schema \"mplug-eval.suite/0\" is not supported"), "\(error)")
        }
        let noSchema = try write(#"{"evaluations": {}}"#)
        XCTAssertThrowsError(try SuiteRun.load(noSchema)) { error in
            XCTAssertTrue("\(error)".contains("no \"schema\" field"), "\(error)")
        }
        let malformed = try write("{not json")
        XCTAssertThrowsError(try SuiteRun.load(malformed)) { error in
            XCTAssertTrue("\(error)".contains("not a JSON object"), "\(error)")
        }
        let missingField = try write(#"{"schema": "mplug-eval.suite/1", "evaluations": {"a": {"task": "coco"}}, "conformance": {}}"#)
        XCTAssertThrowsError(try SuiteRun.load(missingField)) { error in
            XCTAssertTrue("\(error)".contains("missing field \"deterministic\""), "\(error)")
        }
    }
}
