/// ROUGE-L as pycocoevalcap 1.2 computes it (`Rouge`, β = 1.2).
///
/// Tokens are `caption.split(" ")` (so an empty caption is one empty token). For each reference,
/// precision = LCS / candidate length and recall = LCS / reference length; the image score is
/// the F-measure of the maximum precision and the maximum recall,
/// `(1 + β²)·P·R / (R + β²·P)`, or 0 when either is 0. The corpus score is the mean over images.
public struct RougeL: CaptionMetric {
    /// The recall weight β of the F-measure.
    public static let beta = 1.2

    public init() {}

    public var scoreNames: [String] { ["ROUGE_L"] }

    /// The image's ROUGE-L value (the per-image value is its own sufficient statistic).
    public func imageStats(_ sample: CaptionSample) -> Double {
        TokenFingerprints.withSpaceSplit(sample.candidate) { candidate in
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: candidate.count + 1) { row in
                var bestPrecision = 0.0, bestRecall = 0.0
                for reference in sample.references {
                    TokenFingerprints.withSpaceSplit(reference) { reference in
                        let lcs = Double(Self.longestCommonSubsequence(reference, candidate, row: row))
                        bestPrecision = max(bestPrecision, lcs / Double(candidate.count))
                        bestRecall = max(bestRecall, lcs / Double(reference.count))
                    }
                }
                guard bestPrecision != 0, bestRecall != 0 else { return 0 }
                let betaSquared = Self.beta * Self.beta
                return ((1 + betaSquared) * bestPrecision * bestRecall) / (bestRecall + betaSquared * bestPrecision)
            }
        }
    }

    public func scores(_ stats: [Double]) -> CaptionScores {
        CaptionScores(names: scoreNames, corpus: [numpyMean(stats)], perImage: stats.map { [$0] })
    }

    /// Length of the longest common subsequence of two token sequences (one DP row, `b.count + 1`
    /// long, reused).
    static func longestCommonSubsequence(_ a: UnsafeBufferPointer<UInt64>, _ b: UnsafeBufferPointer<UInt64>,
                                         row lengths: UnsafeMutableBufferPointer<Int32>) -> Int {
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        lengths.initialize(repeating: 0)
        for x in a {
            var diagonal: Int32 = 0   // lengths[j-1] of the previous row
            for j in 1...b.count {
                let above = lengths[j]
                lengths[j] = x == b[j - 1] ? diagonal + 1 : max(above, lengths[j - 1])
                diagonal = above
            }
        }
        return Int(lengths[b.count])
    }
}
