/// METEOR 1.5 in the caption-metric pipeline: per-image statistics are the 23 numbers the jar
/// prints for a `SCORE` request; the corpus METEOR scores their sum (the jar's `EVAL` line).
///
/// The scorer receives each reference as given: a `|||` inside a reference stays part of it
/// (pycocoevalcap's wrapper would let the jar split it into extra references).
extension MeteorScorer: CaptionMetric {
    public var scoreNames: [String] { ["METEOR"] }

    public func imageStats(_ sample: CaptionSample) -> MeteorStats {
        segmentStats(candidate: sample.candidate, references: sample.references)
    }

    /// All images at once: each distinct word's features (stem, synsets, paraphrase id) are
    /// looked up once for the whole set instead of once per image.
    public func imageStats(of samples: [CaptionSample]) -> [MeteorStats] {
        segmentStats(candidates: samples.map(\.candidate), references: samples.map(\.references))
    }

    public func scores(_ stats: [MeteorStats]) -> CaptionScores {
        CaptionScores(names: scoreNames, corpus: [score(MeteorStats.corpus(stats))], perImage: stats.map { [score($0)] })
    }
}
