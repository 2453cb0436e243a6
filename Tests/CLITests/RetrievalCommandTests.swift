import Foundation
import XCTest
import TestSupport

/// `mplug-eval retrieval`: bad input exits 2 with one error line naming the file; the tiny_hand
/// case reproduces the reference recall.
final class RetrievalCommandTests: CommandLineTestCase {
    /// Two images with one text each: identity-like scores and their mapping; returns the paths
    /// (i2t, t2i, mapping), with `i2t` replaceable to plant bad scores.
    private func writeInputs(i2t: String = "[[2.0, 0.5], [0.1, 1.5]]") throws -> (String, String, String) {
        (try write(i2t, to: "i2t.json"),
         try write("[[2.0, 0.1], [0.5, 1.5]]", to: "t2i.json"),
         try writeJSON(["img2txt": [[0], [1]], "txt2img": [0, 1]], to: "mapping.json"))
    }

    private func retrieval(_ paths: (String, String, String)) throws -> ToolRun {
        try mplugEval("retrieval", "--scores-i2t", paths.0, "--scores-t2i", paths.1, "--mapping", paths.2)
    }

    func testMissingScoreFileIsBadInputNamingThePath() throws {
        let (_, t2i, mapping) = try writeInputs()
        let missing = missingPath("score_i2t.npy")
        assertBadInput(try retrieval((missing, t2i, mapping)), mentions: [missing])
    }

    func testMalformedMappingJSONIsBadInputNamingTheFile() throws {
        let (i2t, t2i, _) = try writeInputs()
        let mapping = try write("{\"img2txt\": [[0], [1]], \"txt2img\": [0, 1]", to: "broken-map.json")
        assertBadInput(try retrieval((i2t, t2i, mapping)), mentions: ["broken-map.json"])
    }

    func testMatrixShapeThatDisagreesWithTheMappingIsBadInput() throws {
        let paths = try writeInputs(i2t: "[[2.0, 0.5, 0.3], [0.1, 1.5, 0.2]]")
        assertBadInput(try retrieval(paths), mentions: ["i2t.json"])
    }

    func testRaggedScoreRowsAreBadInput() throws {
        let paths = try writeInputs(i2t: "[[2.0, 0.5], [0.1]]")
        assertBadInput(try retrieval(paths), mentions: ["i2t.json", "row 1"])
    }

    func testNaNScoreIsBadInputNotASilentNumber() throws {
        let paths = try writeInputs(i2t: "[[2.0, NaN], [0.1, 1.5]]")
        let run = try retrieval(paths)
        assertBadInput(run, mentions: ["NaN", "i2t.json"])
        XCTAssertEqual(run.standardOutput, "", "no recall table may be printed for NaN scores")
    }

    func testMissingMappingOptionIsBadInput() throws {
        let (i2t, t2i, _) = try writeInputs()
        assertBadInput(try mplugEval("retrieval", "--scores-i2t", i2t, "--scores-t2i", t2i), mentions: ["--mapping"])
    }

    /// tiny_hand (3 images, 6 texts, .npy scores): the nine recall values of expected.json, to 1e-12.
    func testTinyHandCaseReproducesTheReferenceRecall() throws {
        let dir = Fixtures.url("retrieval/tiny_hand")
        let inputs = try XCTUnwrap(Fixtures.json("retrieval/tiny_hand/inputs.json") as? [String: Any])
        let mapping = try writeJSON(["img2txt": inputs["img2txt"]!, "txt2img": inputs["txt2img"]!], to: "mapping.json")
        let json = temporaryDirectory.appendingPathComponent("retrieval.json")
        let run = try mplugEval("retrieval", "--scores-i2t", dir.appendingPathComponent("score_i2t.npy").path,
                                "--scores-t2i", dir.appendingPathComponent("score_t2i.npy").path,
                                "--mapping", mapping, "--json", json.path)
        assertSuccess(run)
        let expected = try XCTUnwrap((Fixtures.json("retrieval/tiny_hand/expected.json") as? [String: Any])?["expected"] as? [String: Double])
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        let metrics = try XCTUnwrap(document["metrics"] as? [String: Double])
        XCTAssertEqual(Set(metrics.keys), Set(expected.keys))
        for (name, value) in expected {
            XCTAssertTrue(isClose(metrics[name] ?? .nan, value, rel: 1e-12), "\(name): \(metrics[name] ?? .nan) vs \(value)")
        }
        XCTAssertTrue(run.standardOutput.contains(String(format: "%.2f", try XCTUnwrap(expected["txt_r1"]))), run.standardOutput)
    }
}
