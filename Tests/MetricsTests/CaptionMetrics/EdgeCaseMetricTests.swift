import XCTest
import Metrics
import TestSupport

/// BLEU, ROUGE-L and CIDEr-D on the strings pycocoevalcap's scorers received in every case of
/// `captions/edge_cases.json` that scored (empty, punctuation-only, 200-word and single-word
/// candidates, 1 vs 7 references, a one-image set, …), against the recorded values.
final class EdgeCaseMetricTests: XCTestCase {
    func testEveryScoredEdgeCaseMatchesPycocoevalcap() throws {
        let root = try Fixtures.json("captions/edge_cases.json") as! [String: Any]
        var scoredCases = 0
        for entry in root["cases"] as! [[String: Any]] {
            let name = entry["name"] as! String
            let result = (entry["results"] as! [String: Any])["C.UTF-8"] as! [String: Any]
            guard let order = result["image_order"] as? [Any],
                  let metrics = (result["metrics"] as? [String: Any])?.compactMapValues({ $0 as? [String: Any] }),
                  metrics["Bleu_1"]?["corpus"] != nil else { continue }   // the reference raised; see EvalTasksTests
            scoredCases += 1
            let tokenized = result["tokenized"] as! [String: [String: [String]]]
            let ids = order.map { "\($0)" }
            let samples = ids.map { CaptionSample(candidate: tokenized["res"]![$0]![0], references: tokenized["gts"]![$0]!) }
            for scores in [Bleu().scores(samples.map(Bleu().imageStats)),
                           RougeL().scores(samples.map(RougeL().imageStats)),
                           CiderD().scores(samples.map(CiderD().imageStats))] {
                for (k, metric) in scores.names.enumerated() {
                    let expected = metrics[metric]!
                    let corpus = expected["corpus"] as! Double
                    let tolerance = goldenTolerance(metric, expected: corpus)
                    XCTAssertTrue(isClose(scores.corpus[k], corpus, rel: tolerance.rel, abs: tolerance.abs),
                                  "\(name) \(metric): corpus \(scores.corpus[k]) vs \(corpus)")
                    let perImage = expected["per_image"] as! [String: Double]
                    for (i, id) in ids.enumerated() {
                        let tolerance = goldenTolerance(metric, expected: perImage[id]!)
                        XCTAssertTrue(isClose(scores.perImage[i][k], perImage[id]!, rel: tolerance.rel, abs: tolerance.abs),
                                      "\(name) \(metric) image \(id): \(scores.perImage[i][k]) vs \(perImage[id]!)")
                    }
                }
            }
        }
        XCTAssertEqual(scoredCases, 31, "all cases except the two where pycocotools/pycocoevalcap raise")
    }
}
