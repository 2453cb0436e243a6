/// The difference B − A of one metric between two systems scored on the same items.
public struct MetricDifference: Codable, Equatable, Sendable {
    public var metric: String
    /// Point estimates on all items.
    public var baseline: Double
    public var current: Double
    /// `current − baseline`.
    public var delta: Double
    /// Percentile interval of the resampled deltas.
    public var interval: ConfidenceInterval
    /// Two-sided p-value of "no difference": twice the smaller tail share of resampled deltas
    /// at or beyond zero (capped at 1), with the +1 correction so it is never 0.
    public var pValue: Double

    public init(metric: String, baseline: Double, current: Double, delta: Double,
                interval: ConfidenceInterval, pValue: Double) {
        self.metric = metric
        self.baseline = baseline
        self.current = current
        self.delta = delta
        self.interval = interval
        self.pValue = pValue
    }
}

/// Paired bootstrap between two results on the same items (Koehn 2004 style).
///
/// Both results are resampled with the same indices in every replicate, so per-item
/// correlation between the systems is kept. Items are paired by `itemIDs`; results on
/// different item sets are rejected.
public enum PairedComparison {
    /// Differences for every metric the two results share, sorted by metric name.
    public static func compare(baseline: some ResamplableScores, current: some ResamplableScores,
                               replicates: Int, seed: UInt64,
                               confidence: Double = 0.95) throws -> [MetricDifference] {
        guard baseline.itemCount == current.itemCount, baseline.itemIDs.count == current.itemIDs.count else {
            throw MetricError.invalidInput("compare: the results cover \(baseline.itemCount) and \(current.itemCount) items; they must be scored on the same items")
        }
        // Align current's items to baseline's order.
        var position: [String: Int] = [:]
        for (i, id) in current.itemIDs.enumerated() { position[id] = i }
        var alignment = [Int]()
        alignment.reserveCapacity(baseline.itemCount)
        for id in baseline.itemIDs {
            guard let j = position[id] else {
                throw MetricError.invalidInput("compare: item \(id) is in the baseline but not in the current result")
            }
            alignment.append(j)
        }
        let n = baseline.itemCount
        let all = Array(0..<n)
        let pointA = baseline.corpusScores(over: all)
        let pointB = current.corpusScores(over: alignment)
        let metrics = pointA.keys.filter { pointB[$0] != nil }.sorted()

        var generator = SeededGenerator(seed: seed)
        var deltas: [String: [Double]] = [:]
        var indices = [Int](repeating: 0, count: n)
        var mapped = [Int](repeating: 0, count: n)
        for _ in 0..<max(1, replicates) {
            for i in 0..<n {
                indices[i] = generator.nextIndex(below: n)
                mapped[i] = alignment[indices[i]]
            }
            let a = baseline.corpusScores(over: indices)
            let b = current.corpusScores(over: mapped)
            for metric in metrics {
                if let x = a[metric], let y = b[metric] { deltas[metric, default: []].append(y - x) }
            }
        }
        let alpha = (1 - confidence) / 2
        return metrics.compactMap { metric in
            guard let a = pointA[metric], let b = pointB[metric] else { return nil }
            let sorted = (deltas[metric] ?? []).sorted()
            guard !sorted.isEmpty else { return nil }
            let count = Double(sorted.count)
            let atOrBelowZero = Double(sorted.filter { $0 <= 0 }.count)
            let atOrAboveZero = Double(sorted.filter { $0 >= 0 }.count)
            let p = Swift.min(1, 2 * (Swift.min(atOrBelowZero, atOrAboveZero) + 1) / (count + 1))
            return MetricDifference(
                metric: metric, baseline: a, current: b, delta: b - a,
                interval: ConfidenceInterval(lower: Bootstrap.percentile(sorted, alpha),
                                             upper: Bootstrap.percentile(sorted, 1 - alpha)),
                pValue: p)
        }
    }
}
