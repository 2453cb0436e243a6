import Foundation
import XCTest
import TestSupport

/// `mplug-eval conformance`: bad input exits 2 naming the path; the golden config A passes (exit 0).
final class ConformanceCommandTests: CommandLineTestCase {
    func testMissingDirectoryIsBadInputNamingThePath() throws {
        let missing = missingPath("config_A")
        assertBadInput(try mplugEval("conformance", missing), mentions: [missing])
    }

    func testDirectoryWithoutGoldenFilesIsBadInputNamingIt() throws {
        let empty = temporaryDirectory.appendingPathComponent("not-golden")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        assertBadInput(try mplugEval("conformance", empty.path), mentions: [empty.path])
    }

    func testUnknownWeightsFormatIsBadInput() throws {
        assertBadInput(try mplugEval("conformance", Fixtures.url("model/config_A_stride2").path, "--weights", "onnx"),
                       mentions: ["--weights"])
    }

    /// Every golden output of config A recomputed within tolerance: exit 0 and a JSON report that says so.
    func testGoldenConfigAPasses() throws {
        let json = temporaryDirectory.appendingPathComponent("conformance.json")
        let run = try mplugEval("conformance", Fixtures.url("model/config_A_stride2").path, "--json", json.path)
        assertSuccess(run)
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        XCTAssertEqual(document["passed"] as? Bool, true, "\(document)")
    }
}
