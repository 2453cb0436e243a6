import Foundation
import Metrics

/// Thresholds of the regression gate (`reports/thresholds.json`, `"schema": "mplug-eval.thresholds/1"`).
public struct GateThresholds: Codable, Equatable, Sendable {
    public static let currentSchema = "mplug-eval.thresholds/1"

    public var schema: String
    /// Largest tolerated absolute drop of a metric in its own unit (raw 0–1 scale for captions,
    /// percent for VQA and retrieval), keyed `evaluation/metric`, then `evaluation/*`; `default`
    /// applies to the rest.
    public var metricDrop: [String: Double]
    /// A drop beyond its threshold is a regression only when the paired test gives p below this.
    public var significance: Double
    /// Relative tolerance under which a deterministic metric counts as unchanged.
    public var deterministicTolerance: Double
    /// Normalized throughput falling by more than this share warns (0.10 = 10%).
    public var throughputWarnDrop: Double
    /// Normalized throughput falling by more than this share fails (0.5 = by more than half).
    public var throughputFailDrop: Double

    public init(metricDrop: [String: Double] = ["default": 0.005], significance: Double = 0.05,
                deterministicTolerance: Double = 1e-9, throughputWarnDrop: Double = 0.10,
                throughputFailDrop: Double = 0.5) {
        schema = Self.currentSchema
        self.metricDrop = metricDrop
        self.significance = significance
        self.deterministicTolerance = deterministicTolerance
        self.throughputWarnDrop = throughputWarnDrop
        self.throughputFailDrop = throughputFailDrop
    }

    enum CodingKeys: String, CodingKey {
        case schema, significance
        case metricDrop = "metric_drop"
        case deterministicTolerance = "deterministic_tolerance"
        case throughputWarnDrop = "throughput_warn_drop"
        case throughputFailDrop = "throughput_fail_drop"
    }

    /// The tolerated drop for `evaluation/metric`: its own entry, the evaluation's `evaluation/*`, or `default`.
    public func allowedDrop(_ key: String) -> Double {
        let evaluation = key.split(separator: "/", maxSplits: 1).first.map(String.init) ?? key
        return metricDrop[key] ?? metricDrop["\(evaluation)/*"] ?? metricDrop["default"] ?? 0
    }

    /// Reads thresholds, checking the schema version.
    public static func load(_ url: URL) throws -> GateThresholds {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ReportError.badReport("\(url.path): cannot read (\((error as NSError).localizedDescription))")
        }
        let decoded: GateThresholds
        do {
            decoded = try JSONDecoder().decode(GateThresholds.self, from: data)
        } catch {
            throw ReportError.badReport("\(url.path): \(describe(error))")
        }
        guard decoded.schema == currentSchema else {
            throw ReportError.badReport("\(url.path): schema \"\(decoded.schema)\" is not supported; expected \"\(currentSchema)\"")
        }
        return decoded
    }
}

/// The verdict on one checked quantity.
public enum GateVerdict: String, Codable, Sendable {
    case ok, improved, new, warning, regression
}

/// One row of the gate's report.
public struct GateFinding: Codable, Equatable, Sendable {
    /// `evaluation/metric`, `conformance/<config>` or `throughput/<part>`.
    public var check: String
    public var baseline: Double?
    public var current: Double?
    public var delta: Double?
    /// Paired-bootstrap interval of the delta, when computed.
    public var interval: ConfidenceInterval?
    public var pValue: Double?
    public var verdict: GateVerdict
    /// Why the verdict was given, in words.
    public var reason: String

    public init(check: String, baseline: Double? = nil, current: Double? = nil, delta: Double? = nil,
                interval: ConfidenceInterval? = nil, pValue: Double? = nil, verdict: GateVerdict, reason: String) {
        self.check = check
        self.baseline = baseline
        self.current = current
        self.delta = delta
        self.interval = interval
        self.pValue = pValue
        self.verdict = verdict
        self.reason = reason
    }
}

