import XCTest
import Foundation
@testable import Metrics

/// CIDEr-D with fixed document frequencies from another image set, against a direct transcription
/// of pycocoevalcap's `CiderScorer` (string n-grams in dictionaries) given the same frequencies.
final class CiderFixedFrequencyTests: XCTestCase {
    func testFrequenciesFromAnotherSetMatchTheDirectFormula() throws {
        let fixture = try CaptionSetFixture("coco_val2014_fakecap_1000")
        let (first, second) = (Array(fixture.samples[..<600]), Array(fixture.samples[600...]))
        let frequencies = CiderD.documentFrequencies(of: first.map(CiderD().imageStats))
        let scores = CiderD(documentFrequencies: frequencies).scores(second.map(CiderD().imageStats))
        // The same frequencies by n-gram string, for the direct formula.
        var stringFrequencies: [[String]: Double] = [:]
        for sample in first {
            for ngram in Set(sample.references.flatMap { ngrams($0) }) { stringFrequencies[ngram, default: 0] += 1 }
        }
        let referenceLength = log(Double(first.count))
        for (i, sample) in second.enumerated() {
            let expected = directCider(sample, frequencies: stringFrequencies, referenceLength: referenceLength)
            XCTAssertEqual(scores.perImage[i][0], expected, accuracy: 1e-12 * max(1, expected), "image \(i)")
        }
    }

    /// The same on synthetic long captions (hundreds of words from a small vocabulary), where the
    /// n-gram counts and the similarity use hash tables instead of scans.
    func testLongCaptionsMatchTheDirectFormula() {
        let vocabulary = (0..<40).map { "w\($0)" }
        func caption() -> String {
            (0..<Int.random(in: 100...400)).map { _ in vocabulary.randomElement()! }.joined(separator: " ")
        }
        let samples = (0..<24).map { _ in CaptionSample(candidate: caption(), references: (0..<3).map { _ in caption() }) }
        let (first, second) = (Array(samples[..<12]), Array(samples[12...]))
        let frequencies = CiderD.documentFrequencies(of: first.map(CiderD().imageStats))
        let scores = CiderD(documentFrequencies: frequencies).scores(second.map(CiderD().imageStats))
        var stringFrequencies: [[String]: Double] = [:]
        for sample in first {
            for ngram in Set(sample.references.flatMap { ngrams($0) }) { stringFrequencies[ngram, default: 0] += 1 }
        }
        for (i, sample) in second.enumerated() {
            let expected = directCider(sample, frequencies: stringFrequencies, referenceLength: log(Double(first.count)))
            XCTAssertEqual(scores.perImage[i][0], expected, accuracy: 1e-12 * max(1, expected), "image \(i)")
        }
    }

    private func ngrams(_ text: String) -> [[String]] {
        let words = text.split(whereSeparator: { $0.isWhitespace }).map(String.init)
        return (1...4).flatMap { n in words.count >= n ? (0...(words.count - n)).map { Array(words[$0..<($0 + n)]) } : [] }
    }

    /// pycocoevalcap `CiderScorer.compute_cider` for one image, summing in a fixed order.
    private func directCider(_ sample: CaptionSample, frequencies: [[String]: Double], referenceLength: Double) -> Double {
        func vector(_ text: String) -> (vec: [[String]: Double], norm: [Double], length: Int) {
            var counts: [[String]: Double] = [:]
            for ngram in ngrams(text) { counts[ngram, default: 0] += 1 }
            var vec: [[String]: Double] = [:], norm = [0.0, 0, 0, 0], length = 0
            for (ngram, tf) in counts {
                let value = tf * (referenceLength - log(max(1, frequencies[ngram] ?? 0)))
                vec[ngram] = value
                norm[ngram.count - 1] += value * value
                if ngram.count == 2 { length += Int(tf) }
            }
            return (vec, norm.map { $0.squareRoot() }, length)
        }
        let candidate = vector(sample.candidate)
        var total = [0.0, 0, 0, 0]
        for reference in sample.references {
            let ref = vector(reference)
            let delta = Double(candidate.length - ref.length)
            for n in 0..<4 {
                var value = 0.0
                for (ngram, v) in candidate.vec where ngram.count == n + 1 {
                    let r = ref.vec[ngram] ?? 0
                    value += min(v, r) * r
                }
                if candidate.norm[n] != 0 && ref.norm[n] != 0 { value /= candidate.norm[n] * ref.norm[n] }
                total[n] += value * exp(-(delta * delta) / 72)
            }
        }
        return total.reduce(0, +) / 4 / Double(sample.references.count) * 10
    }
}
