import Foundation
import XCTest
import DataIO
import MPLUGModel
import TestSupport
@testable import EvalTasks

final class CaptionGenerationTests: XCTestCase {
    /// The golden PNGs through decoding, resize, ViT and beam search give the official top-1
    /// caption ids (golden_meta.json generation_f64.caption_beam, hypothesis 0), decoded officially.
    func testCaptionsOfGoldenImagesEqualTheOfficialBeamSearch() throws {
        let dir = Fixtures.url("model/config_A_stride2")
        let config = try MPLUGConfig.load(goldenConfig: dir.appendingPathComponent("config.json"))
        let model = try MPLUGModel(config: config, stateDict: StateDict.load(dir.appendingPathComponent("weights.pth")), parts: .caption)
        let tokenizer = try WordPieceTokenizer(contentsOf: dir.appendingPathComponent("vocab.txt"))
        let images = [0, 1].map { dir.appendingPathComponent("image\($0).png") }
        let results = try CaptionGeneration.caption(images: images, model: model, tokenizer: tokenizer)
        let meta = try XCTUnwrap(Fixtures.json("model/config_A_stride2/golden_meta.json") as? [String: Any])
        let beams = try XCTUnwrap((meta["generation_f64"] as? [String: Any])?["caption_beam"] as? [[[String: Any]]])
        for (result, beam) in zip(results, beams) {
            let ids = try XCTUnwrap(beam[0]["ids"] as? [Int])
            XCTAssertEqual(result.caption, tokenizer.decode(ids))
            XCTAssertFalse(result.caption.contains("[SEP]") || result.caption.contains("[CLS]"))
        }
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: CaptionGeneration.resultsJSON(results)) as? [[String: Any]])
        XCTAssertEqual(json.count, 2)
        XCTAssertEqual(json[0]["image_id"] as? Int, 0)
        XCTAssertEqual(json[0]["caption"] as? String, results[0].caption)
    }
}