/// Compares a run with the committed baseline.
///
/// A regression is any of: a metric drop beyond its threshold that the paired test finds
/// significant; a deterministic metric changing at all; a conformance failure; the overall
/// normalized throughput (geometric mean over the parts of the ratios current / baseline)
/// falling by more than `throughputFailDrop`. A single part falling by more than
/// `throughputWarnDrop` (even by more than half) only warns: short parts timed on a shared
/// machine vary by 2× and more from run to run, their geometric mean far less.
public enum RegressionGate {
    /// Findings sorted by check name.
    /// - Parameter differences: paired-test results keyed `evaluation/metric`, for evaluations
    ///   whose predictions are not deterministic (computed by the caller from per-item statistics).
    public static func evaluate(baseline: SuiteRun, current: SuiteRun, thresholds: GateThresholds,
                                differences: [String: MetricDifference] = [:]) -> [GateFinding] {
        var findings: [GateFinding] = []
        for (name, base) in baseline.evaluations {
            let cur = current.evaluations[name]
            for (metric, b) in base.metrics {
                let key = "\(name)/\(metric)"
                guard let c = cur?.metrics[metric] else {
                    findings.append(GateFinding(check: key, baseline: b, current: nil, delta: nil, verdict: .regression,
                                                reason: "missing from the current run"))
                    continue
                }
                findings.append(metricFinding(key: key, baseline: b, current: c,
                                              deterministic: base.deterministic || cur?.deterministic == true,
                                              difference: differences[key], thresholds: thresholds))
            }
            for (metric, c) in cur?.metrics ?? [:] where base.metrics[metric] == nil {
                findings.append(GateFinding(check: "\(name)/\(metric)", baseline: nil, current: c, delta: nil,
                                            verdict: .new, reason: "not in the baseline"))
            }
        }
        for (name, cur) in current.evaluations where baseline.evaluations[name] == nil {
            for (metric, c) in cur.metrics {
                findings.append(GateFinding(check: "\(name)/\(metric)", baseline: nil, current: c, delta: nil,
                                            verdict: .new, reason: "evaluation not in the baseline"))
            }
        }
        let configs = Set(baseline.conformance.keys).union(current.conformance.keys)
        for config in configs {
            let key = "conformance/\(config)"
            guard let outcome = current.conformance[config] else {
                findings.append(GateFinding(check: key, verdict: .regression, reason: "not run"))
                continue
            }
            findings.append(outcome.passed
                ? GateFinding(check: key, verdict: .ok, reason: "all outputs within tolerance")
                : GateFinding(check: key, verdict: .regression,
                              reason: "failed: " + outcome.failures.joined(separator: ", ")))
        }
        if let base = baseline.throughput {
            let parts = base.partSeconds.keys.map {
                throughputFinding(part: $0, baseline: base, current: current.throughput, thresholds: thresholds)
            }
            findings += parts
            if let overall = overallThroughputFinding(parts, thresholds: thresholds) { findings.append(overall) }
        }
        return findings.sorted { $0.check < $1.check }
    }

    /// True when any finding is a regression (the CLI then exits 1).
    public static func hasRegression(_ findings: [GateFinding]) -> Bool {
        findings.contains { $0.verdict == .regression }
    }

    private static func metricFinding(key: String, baseline b: Double, current c: Double, deterministic: Bool,
                                      difference: MetricDifference?, thresholds: GateThresholds) -> GateFinding {
        let delta = c - b
        var finding = GateFinding(check: key, baseline: b, current: c, delta: delta,
                                  interval: difference?.interval, pValue: difference?.pValue,
                                  verdict: .ok, reason: "")
        if deterministic {
            let unchanged = abs(delta) <= thresholds.deterministicTolerance * max(1, abs(b))
            finding.verdict = unchanged ? .ok : .regression
            finding.reason = unchanged ? "unchanged (deterministic)"
                : "deterministic metric changed without a baseline update"
            return finding
        }
        let allowed = thresholds.allowedDrop(key)
        if -delta > allowed {
            if let p = difference?.pValue, p < thresholds.significance {
                finding.verdict = .regression
                finding.reason = "dropped by \(format(-delta)) > \(format(allowed)), significant (p = \(format(p)))"
            } else {
                finding.verdict = .warning
                finding.reason = difference == nil
                    ? "dropped by \(format(-delta)) > \(format(allowed)); no paired test available"
                    : "dropped by \(format(-delta)) > \(format(allowed)), not significant"
            }
        } else if delta > allowed, let p = difference?.pValue, p < thresholds.significance {
            finding.verdict = .improved
            finding.reason = "improved by \(format(delta)), significant (p = \(format(p)))"
        } else {
            finding.reason = "within \(format(allowed))"
        }
        return finding
    }

