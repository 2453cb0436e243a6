import Foundation
import EvalTasks

/// The common tail of the scoring subcommands: compute (bad input → exit 2), print the table,
/// and write the JSON report when `--json` was given.
func runAndReport<Result>(jsonOutput: String?, compute: () throws -> Result,
                          table: (Result) -> String, report: (Result) -> JSONValue) throws {
    let result = try exitingOnBadInput(compute)
    print(table(result), terminator: "")
    if let jsonOutput {
        try exitingOnBadInput { try report(result).write(to: URL(fileURLWithPath: jsonOutput)) }
    }
}
