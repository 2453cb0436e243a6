import Foundation
import XCTest
import TestSupport

/// `mplug-eval coco`: bad input exits 2 with one error line naming the file; the bundled fakecap
/// sample reproduces pycocoevalcap's corpus scores.
final class CocoCommandTests: CommandLineTestCase {
    /// Two images with two references each, in the COCO captions format.
    private func writeReferences() throws -> String {
        try writeJSON(["images": [["id": 1], ["id": 2]],
                       "annotations": [["image_id": 1, "id": 10, "caption": "A dog runs on the grass."],
                                       ["image_id": 1, "id": 11, "caption": "a brown dog running"],
                                       ["image_id": 2, "id": 12, "caption": "Two cats sleep on a sofa."],
                                       ["image_id": 2, "id": 13, "caption": "cats sleeping together"]]],
                      to: "refs.json")
    }

    func testMissingResultsFileIsBadInputNamingThePath() throws {
        let missing = missingPath("cands.json")
        let run = try mplugEval("coco", "--annotations", try writeReferences(), "--results", missing, "--metrics", "bleu,rouge,cider")
        assertBadInput(run, mentions: [missing])
    }

    func testMissingAnnotationsFileIsBadInputNamingThePath() throws {
        let missing = missingPath("refs.json")
        let results = try writeJSON([["image_id": 1, "caption": "a dog"]], to: "cands.json")
        let run = try mplugEval("coco", "--annotations", missing, "--results", results, "--metrics", "bleu,rouge,cider")
        assertBadInput(run, mentions: [missing])
    }

    func testMalformedResultsJSONIsBadInputNamingTheFile() throws {
        let results = try write("[{\"image_id\": 1, \"caption\": \"a dog\"", to: "broken.json")
        let run = try mplugEval("coco", "--annotations", try writeReferences(), "--results", results, "--metrics", "bleu,rouge,cider")
        assertBadInput(run, mentions: ["broken.json"])
    }

    func testWrongSchemaOfAnnotationsIsBadInputNamingTheFile() throws {
        let annotations = try writeJSON([["image_id": 1, "caption": "a dog"]], to: "results-as-refs.json")
        let results = try writeJSON([["image_id": 1, "caption": "a dog"]], to: "cands.json")
        let run = try mplugEval("coco", "--annotations", annotations, "--results", results, "--metrics", "bleu,rouge,cider")
        assertBadInput(run, mentions: ["results-as-refs.json"])
    }

    func testDuplicateCandidateForAnImageIsBadInputNamingTheImage() throws {
        let results = try writeJSON([["image_id": 1, "caption": "a dog"], ["image_id": 2, "caption": "cats"],
                                     ["image_id": 1, "caption": "another dog"]], to: "cands.json")
        let run = try mplugEval("coco", "--annotations", try writeReferences(), "--results", results, "--metrics", "bleu,rouge,cider")
        assertBadInput(run, mentions: ["cands.json", "image 1"])
    }

    func testCandidateForAnUnknownImageIsBadInputNamingTheImage() throws {
        let results = try writeJSON([["image_id": 1, "caption": "a dog"], ["image_id": 777, "caption": "a ghost"]], to: "cands.json")
        let run = try mplugEval("coco", "--annotations", try writeReferences(), "--results", results, "--metrics", "bleu,rouge,cider")
        assertBadInput(run, mentions: ["cands.json", "777"])
    }

    func testUnknownMetricIsBadInput() throws {
        let results = try writeJSON([["image_id": 1, "caption": "a dog"]], to: "cands.json")
        let run = try mplugEval("coco", "--annotations", try writeReferences(), "--results", results, "--metrics", "bleu,spice9")
        assertBadInput(run, mentions: ["spice9"])
    }

    func testOnlyOneOfAnnotationsAndResultsIsBadInput() throws {
        let run = try mplugEval("coco", "--annotations", try writeReferences(), "--metrics", "bleu")
        assertBadInput(run, mentions: ["--results"])
    }

    /// pycocoevalcap scores an empty candidate caption (it is not an error there); the scores
    /// must stay finite and its image's CIDEr is 0 (no n-gram in common).
    func testEmptyCandidateCaptionIsScoredWithFiniteValues() throws {
        let results = try writeJSON([["image_id": 1, "caption": ""], ["image_id": 2, "caption": "two cats sleep on a sofa"]], to: "cands.json")
        let json = temporaryDirectory.appendingPathComponent("out.json")
        let run = try mplugEval("coco", "--annotations", try writeReferences(), "--results", results,
                                "--metrics", "bleu,rouge,cider", "--json", json.path)
        assertSuccess(run)
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        let corpus = try XCTUnwrap(document["corpus"] as? [String: Double])
        XCTAssertEqual(Set(corpus.keys), ["Bleu_1", "Bleu_2", "Bleu_3", "Bleu_4", "ROUGE_L", "CIDEr"])
        XCTAssertTrue(corpus.values.allSatisfy(\.isFinite), "\(corpus)")
        let perImage = try XCTUnwrap(document["imgToEval"] as? [String: [String: Any]])
        XCTAssertEqual(perImage["1"]?["CIDEr"] as? Double, 0)
    }

    /// The fakecap sample (1000 images) against pycocoevalcap 1.2's corpus scores (expected.json),
    /// relative tolerance 1e-9 (float64 throughout, summation order may differ).
    func testFakecapSampleReproducesTheReferenceCorpusScores() throws {
        let sample = Fixtures.url("captions/coco_val2014_fakecap_1000")
        let json = temporaryDirectory.appendingPathComponent("coco.json")
        let run = try mplugEval("coco", "--annotations", sample.appendingPathComponent("refs.json").path,
                                "--results", sample.appendingPathComponent("cands.json").path,
                                "--metrics", "bleu,rouge,cider", "--json", json.path)
        assertSuccess(run)
        let expected = try XCTUnwrap((Fixtures.json("captions/coco_val2014_fakecap_1000/expected.json") as? [String: Any])?["corpus"] as? [String: Double])
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        XCTAssertEqual(document["schema"] as? String, "mplug-eval.coco/1")
        let corpus = try XCTUnwrap(document["corpus"] as? [String: Double])
        for name in ["Bleu_1", "Bleu_2", "Bleu_3", "Bleu_4", "ROUGE_L", "CIDEr"] {
            let actual = try XCTUnwrap(corpus[name], name), reference = try XCTUnwrap(expected[name], name)
            XCTAssertTrue(isClose(actual, reference, rel: 1e-9), "\(name): \(actual) vs \(reference)")
        }
        XCTAssertNil(corpus["METEOR"], "METEOR was not asked for")
        XCTAssertTrue(run.standardOutput.contains("CIDEr"), run.standardOutput)
    }
}