    private static func throughputFinding(part: String, baseline: ThroughputSample, current: ThroughputSample?,
                                          thresholds: GateThresholds) -> GateFinding {
        let key = "throughput/\(part)"
        guard let b = baseline.normalizedThroughput(part) else {
            return GateFinding(check: key, verdict: .ok, reason: "no baseline value")
        }
        guard let c = current?.normalizedThroughput(part) else {
            return GateFinding(check: key, baseline: b, verdict: .warning, reason: "not measured in the current run")
        }
        let ratio = c / b
        var finding = GateFinding(check: key, baseline: b, current: c, delta: c - b, verdict: .ok,
                                  reason: "normalized throughput ×\(format(ratio)) of the baseline")
        if ratio < 1 - thresholds.throughputWarnDrop {
            finding.verdict = .warning
            finding.reason += ": slower (one part warns; the gate fails on the geometric mean of all parts)"
        }
        return finding
    }

    /// `throughput/overall`: the geometric mean over the parts measured in both runs of
    /// current / baseline normalized throughput; a regression below `1 − throughputFailDrop`.
    private static func overallThroughputFinding(_ parts: [GateFinding], thresholds: GateThresholds) -> GateFinding? {
        let logs = parts.compactMap { finding -> Double? in
            guard let b = finding.baseline, let c = finding.current, b > 0, c > 0 else { return nil }
            return log(c / b)
        }
        guard !logs.isEmpty else { return nil }
        let ratio = exp(logs.reduce(0, +) / Double(logs.count))
        var finding = GateFinding(check: "throughput/overall", baseline: 1, current: ratio, delta: ratio - 1, verdict: .ok,
                                  reason: "geometric mean over \(logs.count) parts: ×\(format(ratio)) of the baseline")
        if ratio < 1 - thresholds.throughputFailDrop {
            finding.verdict = .regression
            finding.reason += ": fell by more than \(format(100 * thresholds.throughputFailDrop))%"
        } else if ratio < 1 - thresholds.throughputWarnDrop {
            finding.verdict = .warning
            finding.reason += ": slower (warning only on shared machines)"
        }
        return finding
    }
}

/// Formats a number compactly for reports (up to 4 significant decimals, no exponent for usual values).
func format(_ value: Double) -> String {
    if value == 0 { return "0" }
    if abs(value) >= 1e-4 && abs(value) < 1e6 {
        var text = String(format: "%.4f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
    return String(format: "%.3e", value)
}

extension RegressionGate {
    /// The pairs of result documents the gate can test: for every evaluation in both runs that is
    /// not deterministic and has a result document in both, `(name, baseline document, current
    /// document)`, documents resolved against the directories of their suite runs.
    public static func pairedDocuments(baseline: SuiteRun, baselineFile: URL,
                                       current: SuiteRun, currentFile: URL) -> [(evaluation: String, baseline: URL, current: URL)] {
        baseline.evaluations.keys.sorted().compactMap { name in
            guard let base = baseline.evaluations[name], let cur = current.evaluations[name],
                  !base.deterministic, !cur.deterministic,
                  let a = base.resultDocument, let b = cur.resultDocument else { return nil }
            return (name, URL(fileURLWithPath: a, relativeTo: baselineFile.deletingLastPathComponent()).standardizedFileURL,
                    URL(fileURLWithPath: b, relativeTo: currentFile.deletingLastPathComponent()).standardizedFileURL)
        }
    }
}
