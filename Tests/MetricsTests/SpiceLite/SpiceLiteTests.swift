import Foundation
import Metrics
import TestSupport
import XCTest

/// Matching, graph merging, per-image statistics and the corpus score.
final class SpiceLiteTests: XCTestCase {
    func testIdenticalCaptionScoresOne() throws {
        let stats = try SpiceLiteTestLexicon.spice().statistics(candidate: "a man riding a horse on a beach",
                                                                 references: ["a man riding a horse on a beach"])
        XCTAssertEqual(stats.score, 1)
        XCTAssertEqual(stats[.relation], SpiceLiteCounts(truePositives: 2, candidateTuples: 2, referenceTuples: 2))
    }

    func testSynonymsMatchThroughSharedSynsets() throws {
        let stats = try SpiceLiteTestLexicon.spice().statistics(candidate: "a red automobile", references: ["a red car"])
        XCTAssertEqual(stats[.object], SpiceLiteCounts(truePositives: 1, candidateTuples: 1, referenceTuples: 1))
        XCTAssertEqual(stats[.color], SpiceLiteCounts(truePositives: 1, candidateTuples: 1, referenceTuples: 1))
        XCTAssertEqual(stats.score, 1)
    }

    func testReferencesMergeIntoOneGraph() throws {
        // Both references mention the same man and horse: two object tuples, not four.
        let stats = try SpiceLiteTestLexicon.spice().statistics(
            candidate: "a dog", references: ["a man riding a horse", "a man on a horse"])
        XCTAssertEqual(stats[.object].referenceTuples, 2)
        XCTAssertEqual(stats[.relation].referenceTuples, 2)   // (man, ride, horse), (man, on, horse)
        XCTAssertEqual(stats[.all], SpiceLiteCounts(truePositives: 0, candidateTuples: 1, referenceTuples: 4))
        XCTAssertEqual(stats.score, 0)
    }

    func testPrecisionRecallAndF1FollowSpiceEvaluation() {
        let counts = SpiceLiteCounts(truePositives: 3, candidateTuples: 4, referenceTuples: 6)
        let score = counts.score(allowUndefined: true)!
        XCTAssertEqual(score.precision, 0.75, accuracy: 1e-12)
        XCTAssertEqual(score.recall, 0.5, accuracy: 1e-12)
        XCTAssertEqual(score.f1, 0.6, accuracy: 1e-12)
        // No reference tuples: SPICE's NaN for a category, 0 for All.
        XCTAssertNil(SpiceLiteCounts(truePositives: 0, candidateTuples: 2, referenceTuples: 0).score(allowUndefined: true))
        XCTAssertEqual(SpiceLiteCounts(truePositives: 0, candidateTuples: 2, referenceTuples: 0).score(allowUndefined: false)?.f1, 0)
    }

    func testCorpusScoreIsMacroMeanAndCategoriesSkipUndefinedImages() {
        var a = SpiceLiteStats(), b = SpiceLiteStats()
        a[.all] = SpiceLiteCounts(truePositives: 1, candidateTuples: 2, referenceTuples: 2)   // F1 0.5
        b[.all] = SpiceLiteCounts(truePositives: 0, candidateTuples: 1, referenceTuples: 0)   // F1 0 (All never undefined)
        a[.color] = SpiceLiteCounts(truePositives: 1, candidateTuples: 1, referenceTuples: 1) // F1 1
        let scores = SpiceLiteStats.corpusScores([a, b])
        XCTAssertEqual(scores[.all]!!, 0.25, accuracy: 1e-12)
        XCTAssertEqual(scores[.color]!!, 1, accuracy: 1e-12)      // b has no color references: left out
        XCTAssertNil(scores[.size]!)

        var left = SpiceLiteSummary(), right = SpiceLiteSummary(), both = SpiceLiteSummary()
        left.add(a); right.add(b); both.add(a); both.add(b)
        left.merge(right)
        XCTAssertEqual(left, both)
    }

    func testStatsRoundTripThroughJSON() throws {
        let stats = try SpiceLiteTestLexicon.spice().statistics(candidate: "two dogs on a couch",
                                                                 references: ["two brown dogs on a sofa"])
        let decoded = try JSONDecoder().decode(SpiceLiteStats.self, from: JSONEncoder().encode(stats))
        XCTAssertEqual(decoded, stats)
        XCTAssertEqual(stats[.cardinality].truePositives, 1)
    }

    func testBatchRejectsMismatchedLengths() throws {
        XCTAssertThrowsError(try SpiceLiteTestLexicon.spice().statistics(candidates: ["a dog"], references: []))
    }

    /// Real SPICE on coco_val2014_fakecap_1000 is 0.133 (coco-caption demo notebook). SPICE-lite has
    /// no constant fitted to it; the tolerance ±0.015 is the design target.
    func testCalibrationOnFakecap() throws {
        let spice = try SpiceLiteTestLexicon.spice()
        let published = try XCTUnwrap((try Fixtures.json("captions/coco_val2014_fakecap_1000/published_spice.json")
            as? [String: Any])?["SPICE"] as? Double)
        let items = try XCTUnwrap(try Fixtures.json("captions/coco_val2014_fakecap_1000/tokenized.json") as? [[String: Any]])
        let candidates = try items.map { try XCTUnwrap(($0["cand_tok"] as? [String])?.first) }
        let references = try items.map { try XCTUnwrap($0["refs_tok"] as? [String]) }
        XCTAssertEqual(candidates.count, 1000)
        let stats = try spice.statistics(candidates: candidates, references: references)
        let score = try XCTUnwrap(SpiceLiteStats.corpusScores(stats)[.all] ?? nil)
        XCTAssertEqual(score, published, accuracy: 0.015)
    }
}

final class SpiceLiteResultTests: XCTestCase {
    func testCorpusScoresOverIndicesRepeatImages() {
        var good = SpiceLiteStats(), bad = SpiceLiteStats()
        good[.all] = SpiceLiteCounts(truePositives: 2, candidateTuples: 2, referenceTuples: 2)
        good[.object] = SpiceLiteCounts(truePositives: 1, candidateTuples: 1, referenceTuples: 1)
        bad[.all] = SpiceLiteCounts(truePositives: 0, candidateTuples: 3, referenceTuples: 4)
        let result = SpiceLiteResult(imageIDs: ["1", "2"], images: [good, bad])
        XCTAssertEqual(result.corpusScores(over: [0, 1])["SPICE-lite"]!, 0.5, accuracy: 1e-12)
        XCTAssertEqual(result.corpusScores(over: [0, 0, 1])["SPICE-lite"]!, 2.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(result.corpusScores(over: [1])["SPICE-lite/Object"], nil)   // undefined: omitted
        XCTAssertEqual(result.corpusScores(over: [0, 1])["SPICE-lite/Object"]!, 1, accuracy: 1e-12)
    }
}
