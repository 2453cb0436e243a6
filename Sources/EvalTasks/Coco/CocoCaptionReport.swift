import Foundation
import Metrics

/// The versioned result document of `mplug-eval coco` (`"schema": "mplug-eval.coco/1"`).
///
/// Key names and the raw 0–1 scale are pycocoevalcap's (`COCOEvalCap.eval` / `imgToEval`).
/// * `corpus`: `Bleu_1`…`Bleu_4`, `METEOR`, `ROUGE_L`, `CIDEr` (those computed); with SPICE-lite also
///   `SPICE-lite` (mean per-image F1 over all tuples) and its categories as flat keys `SPICE-lite/Object`,
///   `SPICE-lite/Attribute`, `SPICE-lite/Relation`, `SPICE-lite/Color`, `SPICE-lite/Cardinality`,
///   `SPICE-lite/Size` (each the mean F1 over the images whose references have tuples of that
///   category, as SPICE averages; a category no image has is absent).
/// * `ci95` (with `--bootstrap`): per corpus score, the 95% percentile bootstrap interval `[lo, hi]`
///   over images, from the per-image statistics below.
/// * `imgToEval`: `{id: {"image_id", <scores>}}` (SPICE-lite: `SPICE-lite`, the image's F1);
///   `image_order`: the evaluated images in order.
/// * `diagnostics.bleu_totalcomps`: summed BLEU counts (what `Bleu` prints with `verbose=1`).
/// * `diagnostics.meteor_segment_stats`: per image, the 23 METEOR statistics as the jar prints them.
/// * `stats`: per-image sufficient statistics: `Bleu` counts, `METEOR` statistics, `ROUGE_L` values, and for `CIDEr`
///   the tokenized captions (`NGramCounts(caption:)` gives their n-gram counts and
///   `CiderD.documentFrequencies(of:)` the document frequencies); for `SPICE-lite`, per category
///   (`All`, `Object`, …) the tuple counts `true_positives`, `candidate_tuples`, `reference_tuples`
///   (`SpiceLiteStats`; `SpiceLiteResult` rescores any resample of them).
public struct CocoCaptionReport: Sendable {
    public static let schema = "mplug-eval.coco/1"

    public var corpus: [String: Double]
    /// Corpus score name → 95% bootstrap interval; nil when no bootstrap ran.
    public var ci95: [String: ConfidenceInterval]?
    public var imageOrder: [ImageID]
    public var imgToEval: [String: ImageScores]
    public var diagnostics: Diagnostics
    public var stats: Stats

    public struct ImageScores: Sendable {
        public var imageID: ImageID
        public var scores: [String: Double]
    }

    public struct Diagnostics: Sendable {
        public var bleuTotals: BleuCounts?
        /// Image id → the 23 METEOR statistics as `meteor-1.5.jar` prints them.
        public var meteorSegmentStats: [String: String]?
    }

    public struct Stats: Sendable {
        public var bleu: [String: BleuCounts]?
        public var meteor: [String: MeteorStats]?
        public var rouge: [String: Double]?
        public var cider: [String: TokenizedImage]?
        public var spiceLite: [String: SpiceLiteStats]?
    }

    /// The tokenized captions of one image.
    public struct TokenizedImage: Sendable {
        public var candidate: String
        public var references: [String]
    }

    /// - Parameter ci95: bootstrap intervals of the corpus scores (`Bootstrap.intervals(for: evaluation, …)`).
    public init(_ evaluation: CocoCaptionEvaluation, ci95: [String: ConfidenceInterval]? = nil) {
        self.ci95 = ci95
        let keys = evaluation.imageIDs.map(\.description)
        corpus = evaluation.corpus
        imageOrder = evaluation.imageIDs
        var imgToEval: [String: ImageScores] = [:]
        for (i, id) in evaluation.imageIDs.enumerated() {
            var scores: [String: Double] = [:]
            for metric in evaluation.scores {
                for (k, name) in metric.names.enumerated() { scores[name] = metric.perImage[i][k] }
            }
            imgToEval[keys[i]] = ImageScores(imageID: id, scores: scores)
        }
        self.imgToEval = imgToEval
        func byImage<T>(_ values: [T]) -> [String: T] { Dictionary(uniqueKeysWithValues: zip(keys, values)) }
        diagnostics = Diagnostics(bleuTotals: evaluation.bleu.map { $0.images.reduce(BleuCounts(), +) },
                                  meteorSegmentStats: evaluation.meteor.map { byImage(concurrentMap($0.images, \.description)) })
        stats = Stats(
            bleu: evaluation.bleu.map { byImage($0.images) },
            meteor: evaluation.meteor.map { byImage($0.images) },
            rouge: evaluation.rouge.map { byImage($0.images) },
            cider: evaluation.cider.map { _ in
                byImage(zip(evaluation.tokenizedCandidates, evaluation.tokenizedReferences).map {
                    TokenizedImage(candidate: $0, references: $1)
                })
            },
            spiceLite: evaluation.spiceLite.map { byImage($0.images) })
    }

    /// The document as JSON (sorted keys, compact, trailing newline).
    public func jsonData() -> Data {
        Data(JSONOutput.object([("schema", .string(Self.schema))] + jsonMembers()).bytes())
    }

