import Foundation
import Metrics

/// A task's result document read back with its per-item statistics, so two documents can be
/// compared by a paired bootstrap (`mplug-eval compare`) without re-running the task.
///
/// Supported schemas: `mplug-eval.coco/1` (per-image BLEU counts, METEOR statistics, ROUGE-L
/// values and tokenized captions for CIDEr-D, whose document frequencies come from all images of
/// the file), `mplug-eval.vqa/1` (per-question accuracy) and `mplug-eval.retrieval/1` (per-image
/// and per-text ranks with `txt2img`).
public struct ResultDocument {
    /// The document's `schema` value.
    public var schema: String
    /// `coco`, `vqa` or `retrieval`.
    public var task: String
    /// Corpus scores recomputable on any multiset of the document's items.
    public var scores: any ResamplableScores

    /// Reads `url` and rebuilds its per-item statistics.
    /// - Throws: `TaskError.badInput` naming the file and the missing or malformed field.
    public static func load(_ url: URL) throws -> ResultDocument {
        try read(JSONValue.read(url), name: url.path)
    }

    /// Rebuilds the per-item statistics of a parsed document; `name` labels error messages.
    public static func read(_ json: JSONValue, name: String) throws -> ResultDocument {
        guard let schema = json["schema"]?.stringValue else {
            throw TaskError.badInput("\(name): no \"schema\" field; expected a result document of mplug-eval coco, vqa or retrieval")
        }
        let reader = FieldReader(name: name)
        switch schema {
        case CocoCaptionReport.schema:
            return ResultDocument(schema: schema, task: "coco", scores: try reader.cocoScores(json))
        case VQATask.schema:
            return ResultDocument(schema: schema, task: "vqa", scores: try reader.vqaScores(json))
        case RetrievalTask.schema:
            return ResultDocument(schema: schema, task: "retrieval", scores: try reader.retrievalScores(json))
        default:
            throw TaskError.badInput("\(name): schema \"\(schema)\" is not supported (expected \(CocoCaptionReport.schema), \(VQATask.schema) or \(RetrievalTask.schema))")
        }
    }
}

/// Several resamplable results on the same items, as one: their corpus scores merged.
struct CombinedScores: ResamplableScores {
    var itemIDs: [String]
    var parts: [any ResamplableScores]

    var itemCount: Int { itemIDs.count }

    func corpusScores(over indices: [Int]) -> [String: Double] {
        parts.reduce(into: [:]) { result, part in result.merge(part.corpusScores(over: indices)) { $1 } }
    }
}

/// A corpus score that is the mean of fixed per-item values (CIDEr-D with the document
/// frequencies of all items fixed).
struct PerItemMean: ResamplableScores {
    var metric: String
    var itemIDs: [String]
    var values: [Double]

    var itemCount: Int { values.count }

    func corpusScores(over indices: [Int]) -> [String: Double] {
        [metric: numpyMean(indices.map { values[$0] })]
    }
}

/// The corpus METEOR of per-image statistics: the score of their sum, as the jar's `EVAL` line.
struct MeteorCorpus: ResamplableScores {
    var itemIDs: [String]
    var images: [MeteorStats]

    var itemCount: Int { images.count }

    func corpusScores(over indices: [Int]) -> [String: Double] {
        ["METEOR": MeteorStats.corpus(indices.lazy.map { images[$0] }).score()]
    }
}

/// Field access with error messages that name the file and the field.
private struct FieldReader {
    var name: String

    func missing(_ field: String) -> TaskError {
        TaskError.badInput("\(name): missing or malformed \"\(field)\"")
    }

    func itemID(_ value: JSONValue) -> String? {
        if let number = value.int64Value { return String(number) }
        return value.stringValue
    }

    /// `stats.<metric>` values in `image_order`.
    func perImage<T>(_ json: JSONValue, _ metric: String, ids: [String], _ parse: (JSONValue) -> T?) throws -> [T]? {
        guard let table = json["stats"]?[metric] else { return nil }
        return try ids.map { id in
            guard let value = table[id], let parsed = parse(value) else { throw missing("stats.\(metric).\(id)") }
            return parsed
        }
    }

