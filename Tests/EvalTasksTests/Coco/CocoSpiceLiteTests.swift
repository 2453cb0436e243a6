import Foundation
import XCTest
@testable import EvalTasks
import MetricResources
import Metrics
import TestSupport

/// SPICE-lite inside the COCO task (needs WordNet: `apt-get install -y wordnet-base`; the metric's
/// own tests are MetricsTests/SpiceLite).
final class CocoSpiceLiteTests: XCTestCase {
    private func spiceLite() throws -> SpiceLite {
        try XCTSkipUnless(WordNetLoader.isInstalled(), "WordNet is not installed; run: \(WordNetLoader.setupCommand)")
        return SpiceLite(lexicon: try WordNetLoader.load())
    }

    func testSpiceLiteOnTheDemoSetEqualsTheMetricOnTheSameTokens() throws {
        let spice = try spiceLite()
        let name = "coco_val2014_fakecap_1000"
        let set = try CocoCaptionSet.load(annotations: Fixtures.url("captions/\(name)/refs.json"),
                                          results: Fixtures.url("captions/\(name)/cands.json"))
        var timings = StageTimings()
        let evaluation = try CocoCaptionTask(metrics: [.bleu, .spiceLite], spiceLite: spice).evaluate(set, timings: &timings)
        let report = CocoCaptionReport(evaluation)

        // The Metrics-level API on the golden tokenization gives the same statistics and scores.
        let tokenized = try Fixtures.json("captions/\(name)/tokenized.json") as! [[String: Any]]
        let direct = try spice.statistics(candidates: tokenized.map { ($0["cand_tok"] as! [String])[0] },
                                          references: tokenized.map { $0["refs_tok"] as! [String] })
        XCTAssertEqual(evaluation.spiceLite?.images, direct)
        let corpus = SpiceLiteStats.corpusScores(direct)
        XCTAssertEqual(report.corpus["SPICE-lite"]!, corpus[.all]!!, accuracy: 1e-12)
        for category in SpiceLiteCategory.allCases where category != .all {
            XCTAssertEqual(report.corpus["SPICE-lite/\(category.rawValue)"]!, corpus[category]!!, accuracy: 1e-12, category.rawValue)
        }
        XCTAssertEqual(report.corpus["Bleu_4"]!, 0.19083, accuracy: 5e-6)   // other metrics unaffected
        XCTAssertNil(report.corpus["SPICE"], "SPICE-lite is never reported as SPICE")

        // Per image: the F1 over all tuples; per-image counts in `stats` for bootstrap.
        let first = evaluation.imageIDs[0].description
        XCTAssertEqual(report.imgToEval[first]!.scores["SPICE-lite"]!, direct[0].score, accuracy: 1e-15)
        XCTAssertEqual(report.stats.spiceLite?.count, 1000)
        let resample = [3, 3, 10, 999]
        XCTAssertEqual(evaluation.corpusScores(over: resample)["SPICE-lite"]!,
                       SpiceLiteStats.corpusScores(resample.map { direct[$0] })[.all]!!, accuracy: 1e-12)

        let document = try JSONSerialization.jsonObject(with: report.jsonData()) as! [String: Any]
        let stats = (document["stats"] as! [String: Any])["SPICE-lite"] as! [String: [String: [String: Int]]]
        XCTAssertEqual(Set(stats[first]!.keys), Set(SpiceLiteCategory.allCases.map(\.rawValue)))
        XCTAssertEqual(stats[first]!["All"]!["reference_tuples"], direct[0][.all].referenceTuples)
        XCTAssertEqual(Set(stats[first]!["Object"]!.keys), ["true_positives", "candidate_tuples", "reference_tuples"])
        XCTAssertTrue(report.textTable().contains("\nSPICE-lite/Cardinality  "), report.textTable())
    }

    func testSpiceLiteNeedsItsLexicon() {
        XCTAssertThrowsError(try CocoCaptionTask(metrics: [.spiceLite]))
        XCTAssertEqual(try CocoCaptionMetric.parseList("cider,spice-lite"), [.cider, .spiceLite])
    }
}
