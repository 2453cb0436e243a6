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

    public func scores(_ stats: [MeteorStats]) -> CaptionScores {
        CaptionScores(names: scoreNames, corpus: [score(MeteorStats.corpus(stats))], perImage: stats.map { [score($0)] })
    }
}
