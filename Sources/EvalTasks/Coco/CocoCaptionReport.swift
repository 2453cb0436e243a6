import Foundation
import Metrics

/// The versioned result document of `mplug-eval coco` (`"schema": "mplug-eval.coco/1"`).
///
/// Key names and the raw 0–1 scale are pycocoevalcap's (`COCOEvalCap.eval` / `imgToEval`).
/// * `corpus`: `Bleu_1`…`Bleu_4`, `METEOR`, `ROUGE_L`, `CIDEr` (those computed).
/// * `imgToEval`: `{id: {"image_id", <scores>}}`; `image_order`: the evaluated images in order.
/// * `diagnostics.bleu_totalcomps`: summed BLEU counts (what `Bleu` prints with `verbose=1`).
/// * `diagnostics.meteor_segment_stats`: per image, the 23 METEOR statistics as the jar prints them.
/// * `stats`: per-image sufficient statistics: `Bleu` counts, `METEOR` statistics, `ROUGE_L` values, and for `CIDEr`
///   the tokenized captions (`TokenizedCaption(_:).ngrams` gives their n-gram counts and
///   `CiderD.documentFrequencies(of:)` the document frequencies).
public struct CocoCaptionReport: Encodable {
    public static let schema = "mplug-eval.coco/1"

    public var corpus: [String: Double]
    public var imageOrder: [ImageID]
    public var imgToEval: [String: ImageScores]
    public var diagnostics: Diagnostics
    public var stats: Stats

    public struct ImageScores: Encodable {
        public var imageID: ImageID
        public var scores: [String: Double]

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: NameKey.self)
            try container.encode(imageID, forKey: NameKey("image_id"))
            for (name, value) in scores { try container.encode(value, forKey: NameKey(name)) }
        }
    }

    public struct Diagnostics: Encodable {
        public var bleuTotals: BleuCounts?
        /// Image id → the 23 METEOR statistics as `meteor-1.5.jar` prints them.
        public var meteorSegmentStats: [String: String]?
        enum CodingKeys: String, CodingKey { case bleuTotals = "bleu_totalcomps", meteorSegmentStats = "meteor_segment_stats" }
    }

    public struct Stats: Encodable {
        public var bleu: [String: BleuCounts]?
        public var meteor: [String: MeteorStats]?
        public var rouge: [String: Double]?
        public var cider: [String: TokenizedImage]?
        enum CodingKeys: String, CodingKey { case bleu = "Bleu", meteor = "METEOR", rouge = "ROUGE_L", cider = "CIDEr" }
    }

    /// The tokenized captions of one image.
    public struct TokenizedImage: Encodable {
        public var candidate: String
        public var references: [String]
    }

    public init(_ evaluation: CocoCaptionEvaluation) {
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
                                  meteorSegmentStats: evaluation.meteor.map { byImage($0.images.map(\.description)) })
        stats = Stats(
            bleu: evaluation.bleu.map { byImage($0.images) },
            meteor: evaluation.meteor.map { byImage($0.images) },
            rouge: evaluation.rouge.map { byImage($0.images) },
            cider: evaluation.cider.map { _ in
                byImage(zip(evaluation.tokenizedCandidates, evaluation.tokenizedReferences).map {
                    TokenizedImage(candidate: $0, references: $1)
                })
            })
    }

    enum CodingKeys: String, CodingKey {
        case schema, corpus, imgToEval, imageOrder = "image_order", diagnostics, stats
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.schema, forKey: .schema)
        try container.encode(corpus, forKey: .corpus)
        try container.encode(imgToEval, forKey: .imgToEval)
        try container.encode(imageOrder, forKey: .imageOrder)
        try container.encode(diagnostics, forKey: .diagnostics)
        try container.encode(stats, forKey: .stats)
    }

    /// The document as JSON with sorted keys.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }

    /// Corpus scores in pycocoevalcap's order, then any others by name.
    private var orderedCorpus: [(String, Double)] {
        let order = ["Bleu_1", "Bleu_2", "Bleu_3", "Bleu_4", "METEOR", "ROUGE_L", "CIDEr"]
        return corpus.sorted { (order.firstIndex(of: $0.key) ?? order.count, $0.key) < (order.firstIndex(of: $1.key) ?? order.count, $1.key) }
    }

    /// A plain-text table of the corpus scores (raw scale, 4 decimals).
    public func textTable() -> String {
        var lines = ["metric    score"]
        for (name, value) in orderedCorpus {
            lines.append(name.padding(toLength: 10, withPad: " ", startingAt: 0) + String(format: "%.4f", value))
        }
        lines.append("images: \(imageOrder.count)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// A Markdown table of the corpus scores (raw scale, 4 decimals).
    public func markdownTable() -> String {
        var lines = ["| metric | score |", "|---|---:|"]
        for (name, value) in orderedCorpus { lines.append("| \(name) | \(String(format: "%.4f", value)) |") }
        lines.append("")
        lines.append("\(imageOrder.count) images; pycocoevalcap 1.2 semantics, raw 0–1 scale.")
        return lines.joined(separator: "\n") + "\n"
    }
}

/// A coding key made from any string.
struct NameKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
