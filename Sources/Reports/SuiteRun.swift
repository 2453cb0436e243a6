import Foundation
import Metrics

/// One run of `mplug-eval suite`: every bundled evaluation, the tiny-model conformance and the
/// throughput smoke test, in one versioned document (`"schema": "mplug-eval.suite/1"`).
public struct SuiteRun: Codable, Equatable, Sendable {
    /// The schema string this code reads and writes.
    public static let currentSchema = "mplug-eval.suite/1"

    public var schema: String
    /// Evaluation name (for example `coco_sample`) → its scores.
    public var evaluations: [String: EvaluationScores]
    /// Conformance configuration name → result.
    public var conformance: [String: ConformanceOutcome]
    /// Throughput parts, normalized by a reference GEMM timed in the same run.
    public var throughput: ThroughputSample?

    public init(evaluations: [String: EvaluationScores] = [:],
                conformance: [String: ConformanceOutcome] = [:],
                throughput: ThroughputSample? = nil) {
        schema = Self.currentSchema
        self.evaluations = evaluations
        self.conformance = conformance
        self.throughput = throughput
    }
}

/// The corpus scores of one evaluation in a suite run.
public struct EvaluationScores: Codable, Equatable, Sendable {
    /// `coco`, `nocaps`, `vqa` or `retrieval`.
    public var task: String
    /// True when the predictions are fixed files, so every score must reproduce exactly.
    public var deterministic: Bool
    /// Metric name → value; every metric here is "higher is better".
    public var metrics: [String: Double]
    /// Metric name → bootstrap 95% interval, when the run computed one.
    public var ci95: [String: ConfidenceInterval]?
    /// The evaluation's full result document (`mplug-eval.coco/1`, `.vqa/1`, `.retrieval/1`, with
    /// per-item statistics), as a path relative to the suite run's directory. Kept for evaluations
    /// that are not deterministic, so the gate can run a paired bootstrap against the baseline's.
    public var resultDocument: String?

    public init(task: String, deterministic: Bool, metrics: [String: Double],
                ci95: [String: ConfidenceInterval]? = nil, resultDocument: String? = nil) {
        self.task = task
        self.deterministic = deterministic
        self.metrics = metrics
        self.ci95 = ci95
        self.resultDocument = resultDocument
    }
}

/// The outcome of one conformance check.
public struct ConformanceOutcome: Codable, Equatable, Sendable {
    public var passed: Bool
    /// Names of the tensors or generations that failed or were not checked.
    public var failures: [String]

    public init(passed: Bool, failures: [String]) {
        self.passed = passed
        self.failures = failures
    }
}

/// Throughput of benchmark parts as ratios to a reference GEMM timed in the same process,
/// so runs on shared, noisy machines compare fairly.
public struct ThroughputSample: Codable, Equatable, Sendable {
    /// What the reference is, for example `sgemm 512x512x512`.
    public var reference: String
    /// Median seconds of the reference.
    public var referenceSeconds: Double
    /// Part name → median seconds of that part.
    public var partSeconds: [String: Double]

    public init(reference: String, referenceSeconds: Double, partSeconds: [String: Double]) {
        self.reference = reference
        self.referenceSeconds = referenceSeconds
        self.partSeconds = partSeconds
    }

    /// Normalized throughput of a part: reference seconds / part seconds (higher is faster).
    public func normalizedThroughput(_ part: String) -> Double? {
        guard let seconds = partSeconds[part], seconds > 0 else { return nil }
        return referenceSeconds / seconds
    }
}

extension SuiteRun {
    /// Reads a suite run, checking the schema version.
    public static func load(_ url: URL) throws -> SuiteRun {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ReportError.badReport("\(url.path): cannot read (\((error as NSError).localizedDescription))")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ReportError.badReport("\(url.path): not a JSON object")
        }
        guard let schema = object["schema"] as? String else {
            throw ReportError.badReport("\(url.path): no \"schema\" field; expected \"\(currentSchema)\"")
        }
        guard schema == currentSchema else {
            throw ReportError.badReport("\(url.path): schema \"\(schema)\" is not supported; expected \"\(currentSchema)\" (regenerate it with `mplug-eval suite`)")
        }
        do {
            return try JSONDecoder().decode(SuiteRun.self, from: data)
        } catch {
            throw ReportError.badReport("\(url.path): \(describe(error))")
        }
    }

    /// The document as pretty-printed JSON with sorted keys.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }
}

/// A short readable description of a decoding error.
func describe(_ error: Error) -> String {
    guard let decoding = error as? DecodingError else { return "\(error)" }
    func path(_ context: DecodingError.Context) -> String {
        context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
    switch decoding {
    case let .keyNotFound(key, context): return "missing field \"\(key.stringValue)\" at \(path(context))"
    case let .typeMismatch(_, context): return "wrong type at \(path(context)): \(context.debugDescription)"
    case let .valueNotFound(_, context): return "missing value at \(path(context))"
    case let .dataCorrupted(context): return "malformed at \(path(context)): \(context.debugDescription)"
    @unknown default: return "\(error)"
    }
}
