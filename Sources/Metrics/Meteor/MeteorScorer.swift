/// METEOR 1.5 as pycocoevalcap 1.2 runs it (`meteor-1.5.jar - - -stdio -l en -norm`), without Java.
///
/// For each image, `segmentStats` returns the 23 statistics the jar prints for
/// `SCORE ||| ref1 ||| ... ||| hypothesis`: the hypothesis is scored against every reference and the statistics
/// of the best-scoring reference are kept (the first one on ties). `MeteorStats.score()` gives the per-image
/// METEOR, and `MeteorStats.corpus(...)` summed statistics give the corpus METEOR, as the jar's `EVAL` line does.
///
/// Checked against the jar: identical statistics on every image of the public COCO sets (8000 images) and
/// nocaps (2251 images, 10 references), and on 3000 adversarial segments (punctuation, case, Unicode, 300 words).
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
    /// wrapper does. With no references, all statistics are zero.
    public func segmentStats(candidate: String, references: [String]) -> MeteorStats {
        let candidateTokens = tokens(MeteorScorer.hypothesisAsSent(candidate))
        let referenceTokens = references.map(tokens)
        let lexicon = MeteorLexicon(sentences: [candidateTokens] + referenceTokens, resources: resources)
        return bestStats(lexicon.sentences[0], Array(lexicon.sentences[1...]), lexicon)
    }

    /// The METEOR score of per-image or summed statistics.
    public func score(_ stats: MeteorStats) -> Double {
        stats.score(parameters: parameters)
    }

    /// Per-image statistics and scores and the corpus score for parallel arrays of candidates and reference lists
    /// (pycocoevalcap's `Meteor.compute_score`; the arrays must have equal length). Work is spread over all
    /// cores; results are in input order and do not depend on the number of threads.
    public func evaluate(candidates: [String], references: [[String]]) -> (corpus: Double, perImage: [Double], stats: [MeteorStats]) {
        let stats = segmentStats(candidates: candidates, references: references)
        return (score(MeteorStats.corpus(stats)), stats.map(score), stats)
    }

    /// `segmentStats(candidate:references:)` of each image (parallel arrays; the shorter length is used),
    /// with one lexicon for all images. Results are in input order and do not depend on the number of threads.
    public func segmentStats(candidates: [String], references: [[String]]) -> [MeteorStats] {
        let tokenized = concurrentMap(Array(zip(candidates, references))) { image in
            (candidate: tokens(MeteorScorer.hypothesisAsSent(image.0)), references: image.1.map(tokens))
        }
        let lexicon = MeteorLexicon(sentences: tokenized.flatMap { [$0.candidate] + $0.references }, resources: resources)
        // Image i's sentences start at first[i] in lexicon.sentences: the candidate, then its references.
        var first = [Int](repeating: 0, count: tokenized.count + 1)
        for i in tokenized.indices { first[i + 1] = first[i] + 1 + tokenized[i].references.count }
        return concurrentMap(Array(tokenized.indices)) { i in
            bestStats(lexicon.sentences[first[i]], Array(lexicon.sentences[(first[i] + 1)..<first[i + 1]]), lexicon)
        }
    }

    /// The statistics against the best-scoring reference (the first one on ties).
    private func bestStats(_ candidate: [Int32], _ references: [[Int32]], _ lexicon: MeteorLexicon) -> MeteorStats {
        let aligner = MeteorAligner(paraphrases: resources.paraphrases, lexicon: lexicon)
        let test = MeteorSentence(words: candidate, lexicon: lexicon, paraphrases: resources.paraphrases,
                                  indexingSynsets: references.count > 1)
        var best: MeteorStats?
        var bestScore = -1.0
        for reference in references {
            let stats = aligner.stats(test: test, reference: MeteorSentence(words: reference, lexicon: lexicon, paraphrases: resources.paraphrases))
            let score = stats.score(parameters: parameters)
            if score > bestScore {
                best = stats
                bestScore = score
            }
        }
        return best ?? MeteorStats()
    }

    /// The tokens METEOR aligns for `text` (`-norm` normalization, then lowercasing and whitespace tokenization).
    public func tokens(_ text: String) -> [String] {
        resources.normalizer.normalizedTokens(javaTrim(text))
    }

    /// The hypothesis as the pycocoevalcap wrapper sends it: `|||` removed, double spaces collapsed once.
    static func hypothesisAsSent(_ hypothesis: String) -> String {
        // Most captions have neither a `|` nor two spaces in a row: nothing to replace.
        var previous: UInt8 = 0
        let unchanged = hypothesis.utf8.allSatisfy { byte in
            defer { previous = byte }
            return byte != UInt8(ascii: "|") && !(byte == 0x20 && previous == 0x20)
        }
        return unchanged ? hypothesis : hypothesis.replacing("|||", with: "").replacing("  ", with: " ")
    }

    /// The references as the jar receives them from pycocoevalcap: the `SCORE` line is split on `|||`, so a
    /// reference containing `|||` becomes several references. Use this only to reproduce that behaviour.
    public static func referencesSplitLikeJar(_ references: [String]) -> [String] {
        references.joined(separator: " ||| ").split(separator: "|||", omittingEmptySubsequences: false)
            .map { javaTrim(String($0)) }
    }
}

