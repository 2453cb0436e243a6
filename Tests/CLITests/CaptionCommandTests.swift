import Foundation
import XCTest
import MPLUGModel
import TestSupport

/// `mplug-eval caption` with the tiny golden model (config A): bad input exits 2 naming the path;
/// a golden image gets the official beam-search caption.
final class CaptionCommandTests: CommandLineTestCase {
    private let golden = Fixtures.url("model/config_A_stride2")

    /// The model options for the golden config A checkpoint.
    private var modelArguments: [String] {
        ["--checkpoint", golden.appendingPathComponent("weights.safetensors").path,
         "--config", golden.appendingPathComponent("config.json").path,
         "--vocab", golden.appendingPathComponent("vocab.txt").path]
    }

    private func caption(_ arguments: [String]) throws -> ToolRun {
        try run("mplug-eval", ["caption"] + modelArguments + arguments)
    }

    func testMissingImageIsBadInputNamingThePath() throws {
        let missing = missingPath("photo.png")
        let run = try caption(["--image", missing])
        assertBadInput(run, mentions: [missing])
        XCTAssertEqual(run.standardError.components(separatedBy: missing).count - 1, 1, "the path is named once: \(run.summary)")
    }

    func testImageThatIsNotAnImageIsBadInputNamingThePath() throws {
        let notAnImage = try write("not a PNG", to: "fake.png")
        assertBadInput(try caption(["--image", notAnImage]), mentions: ["fake.png"])
    }

    func testMissingImageDirectoryIsBadInputNamingThePath() throws {
        let missing = missingPath("images")
        assertBadInput(try caption(["--images", missing, "--output", "out.json"]), mentions: [missing])
    }

    func testDirectoryWithoutImagesIsBadInputNamingTheDirectory() throws {
        let empty = temporaryDirectory.appendingPathComponent("no-images")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        _ = try write("notes", to: "no-images/readme.txt")
        assertBadInput(try caption(["--images", empty.path, "--output", "out.json"]), mentions: [empty.path])
    }

    func testMissingCheckpointIsBadInputNamingThePath() throws {
        let missing = missingPath("weights.safetensors")
        let run = try run("mplug-eval", ["caption", "--checkpoint", missing,
                                         "--config", golden.appendingPathComponent("config.json").path,
                                         "--vocab", golden.appendingPathComponent("vocab.txt").path,
                                         "--image", golden.appendingPathComponent("image0.png").path])
        assertBadInput(run, mentions: [missing])
    }

    func testNeitherImageNorImagesIsBadInput() throws {
        assertBadInput(try caption([]), mentions: ["--image"])
    }

    /// image0.png gets hypothesis 0 of the official beam search (golden_meta.json
    /// generation_f64.caption_beam), decoded with the golden vocabulary.
    func testGoldenImageGetsTheOfficialBeamSearchCaption() throws {
        let run = try caption(["--image", golden.appendingPathComponent("image0.png").path])
        assertSuccess(run)
        let meta = try XCTUnwrap(Fixtures.json("model/config_A_stride2/golden_meta.json") as? [String: Any])
        let beams = try XCTUnwrap((meta["generation_f64"] as? [String: Any])?["caption_beam"] as? [[[String: Any]]])
        let ids = try XCTUnwrap(beams.first?.first?["ids"] as? [Int])
        let tokenizer = try WordPieceTokenizer(contentsOf: golden.appendingPathComponent("vocab.txt"))
        XCTAssertEqual(run.standardOutput, tokenizer.decode(ids) + "\n")
    }
}
