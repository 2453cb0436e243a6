import Foundation
import XCTest

/// `mplug-bench --ablate-stride`: invalid settings exit 2 with one error line naming the option;
/// a minimal tiny-preset run succeeds and writes its JSON report.
final class MPLUGBenchTests: CommandLineTestCase {
    private func bench(_ arguments: String...) throws -> ToolRun { try run("mplug-bench", arguments) }

    func testNothingToRunIsBadInput() throws {
        assertBadInput(try bench(), mentions: ["--ablate-stride"])
    }

    func testUnknownPresetIsBadInputNamingIt() throws {
        assertBadInput(try bench("--ablate-stride", "--preset", "huge"), mentions: ["--preset", "huge"])
    }

    func testNonPositiveOrNonNumericStridesAreBadInput() throws {
        assertBadInput(try bench("--ablate-stride", "--strides", "2,0"), mentions: ["--strides", "0"])
        assertBadInput(try bench("--ablate-stride", "--strides", "two"), mentions: ["--strides", "two"])
        assertBadInput(try bench("--ablate-stride", "--strides", "2,2"), mentions: ["--strides", "duplicate"])
    }

    func testUnknownPrecisionIsBadInputNamingIt() throws {
        assertBadInput(try bench("--ablate-stride", "--precision", "fp32,fp16"), mentions: ["--precision", "fp16"])
    }

    func testUnknownPartIsBadInputNamingIt() throws {
        assertBadInput(try bench("--ablate-stride", "--parts", "visual_encoder,decoder"), mentions: ["--parts", "decoder"])
    }

    func testNonPositiveBatchAndRepetitionsAreBadInput() throws {
        assertBadInput(try bench("--ablate-stride", "--batch", "0"), mentions: ["--batch"])
        assertBadInput(try bench("--ablate-stride", "--repetitions", "0"), mentions: ["--repetitions"])
    }

    func testLengthsBeyondThePresetPositionsAreBadInput() throws {
        assertBadInput(try bench("--ablate-stride", "--preset", "tiny", "--text-len", "4000"), mentions: ["positions"])
    }

    /// One tiny setting, timed once, no child processes: exit 0 and a mplug-bench/1 report.
    func testMinimalTinyRunSucceeds() throws {
        let json = temporaryDirectory.appendingPathComponent("bench.json")
        let run = try bench("--ablate-stride", "--preset", "tiny", "--strides", "2", "--precision", "fp32", "--batch", "1",
                            "--parts", "visual_encoder", "--warmup", "0", "--repetitions", "1", "--no-child-memory",
                            "--json", json.path)
        assertSuccess(run)
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        XCTAssertEqual(document["schema"] as? String, "mplug-bench/1")
    }
}
