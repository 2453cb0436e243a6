import Dispatch

/// METEOR 1.5 as pycocoevalcap 1.2 runs it (`meteor-1.5.jar - - -stdio -l en -norm`), without Java.
///
/// For each image, `segmentStats` returns the 23 statistics the jar prints for
/// `SCORE ||| ref1 ||| ... ||| hypothesis`: the hypothesis is scored against every reference and the statistics
/// of the best-scoring reference are kept (the first one on ties). `MeteorStats.score()` gives the per-image
/// METEOR, and `MeteorStats.corpus(...)` summed statistics give the corpus METEOR, as the jar's `EVAL` line does.
///
/// Differences from the wrapper, on purpose: references are taken as given. The jar splits a reference that
/// contains `|||` into several references; use `referencesSplitLikeJar` to reproduce that.
public struct MeteorScorer: Sendable {
    public let resources: MeteorResources
    public let parameters: MeteorParameters

    public init(resources: MeteorResources, parameters: MeteorParameters = .englishRanking) {
        self.resources = resources
        self.parameters = parameters
    }

    /// The statistics of `candidate` against its best reference. `candidate` and `references` are the strings
    /// pycocoevalcap passes to the jar (PTB-tokenized captions); `|||` is removed from the candidate as the
    /// wrapper does. With no references, all statistics are zero except the candidate's length counts.
    public func segmentStats(candidate: String, references: [String]) -> MeteorStats {
        let aligner = MeteorAligner(paraphrases: resources.paraphrases)
        let test = sentence(MeteorScorer.hypothesisAsSent(candidate))
        var best: MeteorStats?
        var bestScore = -1.0
        for reference in references {
            let stats = aligner.stats(test: test, reference: sentence(reference))
            let score = stats.score(parameters: parameters)
            if score > bestScore {
                best = stats
                bestScore = score
            }
        }
        return best ?? MeteorStats()
    }

    /// The METEOR score of per-image or summed statistics.
    public func score(_ stats: MeteorStats) -> Double {
        stats.score(parameters: parameters)
    }

    /// Per-image statistics and scores and the corpus score for parallel arrays of candidates and reference lists
    /// (pycocoevalcap's `Meteor.compute_score`). Images are scored concurrently; results are in input order.
    public func evaluate(candidates: [String], references: [[String]]) -> (corpus: Double, perImage: [Double], stats: [MeteorStats]) {
        let count = min(candidates.count, references.count)
        var stats = [MeteorStats](repeating: MeteorStats(), count: count)
        stats.withUnsafeMutableBufferPointer { out in
            let buffer = out
            concurrentForEach(count) { i in buffer[i] = segmentStats(candidate: candidates[i], references: references[i]) }
        }
        let corpus = score(MeteorStats.corpus(stats))
        return (corpus, stats.map(score), stats)
    }

    /// The tokens METEOR aligns for `text` (`-norm` normalization, then lowercasing and whitespace tokenization).
    public func tokens(_ text: String) -> [String] {
        resources.normalizer.normalizedTokens(javaTrim(text))
    }

    private func sentence(_ text: String) -> MeteorSentence {
        MeteorSentence(tokens: tokens(text), resources: resources)
    }

    /// The hypothesis as the pycocoevalcap wrapper sends it: `|||` removed, double spaces collapsed once.
    static func hypothesisAsSent(_ hypothesis: String) -> String {
        hypothesis.replacing("|||", with: "").replacing("  ", with: " ")
    }

    /// The references as the jar receives them from pycocoevalcap: the `SCORE` line is split on `|||`, so a
    /// reference containing `|||` becomes several references. Use this only to reproduce that behaviour.
    public static func referencesSplitLikeJar(_ references: [String]) -> [String] {
        references.joined(separator: " ||| ").split(separator: "|||", omittingEmptySubsequences: false)
            .map { javaTrim(String($0)) }
    }
}

/// Runs `body(i)` for i in 0..<count on all cores.
private func concurrentForEach(_ count: Int, _ body: (Int) -> Void) {
    DispatchQueue.concurrentPerform(iterations: count, execute: body)
}
