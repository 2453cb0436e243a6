import Foundation
import XCTest

/// The outcome of one run of a command-line tool.
struct ToolRun {
    /// The exit code, or the signal number when `crashed`.
    let status: Int32
    /// True when the process ended by a signal (a trap, a crash) instead of exiting.
    let crashed: Bool
    let standardOutput: String
    let standardError: String

    /// The non-empty lines of standard error.
    var errorLines: [String] {
        standardError.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    /// A summary for failure messages.
    var summary: String {
        "status \(status)\(crashed ? " (signal)" : ""); stderr: \(standardError.prefix(2000)); stdout: \(standardOutput.prefix(500))"
    }
}

/// Finds and runs the built `mplug-eval` and `mplug-bench` executables (the products of the same
/// `swift build`, so the same debug or release configuration as the tests).
enum CommandLineTool {
    /// The executable `name` in the build products directory: the directory of the test bundle
    /// (Linux: `.build/<config>/<package>PackageTests.xctest`) or one of its parents (macOS bundles).
    static func locate(_ name: String) -> URL? {
        let starts = [Bundle.main.bundleURL, URL(fileURLWithPath: CommandLine.arguments[0])] + Bundle.allBundles.map(\.bundleURL)
        for start in starts {
            var directory = start
            for _ in 0..<5 {
                let candidate = directory.appendingPathComponent(name)
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                   FileManager.default.isExecutableFile(atPath: candidate.path) {
                    return candidate
                }
                directory = directory.deletingLastPathComponent()
            }
        }
        return nil
    }

    /// Runs `executable` with `arguments` in `directory`, capturing both output streams in files
    /// there (no pipe can fill up and block the child).
    static func run(_ executable: URL, _ arguments: [String], in directory: URL) throws -> ToolRun {
        let id = UUID().uuidString
        let outURL = directory.appendingPathComponent(".stdout-\(id)"), errURL = directory.appendingPathComponent(".stderr-\(id)")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return ToolRun(status: process.terminationStatus,
                       crashed: process.terminationReason == .uncaughtSignal,
                       standardOutput: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                       standardError: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }
}

/// A test case with a fresh temporary directory per test, which is also the tools' working directory.
class CommandLineTestCase: XCTestCase {
    /// This test's scratch directory, removed after the test.
    private(set) var temporaryDirectory: URL!

    override func setUpWithError() throws {
        temporaryDirectory = FileManager.default.temporaryDirectory
            .appendingPathComponent("clitests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: temporaryDirectory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let temporaryDirectory { try? FileManager.default.removeItem(at: temporaryDirectory) }
    }

    /// Runs the built tool `name` (`mplug-eval` or `mplug-bench`); skips the test when it was not built.
    func run(_ name: String, _ arguments: [String]) throws -> ToolRun {
        guard let executable = CommandLineTool.locate(name) else {
            throw XCTSkip("\(name) not found next to the test bundle (\(Bundle.main.bundleURL.path)); build it with `swift build --product \(name)`")
        }
        return try CommandLineTool.run(executable, arguments, in: temporaryDirectory)
    }

    /// Runs `mplug-eval` with `arguments`.
    func mplugEval(_ arguments: String...) throws -> ToolRun { try run("mplug-eval", arguments) }

    /// The path of a new file `name` in the temporary directory holding `text`.
    func write(_ text: String, to name: String) throws -> String {
        let url = temporaryDirectory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// The path of a new file `name` in the temporary directory holding `object` as JSON.
    func writeJSON(_ object: Any, to name: String) throws -> String {
        let url = temporaryDirectory.appendingPathComponent(name)
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]).write(to: url)
        return url.path
    }

    /// A path in the temporary directory that does not exist.
    func missingPath(_ name: String) -> String {
        temporaryDirectory.appendingPathComponent("missing-\(name)").path
    }

    /// The promise for bad input: exit code 2, no crash, and exactly one `error:` line on standard
    /// error that contains every string of `mentions` (typically the offending path or id).
    func assertBadInput(_ run: ToolRun, mentions: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(run.crashed, "crashed: \(run.summary)", file: file, line: line)
        XCTAssertEqual(run.status, 2, run.summary, file: file, line: line)
        assertOneErrorLine(run, mentions: mentions, file: file, line: line)
    }

    /// Exactly one `error:` line, containing every string of `mentions`, and no crash report.
    func assertOneErrorLine(_ run: ToolRun, mentions: [String], file: StaticString = #filePath, line: UInt = #line) {
        let errors = run.errorLines.filter { $0.hasPrefix("error:") }
        XCTAssertEqual(errors.count, 1, "expected one error line: \(run.summary)", file: file, line: line)
        for mention in mentions {
            XCTAssertTrue(errors.first?.contains(mention) == true, "error line does not mention \(mention): \(run.summary)", file: file, line: line)
        }
        for marker in ["Fatal error", "Stack dump", "stack trace", "Illegal instruction"] {
            XCTAssertFalse(run.standardError.contains(marker), "crash report on stderr: \(run.summary)", file: file, line: line)
        }
    }

    /// Exit code 0 without a crash.
    func assertSuccess(_ run: ToolRun, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(run.crashed, "crashed: \(run.summary)", file: file, line: line)
        XCTAssertEqual(run.status, 0, run.summary, file: file, line: line)
    }
}
