import Foundation
import Metrics

/// The caption metrics of the COCO task, named as on the command line (`--metrics bleu,rouge`).
public enum CocoCaptionMetric: String, CaseIterable, Sendable {
    case bleu, meteor, rouge, cider
    /// SPICE-lite, the parser-free approximation of SPICE (`Metrics.SpiceLite`); needs WordNet.
    case spiceLite = "spice-lite"

    /// Parses a comma-separated list (`bleu,meteor,rouge,cider`), keeping the canonical order.
    public static func parseList(_ text: String) throws -> [CocoCaptionMetric] {
        var chosen = Set<CocoCaptionMetric>()
        for name in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) where !name.isEmpty {
            guard let metric = CocoCaptionMetric(rawValue: name) else {
                throw TaskError.badInput("--metrics: unknown metric '\(name)' (choose from \(allCases.map(\.rawValue).joined(separator: ",")))")
            }
            chosen.insert(metric)
        }
        guard !chosen.isEmpty else { throw TaskError.badInput("--metrics: no metric given") }
        return allCases.filter(chosen.contains)
    }
}

/// Wall-clock and process CPU seconds of the stages of one run, in run order.
public struct StageTimings: Sendable {
    public struct Stage: Sendable {
        public var name: String
        /// Elapsed wall-clock seconds.
        public var seconds: Double
        /// CPU seconds of the whole process (all threads) during the stage.
        public var cpuSeconds: Double
    }

    public private(set) var stages: [Stage] = []

    public init() {}

