import Metrics

/// Renders the paired comparison of two result files (`mplug-eval compare`).
public enum ComparisonRendering {
    /// A fixed-width text table: metric, A, B, delta (B − A), 95% interval of the delta, p-value.
    public static func text(_ differences: [MetricDifference], replicates: Int) -> String {
        let width = max(8, (differences.map(\.metric.count).max() ?? 0) + 2)
        func cell(_ text: String, _ size: Int = 12) -> String {
            String(repeating: " ", count: max(0, size - text.count)) + text
        }
        var lines = ["metric".padding(toLength: width, withPad: " ", startingAt: 0)
            + cell("A") + cell("B") + cell("delta") + cell("95% CI of delta", 26) + cell("p", 9)]
        for d in differences {
            lines.append(d.metric.padding(toLength: width, withPad: " ", startingAt: 0)
                + cell(format(d.baseline)) + cell(format(d.current)) + cell(format(d.delta))
                + cell("[\(format(d.interval.lower)), \(format(d.interval.upper))]", 26) + cell(format(d.pValue), 9))
        }
        lines.append("paired bootstrap, \(replicates) replicates; p: two-sided, of no difference")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The same as a Markdown table.
    public static func markdown(_ differences: [MetricDifference], replicates: Int) -> String {
        var lines = ["| metric | A | B | delta | 95% interval | p |", "|---|---:|---:|---:|---:|---:|"]
        for d in differences {
            lines.append("| \(d.metric) | \(format(d.baseline)) | \(format(d.current)) | \(format(d.delta)) | "
                + "[\(format(d.interval.lower)), \(format(d.interval.upper))] | \(format(d.pValue)) |")
        }
        lines.append("")
        lines.append("Paired bootstrap over items, \(replicates) replicates; p is two-sided, of no difference.")
        return lines.joined(separator: "\n") + "\n"
    }
}
