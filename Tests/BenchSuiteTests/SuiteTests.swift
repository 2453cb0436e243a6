@testable import BenchSuite
import Foundation
import MPLUGModel
import TestSupport
import XCTest

final class SuiteTests: XCTestCase {
    static let rowKeys: Set<String> = [
        "part", "variant", "stride", "precision", "memory", "batch", "generated_tokens", "flops", "status", "repetitions",
        "median_seconds", "p95_seconds", "median_cpu_seconds", "images_per_second", "tokens_per_second", "gflops_per_second", "main_gemm",
        "sgemm_peak_gflops_per_second", "percent_of_sgemm_peak", "peak_rss_bytes", "peak_rss_source",
        "live_tensor_high_water_bytes", "kernel", "estimated_bytes",
    ]
    static let reportKeys: Set<String> = [
        "schema", "system", "preset", "sizes", "text_length", "generation_length", "answer_length", "warmup", "repetitions",
        "weight_bytes", "kernels", "rows", "targets", "notes",
    ]

    /// The CI smoke test: the whole grid on the tiny preset, in-process, one repetition.
    func testTinySuiteInProcessWritesEveryField() throws {
        let options = SuiteOptions(preset: "tiny", config: BenchPreset.tiny.config, strides: [1, 2, 3, 6],
                                   precisions: [.fp32, .bf16], batches: [1], textLength: 16, generationLength: 4,
                                   answerLength: 3, warmup: 0, repetitions: 1)
        let runner = SuiteRunner(options: options, memory: .inProcess,
                                 makeWorkloads: { try ModelWorkloads(config: options.config, precision: $0) })
        let report = try runner.run()
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: report.jsonData()) as? [String: Any])
        XCTAssertEqual(Set(json.keys), Self.reportKeys)
        XCTAssertEqual(json["schema"] as? String, "mplug-bench/1")
        let rows = try XCTUnwrap(json["rows"] as? [[String: Any]])
        // Per precision: visual encoder, 6 fusion variants × (text+fusion, VQA), 2 captioning × 2 memory settings.
        XCTAssertEqual(rows.count, 2 * (1 + 6 + 6 + 4))
        for (row, decoded) in zip(rows, report.rows) {
            XCTAssertEqual(Set(row.keys), Self.rowKeys, "\(row)")
            XCTAssertEqual(decoded.status, "ok")
            XCTAssertGreaterThan(decoded.medianSeconds ?? 0, 0)
            XCTAssertGreaterThan(decoded.peakRssBytes ?? 0, 0)
            XCTAssertGreaterThan(decoded.liveTensorHighWaterBytes ?? 0, 0)
            XCTAssertGreaterThan(decoded.percentOfSgemmPeak ?? 0, 0)
            XCTAssertEqual(decoded.flops, options.flops(BenchSetting(part: decoded.part,
                                                                      variant: Self.variant(decoded), precision: decoded.precision,
                                                                      memory: decoded.memory, batch: decoded.batch)).total)
            XCTAssertEqual(decoded.tokensPerSecond == nil, !decoded.part.generates)
        }
        XCTAssertEqual(report.kernels["bf16"]?.hasPrefix("bf16:"), true)
        XCTAssertGreaterThan(report.weightBytes["fp32"] ?? 0, report.weightBytes["bf16"] ?? .max,
                             "bf16 packing must shrink the linear weights")
        XCTAssertEqual(report.targets.count, 5)
        // Renderings carry the table, the chart and the notes.
        let markdown = ReportRendering.markdown(report)
        XCTAssertTrue(markdown.contains("| text_encoder_fusion | skip-connected | 3 | fp32 |"))
        XCTAssertTrue(markdown.contains("never runs the fusion"))
        let html = ReportRendering.html(report)
        XCTAssertEqual(html.components(separatedBy: "<svg").count - 1, 2)
        XCTAssertTrue(html.contains("<polyline"))
    }

    static func variant(_ row: BenchRow) -> FusionVariant? {
        switch row.variant {
        case "skip-connected": return .skipConnected(stride: row.stride ?? 0)
        case "connected-only": return .connectedOnly
        case "co-attention-only": return .coAttentionOnly
        default: return nil
        }
    }

    /// A setting whose estimate exceeds the available memory is reported, not run.
    func testSettingThatCannotFitIsReportedNotRun() throws {
        let options = SuiteOptions(preset: "tiny", config: BenchPreset.tiny.config, repetitions: 1)
        let runner = SuiteRunner(options: options, memory: .off, makeWorkloads: { _ in Unreachable() })
        var cache: [GEMMShape: Double] = [:]
        let huge = BenchSetting(part: .textEncoderFusion, variant: .connectedOnly, precision: .fp32, memory: .none, batch: 1 << 26)
        let row = runner.measure(huge, workloads: Unreachable(), system: SystemInfo.current(), peakCache: &cache)
        XCTAssertTrue(row.status.hasPrefix("does not fit in memory"), row.status)
        XCTAssertNil(row.medianSeconds)
        XCTAssertEqual(row.repetitions, 0)
    }

    /// Workloads that fail the test if the suite tries to run them.
    final class Unreachable: BenchWorkloads {
        var weightBytes: Int { 0 }
        func prepare(_ setting: BenchSetting, options: SuiteOptions) throws -> () throws -> Void {
            XCTFail("a setting that does not fit must not be prepared")
            return {}
        }
    }

    func testLatencyStatistics() {
        let summary = LatencySummary(samples: [5, 1, 4, 2, 3])
        XCTAssertEqual(summary.median, 3)
        XCTAssertEqual(summary.p95, 5)   // nearest rank ⌈0.95·5⌉ = 5
        XCTAssertEqual(LatencySummary(samples: [4, 1, 3, 2]).median, 2.5)
        let twenty = LatencySummary(samples: (1...20).map(Double.init))
        XCTAssertEqual(twenty.p95, 19)   // ⌈0.95·20⌉ = 19th smallest
    }

    func testListOptionsRejectBadValues() {
        XCTAssertEqual(try CommandLineValues.positiveIntegers("1, 2,3", option: "strides"), [1, 2, 3])
        XCTAssertThrowsError(try CommandLineValues.positiveIntegers("1,0", option: "strides"))
        XCTAssertThrowsError(try CommandLineValues.positiveIntegers("1,1", option: "batch"))
        XCTAssertThrowsError(try CommandLineValues.positiveIntegers("", option: "batch"))
        XCTAssertEqual(try CommandLineValues.precisions("bf16,fp32"), [.bf16, .fp32])
        XCTAssertThrowsError(try CommandLineValues.precisions("fp16"))
    }
}
