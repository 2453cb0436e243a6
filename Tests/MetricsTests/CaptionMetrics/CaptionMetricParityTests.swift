import XCTest
import Metrics
import TestSupport

/// BLEU-1…4, ROUGE-L and CIDEr-D against pycocoevalcap 1.2 on the three golden caption sets,
/// corpus and per image, with the golden README's tolerances (see `goldenTolerance`).
final class CaptionMetricParityTests: XCTestCase {
    func testBleuRougeCiderMatchPycocoevalcapOnEveryGoldenSet() throws {
        for name in CaptionSetFixture.names {
            let fixture = try CaptionSetFixture(name)
            let bleuStats = fixture.samples.map(Bleu().imageStats)
            XCTAssertEqual(bleuStats.reduce(BleuCounts(), +), fixture.bleuTotals, "\(name): BLEU totals")
            check(Bleu().scores(bleuStats), fixture)
            check(RougeL().scores(fixture.samples.map(RougeL().imageStats)), fixture)
            check(CiderD().scores(fixture.samples.map(CiderD().imageStats)), fixture)
        }
    }

    private func check(_ scores: CaptionScores, _ fixture: CaptionSetFixture, file: StaticString = #filePath, line: UInt = #line) {
        for (k, name) in scores.names.enumerated() {
            let expected = fixture.corpus[name]!
            var worst = relativeDifference(scores.corpus[k], expected)
            var tolerance = goldenTolerance(name, expected: expected)
            XCTAssertTrue(isClose(scores.corpus[k], expected, rel: tolerance.rel, abs: tolerance.abs),
                          "\(fixture.name) \(name) corpus \(scores.corpus[k]) vs \(expected)", file: file, line: line)
            var failures = 0
            for (i, id) in fixture.imageIDs.enumerated() {
                let expected = fixture.perImage[id]![name]!
                let actual = scores.perImage[i][k]
                tolerance = goldenTolerance(name, expected: expected)
                if !isClose(actual, expected, rel: tolerance.rel, abs: tolerance.abs) {
                    failures += 1
                    if failures <= 3 { XCTFail("\(fixture.name) \(name) image \(id): \(actual) vs \(expected)", file: file, line: line) }
                }
                if tolerance.abs == 0 { worst = max(worst, relativeDifference(actual, expected)) }
            }
            XCTAssertEqual(failures, 0, "\(fixture.name) \(name): per-image mismatches", file: file, line: line)
            print("parity \(fixture.name) \(name): corpus \(scores.corpus[k]) expected \(expected), max rel diff \(worst)")
        }
    }
}
