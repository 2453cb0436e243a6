import Foundation
import EvalTasks
import Metrics

/// The common tail of the scoring subcommands: compute (bad input → exit 2), bootstrap the
/// corpus scores when asked, print the table (and the intervals), and write the JSON report
/// (with `ci95` next to the scores) when `--json` was given.
func runAndReport<Result: ResamplableScores>(jsonOutput: String?, bootstrap: BootstrapOptions,
                                             compute: () throws -> Result,
                                             table: (Result) -> String, report: (Result) -> JSONValue) throws {
    let result = try exitingOnBadInput(compute)
    let intervals = bootstrap.intervals(for: result)
    print(table(result), terminator: "")
    if let intervals { print(intervalLines(intervals, replicates: bootstrap.bootstrap), terminator: "") }
    if let jsonOutput {
        var document = report(result)
        if let intervals, case var .object(members) = document {
            members["ci95"] = .object(intervals.mapValues { .array([.double($0.lower), .double($0.upper)]) })
            document = .object(members)
        }
        try exitingOnBadInput { try document.write(to: URL(fileURLWithPath: jsonOutput)) }
    }
}
