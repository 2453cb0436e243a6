import XCTest

/// Command-line usage errors (unknown options, missing or malformed arguments) are bad input:
/// exit code 2 and one `error:` line, like every other bad input, not ArgumentParser's default 64
/// with a multi-line usage text.
final class UsageErrorTests: CommandLineTestCase {
    func testUnknownOptionIsBadInputNamingIt() throws {
        assertBadInput(try mplugEval("coco", "--no-such-option", "x"), mentions: ["--no-such-option"])
    }

    func testUnknownSubcommandIsBadInputNamingIt() throws {
        assertBadInput(try mplugEval("cocoa"), mentions: ["cocoa"])
    }

    func testMalformedIntegerIsBadInputNamingTheValue() throws {
        let run = try mplugEval("coco", "--results", "r.json", "--annotations", "a.json", "--bootstrap", "many")
        assertBadInput(run, mentions: ["many"])
    }

    func testBenchUnknownOptionIsBadInput() throws {
        assertBadInput(try run("mplug-bench", ["--ablate-stride", "--fast"]), mentions: ["--fast"])
    }

    func testHelpStillExitsZeroWithUsage() throws {
        let run = try mplugEval("coco", "--help")
        XCTAssertEqual(run.status, 0, run.summary)
        XCTAssertTrue(run.standardOutput.contains("--results"), run.summary)
    }
}

/// `mplug-eval suite` itself runs in `.ci/run` (followed by the regression gate); here only its input errors.
final class SuiteCommandTests: CommandLineTestCase {
    func testMissingBundledDataIsBadInputNamingTheRoot() throws {
        let root = missingPath("checkout")
        let run = try mplugEval("suite", "--output", "suite.json", "--root", root)
        assertBadInput(run, mentions: [root])
        XCTAssertFalse(FileManager.default.fileExists(atPath: temporaryDirectory.appendingPathComponent("suite.json").path))
    }

    func testMissingOutputOptionIsBadInput() throws {
        assertBadInput(try mplugEval("suite"), mentions: ["--output"])
    }
}
