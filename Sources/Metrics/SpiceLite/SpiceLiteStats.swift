/// SPICE's tuple categories: all tuples, by size, and the Color / Cardinality / Size attribute subsets.
public enum SpiceLiteCategory: String, CaseIterable, Codable, Sendable {
    case all = "All", object = "Object", attribute = "Attribute", relation = "Relation"
    case color = "Color", cardinality = "Cardinality", size = "Size"

    /// Whether a tuple belongs to the category, as SPICE's `TupleFilter`s decide. `size` is the
    /// number of concepts (1 to 3); `attributeLists` are the Color / Cardinality / Size lists that hold
    /// the attribute's text. A merged attribute joins several words, so it is in no list.
    func contains(size: Int, attributeLists: SpiceLiteAttributeLists) -> Bool {
        switch self {
        case .all: return true
        case .object: return size == 1
        case .attribute: return size == 2
        case .relation: return size == 3
        case .color: return size == 2 && attributeLists.contains(.color)
        case .cardinality: return size == 2 && attributeLists.contains(.cardinality)
        case .size: return size == 2 && attributeLists.contains(.size)
        }
    }
}

/// Which of SPICE's attribute word lists (Color, Cardinality, Size) contain a word.
struct SpiceLiteAttributeLists: OptionSet {
    let rawValue: UInt8
    static let color = Self(rawValue: 1), cardinality = Self(rawValue: 2), size = Self(rawValue: 4)

    init(rawValue: UInt8) { self.rawValue = rawValue }

    init(word: String) {
        self = []
        if SpiceLiteWordLists.colors.contains(word) { insert(.color) }
        if SpiceLiteWordLists.smallNumbers.contains(word) { insert(.cardinality) }
        if SpiceLiteWordLists.sizes.contains(word) { insert(.size) }
    }
}

/// Tuple counts of one image in one category: matched candidate tuples, candidate tuples, reference tuples.
public struct SpiceLiteCounts: Codable, Equatable, Sendable {
    /// Candidate tuples similar to some reference tuple (SPICE counts matches on the candidate side).
    public var truePositives: Int
    public var candidateTuples: Int
    public var referenceTuples: Int

    public init(truePositives: Int = 0, candidateTuples: Int = 0, referenceTuples: Int = 0) {
        self.truePositives = truePositives
        self.candidateTuples = candidateTuples
        self.referenceTuples = referenceTuples
    }

    /// Precision, recall and F1 as SPICE's `Evaluation.calcFScore`: recall tp/ref, precision tp/cand,
    /// F1 = 2PR/(P+R), each 0 when undefined. Nil (SPICE's NaN) when `allowUndefined` and there are no
    /// reference tuples; SPICE uses that for the category subsets, not for All.
    public func score(allowUndefined: Bool) -> SpiceLiteScore? {
        if referenceTuples == 0 {
            return allowUndefined ? nil : SpiceLiteScore(precision: 0, recall: 0, f1: 0)
        }
        let recall = Double(truePositives) / Double(referenceTuples)
        let precision = candidateTuples > 0 ? Double(truePositives) / Double(candidateTuples) : 0
        let f1 = precision > 0 && recall > 0 ? 2 * precision * recall / (precision + recall) : 0
        return SpiceLiteScore(precision: precision, recall: recall, f1: f1)
    }
}

/// Precision, recall and F1 on SPICE's 0–1 scale.
public struct SpiceLiteScore: Codable, Equatable, Sendable {
    public var precision: Double
    public var recall: Double
    public var f1: Double
}

/// Per-image sufficient statistics of SPICE-lite: tuple counts per category. Corpus scores are
/// macro means of per-image F1 (see `SpiceLiteStats.corpusScores`), so bootstrap resamples these.
public struct SpiceLiteStats: Codable, Equatable, Sendable {
    /// Counts keyed by `SpiceLiteCategory.rawValue` ("All", "Object", ...).
    public var counts: [String: SpiceLiteCounts]

    public init(counts: [String: SpiceLiteCounts] = [:]) { self.counts = counts }

    public subscript(category: SpiceLiteCategory) -> SpiceLiteCounts {
        get { counts[category.rawValue] ?? SpiceLiteCounts() }
        set { counts[category.rawValue] = newValue }
    }

    /// Per-image SPICE-lite (F1 over all tuples, 0–1; 0 when the references give no tuples).
    public var score: Double { self[.all].score(allowUndefined: false)?.f1 ?? 0 }

    /// Per-image scores by category; nil for a category without reference tuples (SPICE's NaN).
    public var categoryScores: [SpiceLiteCategory: SpiceLiteScore?] {
        var result: [SpiceLiteCategory: SpiceLiteScore?] = [:]
        for c in SpiceLiteCategory.allCases { result[c] = self[c].score(allowUndefined: c != .all) }
        return result
    }

    /// The corpus score per category: the mean of per-image F1 over the images where it is defined
    /// (SPICE's `macroAverage`; the corpus SPICE that coco-caption reports is `All`).
    /// A category with no defined image is nil.
    public static func corpusScores(_ images: [SpiceLiteStats]) -> [SpiceLiteCategory: Double?] {
        var summary = SpiceLiteSummary()
        for image in images { summary.add(image) }
        return summary.scores
    }
}

/// A running macro average of per-image F1 per category; mergeable across shards.
public struct SpiceLiteSummary: Codable, Equatable, Sendable {
    public var f1Sums: [String: Double] = [:]
    public var imageCounts: [String: Int] = [:]

    public init() {}

    public mutating func add(_ image: SpiceLiteStats) {
        for c in SpiceLiteCategory.allCases {
            guard let s = image[c].score(allowUndefined: c != .all) else { continue }
            f1Sums[c.rawValue, default: 0] += s.f1
            imageCounts[c.rawValue, default: 0] += 1
        }
    }

    public mutating func merge(_ other: SpiceLiteSummary) {
        for (k, v) in other.f1Sums { f1Sums[k, default: 0] += v }
        for (k, v) in other.imageCounts { imageCounts[k, default: 0] += v }
    }

    public var scores: [SpiceLiteCategory: Double?] {
        var result: [SpiceLiteCategory: Double?] = [:]
        for c in SpiceLiteCategory.allCases {
            let n = imageCounts[c.rawValue] ?? 0
            result[c] = n > 0 ? (f1Sums[c.rawValue] ?? 0) / Double(n) : nil
        }
        return result
    }
}

/// SPICE-lite statistics of a whole evaluation, one entry per image, ready for bootstrap
/// (`Bootstrap.intervals`, `PairedComparison`). Corpus score names: "SPICE-lite" (All) and
/// "SPICE-lite/<Category>" ("SPICE-lite/Object", ...); a category with no defined image is omitted.
public struct SpiceLiteResult: ResamplableScores, Codable, Equatable, Sendable {
    public var imageIDs: [String]
    public var images: [SpiceLiteStats]

    public init(imageIDs: [String], images: [SpiceLiteStats]) {
        self.imageIDs = imageIDs
        self.images = images
    }

    public var itemCount: Int { images.count }
    public var itemIDs: [String] { imageIDs }

    public func corpusScores(over indices: [Int]) -> [String: Double] {
        var summary = SpiceLiteSummary()
        for i in indices { summary.add(images[i]) }
        var result: [String: Double] = [:]
        for (category, value) in summary.scores {
            guard let value else { continue }
            result[category == .all ? "SPICE-lite" : "SPICE-lite/\(category.rawValue)"] = value
        }
        return result
    }
}
