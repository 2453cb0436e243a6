import Foundation

/// Renders gate findings for people (Markdown, for a pull-request comment) and for CI
/// dashboards (JUnit XML).
public enum GateRendering {
    /// A Markdown table: check, baseline, current, delta, interval, verdict, and a summary line.
    public static func markdown(_ findings: [GateFinding]) -> String {
        let regressions = findings.filter { $0.verdict == .regression }.count
        let warnings = findings.filter { $0.verdict == .warning }.count
        var lines = ["## mplug-eval regression report", ""]
        lines.append(regressions == 0
            ? "**No regression** (\(findings.count) checks, \(warnings) warnings)."
            : "**\(regressions) regression(s)** (\(findings.count) checks, \(warnings) warnings).")
        lines.append("")
        lines.append("| check | baseline | current | delta | 95% interval | p | verdict | reason |")
        lines.append("|---|---|---|---|---|---|---|---|")
        for f in findings {
            let interval = f.interval.map { "[\(format($0.lower)), \(format($0.upper))]" } ?? ""
            lines.append("| \(f.check) | \(f.baseline.map(format) ?? "") | \(f.current.map(format) ?? "") | "
                + "\(f.delta.map(format) ?? "") | \(interval) | \(f.pValue.map(format) ?? "") | "
                + "\(f.verdict.rawValue) | \(f.reason.replacingOccurrences(of: "|", with: "\\|")) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// JUnit XML: one test case per check; regressions are failures, warnings go to system-out.
    public static func junit(_ findings: [GateFinding]) -> String {
        let failures = findings.filter { $0.verdict == .regression }.count
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites>\n"
        xml += "  <testsuite name=\"mplug-eval regression gate\" tests=\"\(findings.count)\" failures=\"\(failures)\">\n"
        for f in findings {
            let parts = f.check.split(separator: "/", maxSplits: 1).map(String.init)
            let className = parts.first ?? f.check
            let name = parts.count > 1 ? parts[1] : f.check
            xml += "    <testcase classname=\"\(escape(className))\" name=\"\(escape(name))\">"
            switch f.verdict {
            case .regression:
                xml += "<failure message=\"\(escape(f.reason))\"/>"
            case .warning:
                xml += "<system-out>\(escape("warning: " + f.reason))</system-out>"
            default:
                break
            }
            xml += "</testcase>\n"
        }
        xml += "  </testsuite>\n</testsuites>\n"
        return xml
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;")
            .replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
