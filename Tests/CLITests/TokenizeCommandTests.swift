import Foundation
import XCTest
import TestSupport

/// `mplug-eval tokenize`: bad input exits 2 naming the file (and line); captions tokenize as
/// pycocoevalcap's PTBTokenizer did for the fakecap references.
final class TokenizeCommandTests: CommandLineTestCase {
    func testMissingInputIsBadInputNamingThePath() throws {
        let missing = missingPath("captions.txt")
        assertBadInput(try mplugEval("tokenize", "--input", missing), mentions: [missing])
    }

    func testMalformedJSONLineIsBadInputNamingFileAndLine() throws {
        let input = try write("\"a dog\"\n\"unterminated\n", to: "captions.jsonl")
        assertBadInput(try mplugEval("tokenize", "--input", input, "--jsonl"), mentions: ["captions.jsonl:2"])
    }

    func testInvalidUTF8IsBadInputNamingFileAndLine() throws {
        let url = temporaryDirectory.appendingPathComponent("latin1.txt")
        try Data([0x61, 0x0A, 0x63, 0x61, 0x66, 0xE9, 0x0A]).write(to: url)   // "a\ncaf\xE9\n"
        assertBadInput(try mplugEval("tokenize", "--input", url.path), mentions: ["latin1.txt:2"])
    }

    /// The raw references of the first 50 fakecap images, one JSON string per line, give the
    /// reference tokenizer's output (tokenized.json refs_tok), line for line.
    func testFakecapReferencesTokenizeAsTheReferenceTokenizer() throws {
        let images = try XCTUnwrap(Fixtures.json("captions/coco_val2014_fakecap_1000/tokenized.json") as? [[String: Any]])
        var raw: [String] = [], tokenized: [String] = []
        for image in images.prefix(50) {
            raw += try XCTUnwrap(image["refs_raw"] as? [String])
            tokenized += try XCTUnwrap(image["refs_tok"] as? [String])
        }
        let lines = try raw.map { String(decoding: try JSONSerialization.data(withJSONObject: $0, options: [.fragmentsAllowed]), as: UTF8.self) }
        let input = try write(lines.joined(separator: "\n") + "\n", to: "refs.jsonl")
        let run = try mplugEval("tokenize", "--input", input, "--jsonl")
        assertSuccess(run)
        let output = try run.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8), options: [.fragmentsAllowed]) as? String)
        }
        XCTAssertEqual(output, tokenized)
    }

    func testEmptyCaptionGivesAnEmptyLine() throws {
        let input = try write("A dog.\n\nTwo cats!\n", to: "captions.txt")
        let run = try mplugEval("tokenize", "--input", input)
        assertSuccess(run)
        XCTAssertEqual(run.standardOutput, "a dog\n\ntwo cats\n")
    }
}
