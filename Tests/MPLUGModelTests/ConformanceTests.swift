import Foundation
import XCTest
import DataIO
import TestSupport
@testable import MPLUGModel

/// The whole model against the official PyTorch goldens (float64 reference, tolerances
/// `max(floor, 10 × f32-vs-f64 budget)`, ids exact); config B reads config A's weights.
final class ConformanceTests: XCTestCase {
    private func assertConforms(_ config: String, weights: String = "safetensors", useKVCache: Bool) throws {
        var options = ModelConformance.Options()
        options.weightsFile = Fixtures.url("model/config_A_stride2/weights.\(weights)")
        options.useKVCache = useKVCache
        let report = try ModelConformance.run(directory: Fixtures.url("model/\(config)"), options: options)
        let computed = report.rows.filter { $0.status != .notChecked }
        XCTAssertEqual(computed.count, report.rows.count, "\(config): tensors not checked")
        XCTAssertGreaterThanOrEqual(computed.count, 68, "\(config): too few tensors compared")
        XCTAssertTrue(report.passed)
        for row in report.rows {
            XCTAssertEqual(row.status, .ok, "\(config) \(row.name): error \(row.maxAbsError ?? .nan) > tolerance \(row.tolerance) \(row.note)")
        }
    }

    func testConfigAStride2WithKVCache() throws { try assertConforms("config_A_stride2", useKVCache: true) }
    func testConfigBCoAttentionWithKVCache() throws { try assertConforms("config_B_coattn", useKVCache: true) }
    func testConfigAWithOfficialRecomputation() throws { try assertConforms("config_A_stride2", useKVCache: false) }
    func testConfigAFromPthWeights() throws { try assertConforms("config_A_stride2", weights: "pth", useKVCache: true) }
    func testConfigBFromPthWeights() throws { try assertConforms("config_B_coattn", weights: "pth", useKVCache: true) }

    /// The tolerance classes of the conformance table.
    func testToleranceFloors() {
        XCTAssertEqual(ModelConformance.floorTolerance("caption_logits"), 1e-4)
        XCTAssertEqual(ModelConformance.floorTolerance("vqa_train_loss"), 1e-4)
        XCTAssertEqual(ModelConformance.floorTolerance("rank_topk_probs"), 1e-4)
        XCTAssertEqual(ModelConformance.floorTolerance("fusion_img_after2"), 1e-5)
        XCTAssertEqual(ModelConformance.floorTolerance("itc_text_feat"), 1e-5)
    }
}