    func cocoScores(_ json: JSONValue) throws -> CombinedScores {
        guard let order = json["image_order"]?.arrayValue else { throw missing("image_order") }
        let ids = try order.map { try itemID($0) ?? { throw missing("image_order") }() }
        var parts: [any ResamplableScores] = []
        if let counts = try perImage(json, "Bleu", ids: ids, bleuCounts) {
            parts.append(CaptionMetricStats(metric: Bleu(), itemIDs: ids, images: counts))
        }
        if let stats = try perImage(json, "METEOR", ids: ids, { $0.arrayValue.flatMap { MeteorStats(values: $0.compactMap(\.doubleValue)) } }) {
            parts.append(MeteorCorpus(itemIDs: ids, images: stats))
        }
        if let values = try perImage(json, "ROUGE_L", ids: ids, \.doubleValue) {
            parts.append(CaptionMetricStats(metric: RougeL(), itemIDs: ids, images: values))
        }
        if let captions = try perImage(json, "CIDEr", ids: ids, { value -> CaptionSample? in
            guard let candidate = value["candidate"]?.stringValue,
                  let references = value["references"]?.arrayValue?.compactMap(\.stringValue) else { return nil }
            return CaptionSample(candidate: candidate, references: references)
        }) {
            let cider = CaptionMetricStats(metric: CiderD(), itemIDs: ids, samples: captions).scores()
            parts.append(PerItemMean(metric: "CIDEr", itemIDs: ids, values: cider.perImage.map { $0[0] }))
        }
        guard !parts.isEmpty else { throw missing("stats (per-image statistics; re-run mplug-eval coco with --json)") }
        return CombinedScores(itemIDs: ids, parts: parts)
    }

    func bleuCounts(_ value: JSONValue) -> BleuCounts? {
        func four(_ key: String) -> SIMD4<Int>? {
            guard let items = value[key]?.arrayValue?.compactMap(\.int64Value), items.count == 4 else { return nil }
            return SIMD4(Int(items[0]), Int(items[1]), Int(items[2]), Int(items[3]))
        }
        guard let test = value["testlen"]?.int64Value, let reference = value["reflen"]?.int64Value,
              let guess = four("guess"), let correct = four("correct") else { return nil }
        return BleuCounts(testLength: Int(test), referenceLength: Int(reference), guess: guess, correct: correct)
    }

    func vqaScores(_ json: JSONValue) throws -> VQAAccuracyResult {
        guard let questions = json["per_question"]?.arrayValue, !questions.isEmpty else { throw missing("per_question") }
        let scores = try questions.enumerated().map { index, question -> VQAQuestionScore in
            guard let id = question["question_id"]?.int64Value, let percent = question["acc_unrounded"]?.doubleValue,
                  let answerType = question["answer_type"]?.stringValue else { throw missing("per_question[\(index)]") }
            return VQAQuestionScore(
                questionID: id, questionType: question["question_type"]?.stringValue ?? "",
                answerType: answerType, normalizationApplied: question["normalization_applied"] == .bool(true),
                processedPrediction: question["pred_processed"]?.stringValue ?? "",
                processedGroundTruth: question["gt_processed"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                accuracy: percent / 100)
        }
        return VQAAccuracy.aggregate(scores)
    }

    func retrievalScores(_ json: JSONValue) throws -> RetrievalResult {
        func ranks(_ key: String) throws -> [Int?] {
            guard let items = json[key]?.arrayValue else { throw missing(key) }
            return try items.map { value in
                guard let rank = value.doubleValue else { throw missing(key) }
                return rank >= RetrievalResult.noTextRank ? nil : Int(rank)
            }
        }
        let imageRanks = try ranks("ranks_i2t")
        let textRanks = try ranks("ranks_t2i").map { try $0 ?? { throw missing("ranks_t2i") }() }
        guard let images = json["txt2img"]?.arrayValue?.compactMap(\.int64Value).map(Int.init),
              images.count == textRanks.count, images.allSatisfy({ imageRanks.indices.contains($0) }) else {
            throw missing("txt2img (written by mplug-eval retrieval --json since the compare command)")
        }
        return RetrievalResult(imageToTextRanks: imageRanks, textToImageRanks: textRanks, imageOfText: images)
    }
}
