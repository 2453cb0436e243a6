import XCTest
@testable import EvalTasks
import TestSupport

/// Image choice and order as pycocotools + pycocoevalcap, and one-line errors where they raise.
final class CocoCaptionInputsTests: XCTestCase {
    func testSelectionMatchesTheReferenceOnTheGoldenSets() throws {
        for name in ["coco_val2014_fakecap_1000", "coco_karpathy_magic_2000", "timing_coco_5000x5"] {
            let set = try CocoCaptionSet.load(annotations: Fixtures.url("captions/\(name)/refs.json"),
                                              results: Fixtures.url("captions/\(name)/cands.json"))
            let expected = try Fixtures.json("captions/\(name)/expected.json") as! [String: Any]
            XCTAssertEqual(set.imageIDs.map(\.description), (expected["image_order"] as! [Any]).map { "\($0)" }, name)
            let tokenized = try Fixtures.json("captions/\(name)/tokenized.json") as! [[String: Any]]
            XCTAssertEqual(set.references, tokenized.map { $0["refs_raw"] as! [String] }, name)
            XCTAssertEqual(set.candidates, tokenized.map { ($0["cand_raw"] as! [String])[0] }, name)
        }
    }

    func testEdgeCaseImageOrderAndErrors() throws {
        for edgeCase in try CocoEdgeCase.all() {
            switch edgeCase.name {
            case "duplicate_image_id_in_cands":
                // pycocoevalcap: AssertionError in Bleu (len(hypo) == 1). We reject the file.
                XCTAssertThrowsError(try edgeCase.load()) { error in
                    XCTAssertEqual("\(error)", "cands.json: image 900000001 has more than one candidate (entry 5); give exactly one caption per image")
                }
            case "candidate_for_unknown_image":
                // pycocotools loadRes: "Results do not correspond to current coco set".
                XCTAssertThrowsError(try edgeCase.load()) { error in
                    XCTAssertEqual("\(error)", "cands.json: entry 5 is for image 123, which is not in the images of refs.json")
                }
            default:
                let set = try edgeCase.load()
                XCTAssertEqual(set.imageIDs.map(\.description), edgeCase.imageOrder, edgeCase.name)
                XCTAssertEqual(set.references.map(\.count), edgeCase.imageOrder!.map { edgeCase.tokenizedReferences[$0]!.count }, edgeCase.name)
            }
        }
    }

    func testStringAndIntegerIdsStayDistinct() throws {
        let refs = #"{"images": [{"id": 1}, {"id": "1"}], "annotations": [{"image_id": 1, "caption": "a"}, {"image_id": "1", "caption": "b"}]}"#
        let cands = #"[{"image_id": "1", "caption": "x"}, {"image_id": 1, "caption": "y"}]"#
        let (r, c) = try writeTemporaryFiles(["refs.json": Data(refs.utf8), "cands.json": Data(cands.utf8)])
        let set = try CocoCaptionSet.load(annotations: r, results: c)
        XCTAssertEqual(set.imageIDs, [.int(1), .string("1")])
        XCTAssertEqual(set.references, [["a"], ["b"]])
        XCTAssertEqual(set.candidates, ["y", "x"])
    }

    func testBadInputsGiveOneLineErrors() throws {
        let goodRefs = #"{"images": [{"id": 1}, {"id": 2}], "annotations": [{"image_id": 1, "caption": "a dog"}]}"#
        let cases: [(refs: String?, cands: String?, message: String)] = [
            (goodRefs, #"[{"image_id": 2, "caption": "a cat"}]"#, "refs.json: image 2 has no captions"),
            (goodRefs, "[]", "cands.json: no candidates"),
            (goodRefs, #"[{"image_id": 1, "caption": "a" "#, "cands.json: not valid JSON"),
            (goodRefs, #"{"image_id": 1, "caption": "a"}"#, "cands.json: top level: "),
            (goodRefs, #"[{"image_id": 1}]"#, #"cands.json: [0]: missing key "caption""#),
            (goodRefs, #"[{"image_id": 1, "caption": null}]"#, "cands.json: [0].caption: "),
            (goodRefs, #"[{"image_id": true, "caption": "a"}]"#, "cands.json: [0].image_id: an image id must be an integer or a string"),
            (#"{"annotations": []}"#, #"[{"image_id": 1, "caption": "a"}]"#, #"refs.json: top level: missing key "images""#),
            (nil, #"[{"image_id": 1, "caption": "a"}]"#, "refs.json: cannot read"),
        ]
        for (refs, cands, message) in cases {
            var files = ["cands.json": Data(cands!.utf8)]
            if let refs { files["refs.json"] = Data(refs.utf8) }
            let (r, c) = try writeTemporaryFiles(files)
            XCTAssertThrowsError(try CocoCaptionSet.load(annotations: r, results: c), message) { error in
                let text = "\(error)"
                XCTAssertFalse(text.contains("\n"), text)
                XCTAssertTrue(text.contains(message), "\(text) should contain \(message)")
            }
        }
    }
}
