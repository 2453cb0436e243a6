import XCTest
import Foundation
import EvalTasks
import Metrics
import TestSupport

/// The retrieval task on every golden case (`itm_eval` with the stable tie rule): metrics and
/// ranks exact.
final class RetrievalTaskTests: TemporaryDirectoryTestCase {
    static let cases = ["albef_topk_fill", "all_equal", "basic_5caps", "float64_large", "ties_quantized",
                        "tiny_hand", "variable_caps"]

    private func run(_ name: String) throws -> RetrievalResult {
        try RetrievalTask.run(scoresImageToText: Fixtures.url("retrieval/\(name)/score_i2t.npy"),
                              scoresTextToImage: Fixtures.url("retrieval/\(name)/score_t2i.npy"),
                              mapping: Fixtures.url("retrieval/\(name)/inputs.json"))
    }

    func testEveryGoldenCaseExactly() throws {
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: Fixtures.url("retrieval").path).sorted(), Self.cases)
        for name in Self.cases {
            let result = try run(name)
            let expected = try XCTUnwrap(ExactJSON.fixture("retrieval/\(name)/expected.json") as? [String: Any])
            // Through the written report, so the document is what is checked.
            let report = try XCTUnwrap(try ExactJSON.parse(RetrievalTask.report(result).encoded()) as? [String: Any])
            XCTAssertEqual(report["schema"] as? String, "mplug-eval.retrieval/1")
            XCTAssertEqual(report["metrics"] as? [String: Double], try XCTUnwrap(expected["expected"] as? [String: Double]), name)
            XCTAssertEqual(report["ranks_i2t"] as? [Double], try XCTUnwrap(expected["ranks_i2t"] as? [Double]), name)
            XCTAssertEqual(report["ranks_t2i"] as? [Double], try XCTUnwrap(expected["ranks_t2i"] as? [Double]), name)
        }
    }

    // MARK: Other inputs and bad input

    private func file(_ name: String, _ contents: Data) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try contents.write(to: url)
        return url
    }

    private func errorMessage(_ i2t: URL, _ t2i: URL, _ mapping: URL) -> String {
        do {
            _ = try RetrievalTask.run(scoresImageToText: i2t, scoresTextToImage: t2i, mapping: mapping)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    func testJSONMatricesAndObjectMappingsGiveTheSameResult() throws {
        let inputs = try JSONValue.parse(Fixtures.data("retrieval/tiny_hand/inputs.json"), name: "inputs.json")
        let i2t = try file("i2t.json", try XCTUnwrap(inputs["score_i2t"]).encoded())
        let t2i = try file("t2i.json", try XCTUnwrap(inputs["score_t2i"]).encoded())
        // ALBEF keeps the mappings as dicts; saved as JSON their keys are strings.
        func keyedByIndex(_ list: JSONValue?) throws -> JSONValue {
            let items = try XCTUnwrap(list?.arrayValue)
            return .object(Dictionary(uniqueKeysWithValues: items.enumerated().map { (String($0.offset), $0.element) }))
        }
        let mapping = JSONValue.object(["img2txt": try keyedByIndex(inputs["img2txt"]),
                                        "txt2img": try keyedByIndex(inputs["txt2img"])])
        let mappingURL = try file("map.json", mapping.encoded())
        let fromJSON = try RetrievalTask.run(scoresImageToText: i2t, scoresTextToImage: t2i, mapping: mappingURL)
        XCTAssertEqual(fromJSON, try run("tiny_hand"))
    }

    func testMismatchedShapes() {
        let message = errorMessage(Fixtures.url("retrieval/basic_5caps/score_i2t.npy"),
                                   Fixtures.url("retrieval/tiny_hand/score_t2i.npy"),
                                   Fixtures.url("retrieval/tiny_hand/inputs.json"))
        XCTAssertTrue(message.contains("score_i2t has shape [100, 500] but the mapping has 3 images and 6 texts"), message)
    }

    func testNaNScore() throws {
        var bytes = try Fixtures.data("retrieval/tiny_hand/score_t2i.npy")
        let nan = Float.nan.bitPattern
        // Element [1, 2] of the 6×3 float32 matrix; the data starts after the 128-byte header.
        let offset = 128 + (1 * 3 + 2) * 4
        for byte in 0..<4 { bytes[offset + byte] = UInt8((nan >> (8 * UInt32(byte))) & 0xFF) }
        let t2i = try file("t2i.npy", bytes)
        let message = errorMessage(Fixtures.url("retrieval/tiny_hand/score_i2t.npy"), t2i, Fixtures.url("retrieval/tiny_hand/inputs.json"))
        XCTAssertTrue(message.contains("score_t2i has a NaN score at [1, 2]"), message)
    }

    func testUnknownImageOrTextInTheMapping() throws {
        let i2t = Fixtures.url("retrieval/tiny_hand/score_i2t.npy"), t2i = Fixtures.url("retrieval/tiny_hand/score_t2i.npy")
        let unknownImage = try file("m1.json", Data(#"{"txt2img": [0, 0, 1, 2, 2, 7], "img2txt": [[0, 1], [2], [3, 4, 5]]}"#.utf8))
        XCTAssertTrue(errorMessage(i2t, t2i, unknownImage).contains("txt2img[5] is image 7, outside 0..<3"))
        let unknownText = try file("m2.json", Data(#"{"txt2img": [0, 0, 1, 2, 2, 2], "img2txt": [[0, 1], [2], [3, 4, 6]]}"#.utf8))
        XCTAssertTrue(errorMessage(i2t, t2i, unknownText).contains("img2txt[2] lists text 6, outside 0..<6"))
        let missingKey = try file("m3.json", Data(#"{"txt2img": [0, 0, 1, 2, 2, 2]}"#.utf8))
        XCTAssertTrue(errorMessage(i2t, t2i, missingKey).contains("expected an object with \"img2txt\" and \"txt2img\""))
    }

    func testMalformedAndMissingFiles() throws {
        let i2t = Fixtures.url("retrieval/tiny_hand/score_i2t.npy"), t2i = Fixtures.url("retrieval/tiny_hand/score_t2i.npy")
        let malformed = try file("bad.json", Data(#"{"txt2img": [0, "#.utf8))
        XCTAssertTrue(errorMessage(i2t, t2i, malformed).contains("bad.json: malformed JSON"))
        let ragged = try file("ragged.json", Data("[[1, 2], [3]]".utf8))
        XCTAssertTrue(errorMessage(ragged, t2i, Fixtures.url("retrieval/tiny_hand/inputs.json")).contains("row 1 is not an array of 2 numbers"))
        let notNpy = try file("x.npy", Data("hello".utf8))
        XCTAssertTrue(errorMessage(notNpy, t2i, Fixtures.url("retrieval/tiny_hand/inputs.json")).contains("x.npy: not a .npy file"))
        let missing = directory.appendingPathComponent("missing.npy")
        XCTAssertTrue(errorMessage(missing, t2i, Fixtures.url("retrieval/tiny_hand/inputs.json")).contains("missing.npy: cannot read"))
    }
}
