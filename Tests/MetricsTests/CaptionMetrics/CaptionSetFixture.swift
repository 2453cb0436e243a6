import Foundation
import Metrics
import TestSupport

/// One golden caption set (`Tests/Fixtures/captions/<name>`): the tokenized strings pycocoevalcap's
/// scorers received (`tokenized.json`) and their expected scores (`expected.json`).
struct CaptionSetFixture {
    static let names = ["coco_val2014_fakecap_1000", "coco_karpathy_magic_2000", "timing_coco_5000x5"]

    let name: String
    let imageIDs: [String]
    let samples: [CaptionSample]
    /// pycocoevalcap corpus values by name (`Bleu_1`…, `ROUGE_L`, `CIDEr`).
    let corpus: [String: Double]
    /// `imgToEval[imageID][name]`.
    let perImage: [String: [String: Double]]
    /// `diagnostics.bleu_totalcomps`.
    let bleuTotals: BleuCounts

    init(_ name: String) throws {
        self.name = name
        let tokenized = try Fixtures.json("captions/\(name)/tokenized.json") as! [[String: Any]]
        let expected = try Fixtures.json("captions/\(name)/expected.json") as! [String: Any]
        imageIDs = tokenized.map { "\($0["image_id"]!)" }
        samples = tokenized.map { entry in
            let candidates = entry["cand_tok"] as! [String]
            precondition(candidates.count == 1)
            return CaptionSample(candidate: candidates[0], references: entry["refs_tok"] as! [String])
        }
        corpus = expected["corpus"] as! [String: Double]
        let imgToEval = expected["imgToEval"] as! [String: [String: Any]]
        perImage = imgToEval.mapValues { $0.compactMapValues { $0 as? Double } }
        let totals = (expected["diagnostics"] as! [String: Any])["bleu_totalcomps"] as! [String: Any]
        let guess = totals["guess"] as! [Int], correct = totals["correct"] as! [Int]
        bleuTotals = BleuCounts(testLength: totals["testlen"] as! Int, referenceLength: totals["reflen"] as! Int,
                                guess: SIMD4(guess), correct: SIMD4(correct))
    }
}

/// Tolerances of the golden README, per score name: rel 1e-9; BLEU abs 1e-15 when the expected
/// value is below 1e-6; CIDEr abs 1e-12 when it is 0.
func goldenTolerance(_ name: String, expected: Double) -> (rel: Double, abs: Double) {
    if name.hasPrefix("Bleu"), abs(expected) < 1e-6 { return (1e-9, 1e-15) }
    if name == "CIDEr", expected == 0 { return (1e-9, 1e-12) }
    return (1e-9, 0)
}

/// Largest relative difference (|a − e| / |e|, or |a − e| when e = 0).
func relativeDifference(_ actual: Double, _ expected: Double) -> Double {
    expected == 0 ? abs(actual - expected) : abs(actual - expected) / abs(expected)
}
