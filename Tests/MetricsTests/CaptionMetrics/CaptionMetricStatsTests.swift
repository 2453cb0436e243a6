import XCTest
@testable import Metrics
import TestSupport

/// Per-image statistics merge: shards concatenated, JSON round trips and document frequencies
/// added over shards give the scores of the whole set.
final class CaptionMetricStatsTests: XCTestCase {
    private func shards<M: CaptionMetric>(_ metric: M, _ fixture: CaptionSetFixture, cuts: [Int]) -> CaptionMetricStats<M> {
        let bounds = [0] + cuts + [fixture.samples.count]
        let parts = zip(bounds, bounds.dropFirst()).map { start, end in
            CaptionMetricStats(metric: metric, itemIDs: Array(fixture.imageIDs[start..<end]),
                               samples: Array(fixture.samples[start..<end]))
        }
        return parts.dropFirst().reduce(parts[0]) { $0.merged(with: $1) }
    }

    private func roundTrip<T: Codable>(_ value: T) throws -> T {
        try JSONDecoder().decode(T.self, from: JSONEncoder().encode(value))
    }

    func testShardedStatisticsGiveTheScoresOfTheWholeSet() throws {
        let fixture = try CaptionSetFixture("coco_val2014_fakecap_1000")
        let cuts = [1, 333, 334, 800]
        func check<M: CaptionMetric>(_ metric: M) throws {
            let whole = CaptionMetricStats(metric: metric, itemIDs: fixture.imageIDs, samples: fixture.samples)
            let merged = shards(metric, fixture, cuts: cuts)
            XCTAssertEqual(merged.itemIDs, whole.itemIDs)
            XCTAssertEqual(merged.scores(), whole.scores(), "\(metric.scoreNames)")
            // Statistics survive a JSON round trip (caching, other processes).
            let decoded = CaptionMetricStats(metric: metric, itemIDs: merged.itemIDs, images: try roundTrip(merged.images))
            XCTAssertEqual(decoded.scores(), whole.scores(), "\(metric.scoreNames) after JSON")
            XCTAssertEqual(whole.corpusScores(over: Array(0..<whole.itemCount)), whole.scores().corpusByName)
        }
        try check(Bleu())
        try check(RougeL())
        try check(CiderD())
    }

    func testCiderDocumentFrequenciesOfShardsAddUp() throws {
        let fixture = try CaptionSetFixture("coco_karpathy_magic_2000")
        let stats = fixture.samples.map(CiderD().imageStats)
        let full = CiderD.documentFrequencies(of: stats)
        let merged = CiderD.documentFrequencies(of: Array(stats[..<700]))
            .merging(CiderD.documentFrequencies(of: Array(stats[700...])))
        XCTAssertEqual(merged, full)
        XCTAssertEqual(try roundTrip(full), full)
        // Fixed frequencies of the full set on the full set: the pycocoevalcap value.
        XCTAssertEqual(CiderD(documentFrequencies: full).scores(stats), CiderD().scores(stats))
    }

    func testCiderOnASubsetWithFullSetFrequenciesKeepsPerImageValues() throws {
        let fixture = try CaptionSetFixture("coco_val2014_fakecap_1000")
        let stats = fixture.samples.map(CiderD().imageStats)
        let all = CiderD().scores(stats)
        let fixed = CiderD(documentFrequencies: CiderD.documentFrequencies(of: stats))
        var generator = SeededGenerator(seed: 2024)
        let resample = (0..<stats.count).map { _ in generator.nextIndex(below: stats.count) }
        let resampled = fixed.scores(resample.map { stats[$0] })
        for (row, index) in resample.enumerated() {
            XCTAssertEqual(resampled.perImage[row][0], all.perImage[index][0], accuracy: 1e-15 * max(1, all.perImage[index][0]))
        }
        // With the subset's own frequencies (plain pycocoevalcap on the subset) the values change.
        let subset = Array(stats[..<100])
        XCTAssertNotEqual(CiderD().scores(subset).corpus[0], fixed.scores(subset).corpus[0])
    }

    func testNumpyMeanMatchesPairwiseSummation() {
        // Exactly representable values: every summation order gives the same mean.
        let values = (0..<1000).map { Double($0 % 17) * 0.25 }
        XCTAssertEqual(numpyMean(values), values.reduce(0, +) / 1000)
        XCTAssertTrue(numpyMean([]).isNaN)
        // Summation order matters here: numpy adds 1e16 to the pairwise sum (1 + 1) = 2 exactly,
        // while left to right each + 1 is rounded away (ties to even).
        XCTAssertEqual(numpyMean([1e16, 1, 1]), (1e16 + 2) / 3)
        XCTAssertNotEqual(numpyMean([1e16, 1, 1]), ((1e16 + 1) + 1) / 3)
    }
}
