@_exported import SeededRandom

/// A corpus result that can be recomputed on any multiset of its items (images, questions,
/// queries) from per-item sufficient statistics. Bootstrap intervals and paired comparisons
/// rest on this alone, with no metric-specific code.
public protocol ResamplableScores {
    /// The number of items (images, questions or queries) the result was computed on.
    var itemCount: Int { get }
    /// Stable item identifiers in item order, used to pair two results on the same items.
    var itemIDs: [String] { get }
    /// The corpus scores (metric name → value) recomputed on the items at `indices`
    /// (repeats allowed). `indices == Array(0..<itemCount)` gives the point estimates.
    func corpusScores(over indices: [Int]) -> [String: Double]
}

/// A two-sided 95% (or other) percentile interval. Encoded in JSON as `[lower, upper]`.
public struct ConfidenceInterval: Codable, Equatable, Sendable {
    public var lower: Double
    public var upper: Double

    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
    }

    public init(from decoder: Decoder) throws {
        var container = try decoder.unkeyedContainer()
        lower = try container.decode(Double.self)
        upper = try container.decode(Double.self)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(lower)
        try container.encode(upper)
    }

    /// True when `value` lies in `[lower, upper]`.
    public func contains(_ value: Double) -> Bool { lower <= value && value <= upper }
}

/// Percentile bootstrap over items.
///
/// Each replicate draws `itemCount` indices with replacement (SplitMix64 seeded by `seed`) and
/// recomputes the corpus scores. The interval is the (α/2, 1−α/2) percentile of the replicates,
/// with linear interpolation between order statistics (numpy's default `percentile`).
/// Deterministic for a given seed, replicate count and item count.
public enum Bootstrap {
    /// Percentile intervals for every metric of `scores`.
    /// - Parameters:
    ///   - replicates: number of bootstrap resamples (≥ 1).
    ///   - confidence: interval coverage, 0.95 for a 95% interval.
    public static func intervals(for scores: some ResamplableScores, replicates: Int, seed: UInt64,
                                 confidence: Double = 0.95) -> [String: ConfidenceInterval] {
        let n = scores.itemCount
        guard n > 0, replicates > 0 else { return [:] }
        var generator = SeededGenerator(seed: seed)
        var samples: [String: [Double]] = [:]
        var indices = [Int](repeating: 0, count: n)
        for _ in 0..<replicates {
            for i in 0..<n { indices[i] = generator.nextIndex(below: n) }
            for (metric, value) in scores.corpusScores(over: indices) {
                samples[metric, default: []].append(value)
            }
        }
        let alpha = (1 - confidence) / 2
        return samples.mapValues { values in
            let sorted = values.sorted()
            return ConfidenceInterval(lower: percentile(sorted, alpha), upper: percentile(sorted, 1 - alpha))
        }
    }

    /// The `q`-quantile (0…1) of ascending `sorted`, interpolating linearly between order statistics.
    public static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        precondition(!sorted.isEmpty, "percentile of an empty sample")
        let position = q * Double(sorted.count - 1)
        let low = Int(position.rounded(.down))
        let high = Swift.min(low + 1, sorted.count - 1)
        let fraction = position - Double(low)
        return sorted[low] + (sorted[high] - sorted[low]) * fraction
    }
}
