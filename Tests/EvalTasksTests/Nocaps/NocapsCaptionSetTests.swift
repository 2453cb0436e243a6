import XCTest
@testable import EvalTasks
import TestSupport

/// Domains read from the nocaps annotations, and one-line errors on bad input.
final class NocapsCaptionSetTests: XCTestCase {
    func testSampleDomainsAndOrder() throws {
        let set = try NocapsTaskTests.loadSample()
        let expected = try Fixtures.json("nocaps/nocaps_val_public_2251/expected.json") as! [String: Any]
        XCTAssertEqual(set.captions.imageIDs.map(\.description), (expected["image_order"] as! [Any]).map { "\($0)" })
        let refs = try Fixtures.json("nocaps/nocaps_val_public_2251/refs.json") as! [String: Any]
        let domainOf = Dictionary(uniqueKeysWithValues: (refs["images"] as! [[String: Any]]).map { ("\($0["id"]!)", $0["domain"] as! String) })
        XCTAssertEqual(set.domains.map(\.rawValue), set.captions.imageIDs.map { domainOf[$0.description]! })
        for domain in NocapsDomain.allCases {
            XCTAssertEqual(set.subset(domain).imageIDs, set.captions.imageIDs.indices.filter { set.domains[$0] == domain }.map { set.captions.imageIDs[$0] })
        }
    }

    func testBadInputsGiveOneLineErrors() throws {
        let annotations = #""annotations": [{"image_id": 1, "caption": "a dog"}, {"image_id": 2, "caption": "a cat"}]"#
        let goodCands = #"[{"image_id": 1, "caption": "a dog"}]"#
        let cases: [(images: String, cands: String, message: String)] = [
            (#"[{"id": 1, "domain": "in-domain"}, {"id": 2}]"#, goodCands,
             #"refs.json: images[1] (image 2) has no "domain" (expected in-domain, near-domain, out-domain)"#),
            (#"[{"id": 1, "domain": null}]"#, goodCands, #"refs.json: images[0] (image 1) has no "domain""#),
            (#"[{"id": 1, "domain": "in_domain"}]"#, goodCands,
             #"refs.json: images[0] (image 1) has unknown domain "in_domain" (expected in-domain, near-domain, out-domain)"#),
            (#"[{"id": 1, "domain": ""}]"#, goodCands, #"has unknown domain """#),
            (#"[{"id": 1, "domain": 3}]"#, goodCands, "refs.json: images[0].domain: "),
            (#"[{"id": 1, "domain": "in-domain"}, {"id": 1, "domain": "out-domain"}]"#, goodCands,
             "refs.json: image 1 is listed as in-domain and as out-domain"),
            // What the coco task rejects, nocaps rejects too.
            (#"[{"id": 1, "domain": "in-domain"}]"#, #"[{"image_id": 5, "caption": "x"}]"#,
             "cands.json: entry 0 is for image 5, which is not in the images of refs.json"),
            (#"[{"id": 1, "domain": "in-domain"}]"#, #"[{"image_id": 1, "caption": "x"}, {"image_id": 1, "caption": "y"}]"#,
             "cands.json: image 1 has more than one candidate"),
            (#"[{"id": 1, "domain": "in-domain"}, {"id": 3, "domain": "in-domain"}]"#, #"[{"image_id": 3, "caption": "x"}]"#,
             "refs.json: image 3 has no captions"),
            (#"[{"id": 1, "domain": "in-domain"}]"#, "[]", "cands.json: no candidates"),
        ]
        for (images, cands, message) in cases {
            let refs = "{\"images\": \(images), \(annotations)}"
            let (r, c) = try writeTemporaryFiles(["refs.json": Data(refs.utf8), "cands.json": Data(cands.utf8)])
            XCTAssertThrowsError(try NocapsCaptionSet.load(annotations: r, results: c), message) { error in
                let text = "\(error)"
                XCTAssertFalse(text.contains("\n"), text)
                XCTAssertTrue(text.contains(message), "\(text) should contain \(message)")
            }
        }
    }

    /// An image listed twice with the same domain is fine (pycocotools keeps the first).
    func testRepeatedImageWithTheSameDomain() throws {
        let refs = #"{"images": [{"id": 1, "domain": "near-domain"}, {"id": 1, "domain": "near-domain"}], "annotations": [{"image_id": 1, "caption": "a dog"}]}"#
        let (r, c) = try writeTemporaryFiles(["refs.json": Data(refs.utf8), "cands.json": Data(#"[{"image_id": 1, "caption": "a dog"}]"#.utf8)])
        let set = try NocapsCaptionSet.load(annotations: r, results: c)
        XCTAssertEqual(set.domains, [.nearDomain])
    }
}