    /// Runs `body` and records its duration under `name`.
    public mutating func measure<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        let cpuStart = Self.processCPUSeconds()
        let result = try body()
        stages.append(Stage(name: name, seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9,
                            cpuSeconds: Self.processCPUSeconds() - cpuStart))
        return result
    }

    /// User + system CPU seconds of this process so far.
    public static func processCPUSeconds() -> Double {
        #if os(Linux)
        let RUSAGE_SELF_WHO = __rusage_who_t(RUSAGE_SELF.rawValue)
        #else
        let RUSAGE_SELF_WHO = RUSAGE_SELF
        #endif
        var usage = rusage()
        getrusage(RUSAGE_SELF_WHO, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}

/// The COCO caption evaluation: pycocoevalcap 1.2's `COCOEvalCap.evaluate()` without SPICE, plus
/// SPICE-lite (reported under its own name, never as SPICE) when chosen.
///
/// References are tokenized as one batch (image order, then annotation order) and candidates as
/// a second batch, as `PTBTokenizer.tokenize(gts)` / `tokenize(res)` do; then each chosen metric
/// computes per-image statistics and scores.
public struct CocoCaptionTask: Sendable {
    public let metrics: [CocoCaptionMetric]
    /// The METEOR scorer (with its resources); required when `metrics` contains `.meteor`.
    public let meteor: MeteorScorer?
    /// SPICE-lite with its WordNet lexicon; required when `metrics` contains `.spiceLite`.
    public let spiceLite: SpiceLite?

    public init(metrics: [CocoCaptionMetric], meteor: MeteorScorer? = nil, spiceLite: SpiceLite? = nil) throws {
        if metrics.contains(.meteor) && meteor == nil {
            throw TaskError.badInput("METEOR needs its scorer and resources (MetricResources.MeteorResourceLoader)")
        }
        if metrics.contains(.spiceLite) && spiceLite == nil {
            throw TaskError.badInput("SPICE-lite needs its WordNet lexicon (MetricResources.WordNetLoader)")
        }
        self.metrics = metrics
        self.meteor = meteor
        self.spiceLite = spiceLite
    }

    /// Scores `set`. `progress` receives a short stage description before each stage.
    public func evaluate(_ set: CocoCaptionSet, timings: inout StageTimings,
                         progress: (String) -> Void = { _ in }) -> CocoCaptionEvaluation {
        let tokenizer = PTBTokenizer()
        progress("tokenizing \(set.references.reduce(0) { $0 + $1.count }) references and \(set.candidates.count) candidates")
        let (references, candidates) = timings.measure("tokenize") { () -> ([[String]], [String]) in
            // The two batches of pycocoevalcap (all references, then all candidates), in one
            // concurrent pass balanced over the cores.
            let batches = tokenizer.tokenize(groupedBatches: [set.references, [set.candidates]])
            return (batches[0], batches[1][0])
        }
        let samples = zip(candidates, references).map { CaptionSample(candidate: $0, references: $1) }
        var evaluation = CocoCaptionEvaluation(imageIDs: set.imageIDs, tokenizedReferences: references,
                                               tokenizedCandidates: candidates)
        let itemIDs = set.imageIDs.map(\.description)
        for metric in metrics {
            progress(metric.rawValue)
            timings.measure(metric.rawValue) {
                switch metric {
                case .bleu: evaluation.bleu = CaptionMetricStats(metric: Bleu(), itemIDs: itemIDs, samples: samples)
                case .rouge: evaluation.rouge = CaptionMetricStats(metric: RougeL(), itemIDs: itemIDs, samples: samples)
                case .cider: evaluation.cider = CaptionMetricStats(metric: CiderD(), itemIDs: itemIDs, samples: samples)
                case .meteor: evaluation.meteor = meteor.map { CaptionMetricStats(metric: $0, itemIDs: itemIDs, samples: samples) }
                case .spiceLite:
                    evaluation.spiceLite = spiceLite.map { spice in
                        SpiceLiteResult(imageIDs: itemIDs,
                                        images: spice.statistics(images: zip(candidates, references).map { ($0, $1) }))
                    }
                }
                evaluation.computeScores(of: metric)
            }
        }
        return evaluation
    }
}

/// The result of a COCO caption evaluation: per-image statistics of each metric and their scores.
///
/// As `ResamplableScores` it recomputes every corpus score on any multiset of its images; CIDEr-D
/// then keeps the document frequencies of all evaluated images (so a resample changes only which
/// per-image values are averaged).
public struct CocoCaptionEvaluation: ResamplableScores, Sendable {
    /// Evaluated images, in order.
    public var imageIDs: [ImageID]
    /// What the metrics received (`PTBTokenizer` output).
    public var tokenizedReferences: [[String]]
    public var tokenizedCandidates: [String]
    public var bleu: CaptionMetricStats<Bleu>?
    public var meteor: CaptionMetricStats<MeteorScorer>?
    public var rouge: CaptionMetricStats<RougeL>?
    public var cider: CaptionMetricStats<CiderD>?
    /// SPICE-lite tuple counts per image and category.
    public var spiceLite: SpiceLiteResult?
    /// Scores of each computed metric, in metric order (SPICE-lite: its per-image F1 over all tuples).
    public private(set) var scores: [CaptionScores] = []

    init(imageIDs: [ImageID], tokenizedReferences: [[String]], tokenizedCandidates: [String]) {
        self.imageIDs = imageIDs
        self.tokenizedReferences = tokenizedReferences
        self.tokenizedCandidates = tokenizedCandidates
    }

    mutating func computeScores(of metric: CocoCaptionMetric) {
        switch metric {
        case .bleu: bleu.map { scores.append($0.scores()) }
        case .rouge: rouge.map { scores.append($0.scores()) }
        case .cider: cider.map { scores.append($0.scores()) }
        case .meteor: meteor.map { scores.append($0.scores()) }
        case .spiceLite:
            spiceLite.map { result in
                let all = result.corpusScores(over: Array(result.images.indices))["SPICE-lite"] ?? 0
                scores.append(CaptionScores(names: ["SPICE-lite"], corpus: [all], perImage: result.images.map { [$0.score] }))
            }
        }
    }

    /// Corpus values keyed by pycocoevalcap name (`Bleu_1` … `CIDEr`), then `SPICE-lite` and its
    /// categories `SPICE-lite/Object`, `SPICE-lite/Attribute`, … (a category no image defines is absent).
    public var corpus: [String: Double] {
        var result = scores.reduce(into: [:]) { result, metric in result.merge(metric.corpusByName) { $1 } }
        if let spiceLite { result.merge(spiceLite.corpusScores(over: Array(spiceLite.images.indices))) { $1 } }
        return result
    }

    public var itemCount: Int { imageIDs.count }
    public var itemIDs: [String] { imageIDs.map(\.description) }

    public func corpusScores(over indices: [Int]) -> [String: Double] {
        var result: [String: Double] = [:]
        if let bleu { result.merge(bleu.corpusScores(over: indices)) { $1 } }
        if let meteor { result.merge(meteor.corpusScores(over: indices)) { $1 } }
        if let rouge { result.merge(rouge.corpusScores(over: indices)) { $1 } }
        if let spiceLite { result.merge(spiceLite.corpusScores(over: indices)) { $1 } }
        if let cider, let ciderScores = scores.first(where: { $0.names == cider.metric.scoreNames }) {
            // With the document frequencies of all evaluated images fixed, each image's CIDEr-D is
            // fixed too, so the corpus value of a resample is the mean of its images' values
            // (equal to `CiderD(documentFrequencies: CiderD.documentFrequencies(of: cider.images))`).
            result["CIDEr"] = numpyMean(indices.map { ciderScores.perImage[$0][0] })
        }
        return result
    }
}