    /// The members of the document after `schema`: `corpus`, `imgToEval`, `image_order`,
    /// `diagnostics`, `stats` (also the per-domain members of the nocaps document).
    func jsonMembers() -> [(String, JSONOutput)] {
        func byImage<T>(_ values: [String: T], _ transform: (T) -> JSONOutput) -> JSONOutput {
            .object(values.map { ($0.key, transform($0.value)) })
        }
        func imageID(_ id: ImageID) -> JSONOutput {
            switch id {
            case let .int(value): return .int(value)
            case let .string(value): return .string(value)
            }
        }
        let bleu = Self.json
        var diagnosticsMembers: [(String, JSONOutput)] = []
        if let totals = diagnostics.bleuTotals { diagnosticsMembers.append(("bleu_totalcomps", bleu(totals))) }
        if let meteor = diagnostics.meteorSegmentStats { diagnosticsMembers.append(("meteor_segment_stats", byImage(meteor) { .string($0) })) }
        var statsMembers: [(String, JSONOutput)] = []
        if let values = stats.bleu { statsMembers.append(("Bleu", byImage(values, bleu))) }
        if let values = stats.meteor { statsMembers.append(("METEOR", byImage(values) { .array($0.values.map { .double($0) }) })) }
        if let values = stats.rouge { statsMembers.append(("ROUGE_L", byImage(values) { .double($0) })) }
        if let values = stats.cider {
            statsMembers.append(("CIDEr", byImage(values) {
                .object([("candidate", .string($0.candidate)), ("references", .array($0.references.map { .string($0) }))])
            }))
        }
        if let values = stats.spiceLite {
            statsMembers.append(("SPICE-lite", byImage(values) { image in
                .object(image.counts.map { category, counts in
                    (category, .object([("true_positives", .int(counts.truePositives)),
                                        ("candidate_tuples", .int(counts.candidateTuples)),
                                        ("reference_tuples", .int(counts.referenceTuples))]))
                })
            }))
        }
        var members: [(String, JSONOutput)] = [
            ("corpus", .object(corpus.map { ($0.key, .double($0.value)) })),
            ("imgToEval", byImage(imgToEval) { image in
                .object([("image_id", imageID(image.imageID))] + image.scores.map { ($0.key, .double($0.value)) })
            }),
            ("image_order", .array(imageOrder.map(imageID))),
            ("diagnostics", .object(diagnosticsMembers)),
            ("stats", .object(statsMembers)),
        ]
        if let ci95 {
            members.append(("ci95", .object(ci95.map { ($0.key, .array([.double($0.value.lower), .double($0.value.upper)])) })))
        }
        return members
    }

    /// Summed BLEU counts as `{"testlen", "reflen", "guess", "correct"}` (pycocoevalcap's `totalcomps` keys).
    static func json(_ counts: BleuCounts) -> JSONOutput {
        let four = { (v: SIMD4<Int>) in JSONOutput.array((0..<4).map { .int(v[$0]) }) }
        return .object([("testlen", .int(counts.testLength)), ("reflen", .int(counts.referenceLength)),
                        ("guess", four(counts.guess)), ("correct", four(counts.correct))])
    }

    /// Corpus scores in pycocoevalcap's order, then any others by name.
    var orderedCorpus: [(String, Double)] {
        let order = ["Bleu_1", "Bleu_2", "Bleu_3", "Bleu_4", "METEOR", "ROUGE_L", "CIDEr"]
        return corpus.sorted { (order.firstIndex(of: $0.key) ?? order.count, $0.key) < (order.firstIndex(of: $1.key) ?? order.count, $1.key) }
    }

    /// The interval of `metric` as `[lo, hi]` (4 decimals), or "" without one.
    private func intervalText(_ metric: String) -> String {
        guard let interval = ci95?[metric] else { return "" }
        return String(format: "[%.4f, %.4f]", interval.lower, interval.upper)
    }

    /// A plain-text table of the corpus scores (raw scale, 4 decimals), with a 95% interval
    /// column when the report has bootstrap intervals.
    public func textTable() -> String {
        let width = max(10, (corpus.keys.map(\.count).max() ?? 0) + 2)
        var lines = ["metric".padding(toLength: width, withPad: " ", startingAt: 0) + (ci95 == nil ? "score" : "score   95% CI")]
        for (name, value) in orderedCorpus {
            let row = name.padding(toLength: width, withPad: " ", startingAt: 0) + String(format: "%.4f", value)
            lines.append(ci95 == nil ? row : row + "  " + intervalText(name))
        }
        lines.append("images: \(imageOrder.count)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// A Markdown table of the corpus scores (raw scale, 4 decimals).
    public func markdownTable() -> String {
        var lines = ci95 == nil ? ["| metric | score |", "|---|---:|"] : ["| metric | score | 95% CI |", "|---|---:|---:|"]
        for (name, value) in orderedCorpus {
            lines.append("| \(name) | \(String(format: "%.4f", value)) |" + (ci95 == nil ? "" : " \(intervalText(name)) |"))
        }
        lines.append("")
        lines.append("\(imageOrder.count) images; pycocoevalcap 1.2 semantics, raw 0–1 scale.")
        return lines.joined(separator: "\n") + "\n"
    }
}

