import Foundation
import XCTest
@testable import Metrics
import TestSupport

/// PTBTokenizer against pycocoevalcap 1.2 (CoreNLP 3.4.1 PTBTokenizer): exact string equality.
final class PTBTokenizerTests: XCTestCase {
    private let tokenizer = PTBTokenizer()

    /// Fails with the number of mismatches and the first few, if any.
    private func assertAllEqual(_ actual: [String], _ expected: [String], inputs: [String],
                                _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, "\(label): line count", file: file, line: line)
        var mismatches: [String] = []
        var count = 0
        for k in 0..<min(actual.count, expected.count) where actual[k] != expected[k] {
            count += 1
            if mismatches.count < 8 {
                mismatches.append("#\(k) input \(debugQuote(inputs[k]))\n   got      \(debugQuote(actual[k]))\n   expected \(debugQuote(expected[k]))")
            }
        }
        XCTAssertEqual(count, 0, "\(label): \(count) of \(expected.count) differ:\n" + mismatches.joined(separator: "\n"),
                       file: file, line: line)
    }

    private func debugQuote(_ s: String) -> String { String(reflecting: s) }

    /// All 190,418 pairs of `ptb_pairs.jsonl.gz`, tokenized as ONE batch in file order (the reference's
    /// look-ahead crosses line ends, so each output may depend on the next input).
    func testPTBPairsOneBatchInFileOrder() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-dc", Fixtures.url("captions/ptb_tokenizer/ptb_pairs.jsonl.gz").path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)

        var inputs: [String] = [], expected: [String] = []
        for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
            inputs.append(try XCTUnwrap(object["input"] as? String))
            expected.append(try XCTUnwrap(object["output"] as? String))
        }
        XCTAssertEqual(inputs.count, 190_418)
        assertAllEqual(tokenizer.tokenize(inputs), expected, inputs: inputs, "ptb_pairs")
        // Splitting the batch into runs tokenized in parallel must not change anything.
        assertAllEqual(tokenizer.tokenize(inputs, chunks: 7), expected, inputs: inputs, "ptb_pairs in 7 chunks")
    }

    /// The `tokenized.json` of a caption set: references in one batch (image order, then annotation
    /// order), candidates in a second batch.
    private func checkCaptionSet(_ name: String) throws {
        let entries = try XCTUnwrap(Fixtures.json("captions/\(name)/tokenized.json") as? [[String: Any]])
        var refs: [String] = [], refsTok: [String] = [], cands: [String] = [], candsTok: [String] = []
        var refsPerImage: [[String]] = []
        for entry in entries {
            refsPerImage.append(try XCTUnwrap(entry["refs_raw"] as? [String]))
            refs += try XCTUnwrap(entry["refs_raw"] as? [String])
            refsTok += try XCTUnwrap(entry["refs_tok"] as? [String])
            cands += try XCTUnwrap(entry["cand_raw"] as? [String])
            candsTok += try XCTUnwrap(entry["cand_tok"] as? [String])
        }
        XCTAssertFalse(refs.isEmpty)
        assertAllEqual(tokenizer.tokenize(refs), refsTok, inputs: refs, "\(name) refs")
        assertAllEqual(tokenizer.tokenize(cands), candsTok, inputs: cands, "\(name) cands")
        // Both batches in one balanced pass (as the COCO task runs them), in any number of runs:
        // a run may span the end of one batch and the start of the next.
        for chunks in [1, 2, 3, 8] {
            let batches = tokenizer.tokenize(batches: [refs, cands], chunks: chunks)
            XCTAssertEqual(batches.count, 2)
            assertAllEqual(batches[0], refsTok, inputs: refs, "\(name) refs, both batches in \(chunks) runs")
            assertAllEqual(batches[1], candsTok, inputs: cands, "\(name) cands, both batches in \(chunks) runs")
            // The same batches as groups (references per image, candidates as one group), as the
            // COCO task passes them.
            let grouped = tokenizer.tokenize(groupedBatches: [refsPerImage, [cands]], chunks: chunks)
            XCTAssertEqual(grouped[0].map(\.count), refsPerImage.map(\.count))
            XCTAssertEqual(grouped[1].map(\.count), [cands.count])
            assertAllEqual(grouped[0].flatMap { $0 }, refsTok, inputs: refs, "\(name) grouped refs in \(chunks) runs")
            assertAllEqual(grouped[1][0], candsTok, inputs: cands, "\(name) grouped cands in \(chunks) runs")
        }
    }

    /// Groups of any size (empty ones, and groups larger than a run, which runs share) give the
    /// lines of the flat batch, in the same groups.
    func testGroupedBatchesEqualFlatBatches() {
        let captions = ["showing the letter S.", "A dog on the beach.", "It's (red).", "", "a man cannot ride.",
                        "Two dogs, gonna play.", "The U.S. flag.", "Mr. Smith.", "x\u{2028}y", "café au lait."]
        let sizes = [3, 0, 1, 25, 0, 7, 2, 300, 0, 5, 1, 40]
        var groups: [[String]] = [], next = 0
        for size in sizes {
            groups.append((0..<size).map { captions[(next + $0) % captions.count] + ($0 % 3 == 0 ? "" : " And more.") })
            next += size
        }
        let flat = groups.flatMap { $0 }
        let expected = tokenizer.tokenize(flat)
        XCTAssertEqual(expected[0], "showing the letter s")   // the look-ahead into the next caption happened
        for chunks in [1, 2, 3, 5, 8, 64] {
            let grouped = tokenizer.tokenize(groupedBatches: [groups, [], [[]], groups], chunks: chunks)
            XCTAssertEqual(grouped.count, 4)
            XCTAssertEqual(grouped[0].map(\.count), sizes, "\(chunks) runs")
            XCTAssertEqual(grouped[0].flatMap { $0 }, expected, "\(chunks) runs")
            XCTAssertEqual(grouped[1].count, 0)
            XCTAssertEqual(grouped[2], [[]])
            XCTAssertEqual(grouped[3].flatMap { $0 }, expected, "\(chunks) runs, second batch")
        }
    }

    func testCocoVal2014Fakecap() throws { try checkCaptionSet("coco_val2014_fakecap_1000") }
    func testCocoKarpathyMagic() throws { try checkCaptionSet("coco_karpathy_magic_2000") }
    func testTimingCoco5000x5() throws { try checkCaptionSet("timing_coco_5000x5") }

    /// Edge cases: each case's references (image order, annotation order) and candidates (image order)
    /// against `results["C.UTF-8"].tokenized`. Cases whose candidates the reference rejects
    /// (unknown image, duplicated image id) are skipped. Cases where Java shifts lines because of
    /// `\r`/U+0085/U+2028/form feed are checked against our documented behaviour instead: those
    /// characters act as spaces and no caption moves.
    func testEdgeCases() throws {
        let root = try XCTUnwrap(Fixtures.json("captions/edge_cases.json") as? [String: Any])
        let cases = try XCTUnwrap(root["cases"] as? [[String: Any]])
        var checked = 0, lineBreakCases = 0
        for edgeCase in cases {
            let name = try XCTUnwrap(edgeCase["name"] as? String)
            let results = try XCTUnwrap(edgeCase["results"] as? [String: Any])
            let result = try XCTUnwrap(results["C.UTF-8"] as? [String: Any])
            guard let tokenized = result["tokenized"] as? [String: Any],
                  let gts = tokenized["gts"] as? [String: [String]],
                  let res = tokenized["res"] as? [String: [String]] else { continue }
            let order = try XCTUnwrap(result["image_order"] as? [Any]).map { "\($0)" }
            let refsJSON = try XCTUnwrap(edgeCase["refs"] as? [String: Any])
            let annotations = try XCTUnwrap(refsJSON["annotations"] as? [[String: Any]])
            let candidates = try XCTUnwrap(edgeCase["cands"] as? [[String: Any]])

            var refs: [String] = [], expectedRefs: [String] = [], cands: [String] = [], expectedCands: [String] = []
            for image in order {
                let imageRefs = annotations.filter { "\($0["image_id"]!)" == image }.map { $0["caption"] as! String }
                refs += imageRefs
                expectedRefs += gts[image] ?? []
                let imageCands = candidates.filter { "\($0["image_id"]!)" == image }.map { $0["caption"] as! String }
                cands += imageCands
                expectedCands += res[image] ?? []
            }
            let hasLineBreak = (refs + cands).contains { $0.unicodeScalars.contains { "\r\u{0B}\u{0C}\u{85}\u{2028}\u{2029}".unicodeScalars.contains($0) } }
            if hasLineBreak {
                lineBreakCases += 1
                // Our fix: the line-breaking characters are spaces, so the caption keeps all its words.
                let spaced = { (s: String) in String(s.unicodeScalars.map { "\r\u{0B}\u{0C}\u{85}\u{2028}\u{2029}".unicodeScalars.contains($0) ? " " : Character($0) }) }
                XCTAssertEqual(tokenizer.tokenize(refs), tokenizer.tokenize(refs.map(spaced)), name)
                XCTAssertEqual(tokenizer.tokenize(cands), tokenizer.tokenize(cands.map(spaced)), name)
                XCTAssertTrue(tokenizer.tokenize(cands + refs).contains("a dog running on the beach"), name)
                continue
            }
            assertAllEqual(tokenizer.tokenize(refs), expectedRefs, inputs: refs, "\(name) refs")
            assertAllEqual(tokenizer.tokenize(cands), expectedCands, inputs: cands, "\(name) cands")
            checked += 1
        }
        XCTAssertEqual(lineBreakCases, 4)
        XCTAssertGreaterThanOrEqual(checked, 25)
        print("edge cases: \(checked) compared with the reference, \(lineBreakCases) with the line-break fix")
    }

    /// The carriage-return case explicitly: Java gives "a dog" and shifts the next captions; we keep
    /// every caption on its own line.
    func testCarriageReturnIsASpace() {
        let out = tokenizer.tokenize(["a dog\rrunning on the beach", "A young man.", "x\u{2028}y\u{0C}z\u{85}w"])
        XCTAssertEqual(out, ["a dog running on the beach", "a young man", "x y z w"])
    }

    func testCrossCaptionLookAhead() {
        XCTAssertEqual(tokenizer.tokenize(["showing the letter S.", "A dog on the beach."]),
                       ["showing the letter s", "a dog on the beach"])
        XCTAssertEqual(tokenizer.tokenize(["showing the letter S.", "a dog on the beach."]),
                       ["showing the letter s.", "a dog on the beach"])
    }

    /// Captions at the edges of the plain-caption shortcuts (words and single spaces, maybe a final
    /// period): split words, abbreviations and single letters before a period, the look-ahead into
    /// the next caption, periods and commas inside, double and spaced periods, upper case.
    func testPlainCaptionShortcutsKeepTheRules() {
        let cases: [(String, String)] = [
            ("A man cannot ride.", "a man can not ride"), ("He is gonna go.", "he is gon na go"),
            ("Two dogs.", "two dogs"), ("I saw Mr.", "i saw mr."), ("A big dog", "a big dog"),
            ("Showing the letter S.", "showing the letter s"), ("A dog on the beach.", "a dog on the beach"),
            ("Dogs run. Cats sit.", "dogs run cats sit"), ("a  b", "a b"), ("x .", "x"), ("Inc.", "inc."),
            ("The Co.", "the co."), ("Green grass, white water.", "green grass white water"),
            ("A WOMAN IS LAUGHING.", "a woman is laughing"), ("wanna", "wan na"), ("Gimme.", "gim me"),
            ("lemme go", "lem me go"), ("A cannot", "a can not"), ("I.", "i"), ("It is 5 o'clock.", "it is 5 o'clock"),
            ("Plain words here", "plain words here"),
        ]
        XCTAssertEqual(tokenizer.tokenize(cases.map(\.0)), cases.map(\.1))
    }

    /// `tokenize(batches:)` equals tokenizing each batch on its own: no look-ahead from one batch
    /// into the next (inside one batch, "letter S." followed by "A dog" loses its period).
    func testBatchesAreIndependent() {
        let first = ["showing the letter S."], second = ["A dog on the beach.", "It's red."]
        let separately = [tokenizer.tokenize(first), tokenizer.tokenize(second)]
        XCTAssertNotEqual(separately[0][0], tokenizer.tokenize(first + second)[0])
        for chunks in [1, 2, 3] {
            XCTAssertEqual(tokenizer.tokenize(batches: [first, second], chunks: chunks), separately, "\(chunks) runs")
            XCTAssertEqual(tokenizer.tokenize(batches: [[], first, [], second], chunks: chunks),
                           [[], separately[0], [], separately[1]], "\(chunks) runs, with empty batches")
        }
        XCTAssertEqual(tokenizer.tokenize(batches: []), [])
    }

    func testEmptyBatchAndEmptyCaptions() {
        XCTAssertEqual(tokenizer.tokenize([]), [])
        XCTAssertEqual(tokenizer.tokenize(["", "  ", "...", "It's (red)."]), ["", "", "", "it 's -lrb- red -rrb-"])
    }
}
