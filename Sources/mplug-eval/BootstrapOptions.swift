import ArgumentParser
import Foundation
import Metrics

/// `--bootstrap N --seed S`, shared by `coco`, `vqa`, `retrieval` and `compare`.
struct BootstrapOptions: ParsableArguments {
    @Option(help: "Bootstrap replicates over images (questions, queries) for 95% percentile intervals; 0: none.")
    var bootstrap: Int = 0

    @Option(help: "Seed of the bootstrap resampling (same seed, same intervals).")
    var seed: UInt64 = 0

    func validate() throws {
        guard bootstrap >= 0 else { throw ValidationError("--bootstrap must be 0 or more") }
    }

    /// 95% intervals of every corpus score of `scores`, or nil without `--bootstrap`.
    func intervals(for scores: some ResamplableScores) -> [String: ConfidenceInterval]? {
        bootstrap > 0 ? Bootstrap.intervals(for: scores, replicates: bootstrap, seed: seed) : nil
    }
}

/// Intervals as lines under a score table: `  metric  [lo, hi]`, metrics sorted by name.
func intervalLines(_ intervals: [String: ConfidenceInterval], replicates: Int) -> String {
    let width = max(10, (intervals.keys.map(\.count).max() ?? 0) + 2)
    var text = "95% bootstrap intervals (\(replicates) replicates)\n"
    for (metric, interval) in intervals.sorted(by: { $0.key < $1.key }) {
        text += "  " + metric.padding(toLength: width, withPad: " ", startingAt: 0)
            + String(format: "[%.4f, %.4f]\n", interval.lower, interval.upper)
    }
    return text
}
