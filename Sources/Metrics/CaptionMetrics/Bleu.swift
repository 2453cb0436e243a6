import Foundation

/// BLEU-1…4 as pycocoevalcap 1.2 computes it (`Bleu(4)`, `BleuScorer.compute_score(option="closest")`).
///
/// Per image: the candidate's n-gram counts are clipped by the maximum count over the references;
/// the reference length is the one closest to the candidate length (ties: the shorter).
/// Scores use the smoothing `(correct + 1e-15) / (guess + 1e-9)` and the brevity penalty
/// `exp(1 - reflen/testlen)` when `testlen < reflen` (with the same smoothing on the ratio).
/// The corpus score uses the summed counts. Tolerance against pycocoevalcap: counts exact, scores
/// within an ulp or two (`pow`/`exp` are the C library's, as in Python).
public struct Bleu: CaptionMetric {
    public init() {}

    public var scoreNames: [String] { ["Bleu_1", "Bleu_2", "Bleu_3", "Bleu_4"] }

    public func imageStats(_ sample: CaptionSample) -> BleuCounts {
        NGramCounts.withCounts(ofCaption: sample.candidate) { candidate in
            let testLength = candidate.tokenCount
            var closest = Int.max
            // Per order, bit k set when a candidate n-gram has low bits k: most reference n-grams
            // are ruled out without a search.
            var candidateBits = SIMD4<UInt64>()
            for order in 1...NGramCounts.maxOrder {
                for j in candidate.range(ofOrder: order) { candidateBits[order - 1] |= 1 << (candidate.keys[j] & 63) }
            }
            // A long candidate's n-grams are found through a hash table (a scan per reference n-gram
            // would be quadratic).
            var candidateIndex: FingerprintTable?
            if candidate.keys.count > 4 * NGramCounts.longCaptionTokens {
                var index = FingerprintTable(minimumCapacity: candidate.keys.count)
                for (j, key) in candidate.keys.enumerated() { _ = index.insert(key, nextID: Int32(j)) }
                candidateIndex = index
            }
            // The largest count of each candidate n-gram in any one reference. A reference's n-grams are
            // enumerated with repeats and counted only where they match a candidate n-gram.
            let correct = withUnsafeTemporaryAllocation(of: Int32.self, capacity: 2 * candidate.keys.count) { scratch in
                let maxReferenceCount = UnsafeMutableBufferPointer(rebasing: scratch[..<candidate.keys.count])
                let referenceCount = UnsafeMutableBufferPointer(rebasing: scratch[candidate.keys.count...])
                maxReferenceCount.initialize(repeating: 0)
                for reference in sample.references {
                    TokenFingerprints.withPythonSplit(reference) { tokens in
                        let length = tokens.count
                        let (d, best) = (abs(length - testLength), abs(closest - testLength))
                        if d < best || (d == best && length < closest) { closest = length }
                        referenceCount.initialize(repeating: 0)
                        NGramCounts.forEachKey(ofTokens: tokens) { order, key in
                            guard candidateBits[order - 1] & (1 << (key & 63)) != 0 else { return }
                            if let candidateIndex {
                                let j = candidateIndex.find(key)
                                if j >= 0 { referenceCount[Int(j)] += 1 }
                                return
                            }
                            for j in candidate.range(ofOrder: order) where candidate.keys[j] == key {
                                referenceCount[j] += 1
                                break
                            }
                        }
                        for j in 0..<candidate.keys.count { maxReferenceCount[j] = max(maxReferenceCount[j], referenceCount[j]) }
                    }
                }
                var clipped = SIMD4<Int>()
                for order in 1...NGramCounts.maxOrder {
                    for j in candidate.range(ofOrder: order) {
                        clipped[order - 1] += Int(min(maxReferenceCount[j], candidate.counts[j]))
                    }
                }
                return clipped
            }
            let guess = SIMD4<Int>(max(0, testLength), max(0, testLength - 1), max(0, testLength - 2), max(0, testLength - 3))
            return BleuCounts(testLength: testLength, referenceLength: closest == Int.max ? 0 : closest,
                              guess: guess, correct: correct)
        }
    }

    public func scores(_ stats: [BleuCounts]) -> CaptionScores {
        let total = stats.reduce(BleuCounts(), +)
        return CaptionScores(names: scoreNames, corpus: Self.bleu(total), perImage: stats.map(Self.bleu))
    }

    /// BLEU-1…4 of one set of counts (per image, or summed for the corpus).
    public static func bleu(_ counts: BleuCounts) -> [Double] {
        let tiny = 1e-15, small = 1e-9
        var product = 1.0
        var result = [Double](repeating: 0, count: 4)
        for k in 0..<4 {
            product *= (Double(counts.correct[k]) + tiny) / (Double(counts.guess[k]) + small)
            result[k] = pow(product, 1.0 / Double(k + 1))
        }
        let ratio = (Double(counts.testLength) + tiny) / (Double(counts.referenceLength) + small)
        if ratio < 1 {
            let penalty = exp(1 - 1 / ratio)
            for k in 0..<4 { result[k] *= penalty }
        }
        return result
    }
}

/// BLEU sufficient statistics of one image, or of a corpus when summed (`+`): what pycocoevalcap
/// prints as `{'testlen', 'reflen', 'guess', 'correct'}` with `verbose=1`.
public struct BleuCounts: Codable, Sendable, Equatable {
    /// Candidate length in tokens.
    public var testLength: Int
    /// Reference length closest to the candidate length (ties: the shorter).
    public var referenceLength: Int
    /// Number of candidate 1…4-grams.
    public var guess: SIMD4<Int>
    /// Clipped matches of candidate 1…4-grams.
    public var correct: SIMD4<Int>

    public init(testLength: Int = 0, referenceLength: Int = 0, guess: SIMD4<Int> = .zero, correct: SIMD4<Int> = .zero) {
        self.testLength = testLength
        self.referenceLength = referenceLength
        self.guess = guess
        self.correct = correct
    }

    public static func + (a: BleuCounts, b: BleuCounts) -> BleuCounts {
        BleuCounts(testLength: a.testLength + b.testLength, referenceLength: a.referenceLength + b.referenceLength,
                   guess: a.guess &+ b.guess, correct: a.correct &+ b.correct)
    }

    enum CodingKeys: String, CodingKey {
        case testLength = "testlen", referenceLength = "reflen", guess, correct
    }
}
