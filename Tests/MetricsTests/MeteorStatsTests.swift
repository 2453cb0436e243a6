import XCTest
import TestSupport
import Metrics

/// The statistics layout, printing and score formula against the jar's own statistics lines in the fixtures
/// (no resources needed): parsing each image's `meteor_segment_stats` and scoring it must give the recorded
/// per-image METEOR within 1e-9, and the summed statistics the corpus METEOR within 1e-9.
final class MeteorStatsTests: XCTestCase {
    static let sets = ["coco_val2014_fakecap_1000", "coco_karpathy_magic_2000", "timing_coco_5000x5"]

    func testScoresFromJarStatistics() throws {
        for set in Self.sets {
            let expected = try MeteorFixture(set: set)
            var all: [MeteorStats] = []
            for id in expected.imageOrder {
                let line = try XCTUnwrap(expected.statsLines[id], "\(set) \(id)")
                let stats = try XCTUnwrap(MeteorStats(line: line), "\(set) \(id): \(line)")
                XCTAssertEqual(stats.description, line, "\(set) \(id): printing round trip")
                let want = try XCTUnwrap(expected.perImage[id])
                XCTAssertEqual(stats.score(), want, accuracy: 1e-9, "\(set) image \(id)")
                all.append(stats)
            }
            XCTAssertEqual(MeteorStats.corpus(all).score(), expected.corpus, accuracy: 1e-9, set)
        }
    }

    func testCorpusSumSkipsChunksOfPerfectSegments() throws {
        let perfect = try XCTUnwrap(MeteorStats(line: "3.0 3.0 1.0 1.0 2.0 2.0 1.0 1.0 " + String(repeating: "0.0 ", count: 12) + "1.0 3.0 3.0"))
        XCTAssertTrue(perfect.isPerfectMatch)
        XCTAssertEqual(perfect.score(), 1.0, accuracy: 1e-12)
        var partial = perfect
        partial.chunks = 2
        partial.stages[0].testContent = 1
        let total = MeteorStats.corpus([perfect, partial, perfect])
        XCTAssertEqual(total.chunks, 2)
        XCTAssertEqual(total.testLength, 9)
        XCTAssertEqual(total.stages[0].testContent, 5)
    }

    func testEmptyHypothesisScoresZero() {
        var stats = MeteorStats()
        stats.referenceLength = 4
        XCTAssertEqual(stats.score(), 0)
        XCTAssertEqual(stats.description, "0.0 4.0" + String(repeating: " 0.0", count: 21))
    }

    func testRejectsMalformedLines() {
        XCTAssertNil(MeteorStats(line: "1.0 2.0"))
        XCTAssertNil(MeteorStats(line: String(repeating: "1.5 ", count: 23)))
    }
}

/// The METEOR parts of a caption fixture set.
struct MeteorFixture {
    let imageOrder: [String]
    let statsLines: [String: String]
    let perImage: [String: Double]
    let corpus: Double
    /// image id -> (references, candidate) as the scorer received them (`tokenized.json`)
    let inputs: [String: (references: [String], candidate: String)]

    init(set: String) throws {
        let expected = try XCTUnwrap(Fixtures.json("captions/\(set)/expected.json") as? [String: Any])
        imageOrder = try XCTUnwrap(expected["image_order"] as? [Any]).map { "\($0)" }
        let diagnostics = try XCTUnwrap(expected["diagnostics"] as? [String: Any])
        statsLines = try XCTUnwrap(diagnostics["meteor_segment_stats"] as? [String: String])
        let imgToEval = try XCTUnwrap(expected["imgToEval"] as? [String: [String: Any]])
        perImage = imgToEval.compactMapValues { $0["METEOR"] as? Double }
        corpus = try XCTUnwrap((expected["corpus"] as? [String: Any])?["METEOR"] as? Double)
        let tokenized = try XCTUnwrap(Fixtures.json("captions/\(set)/tokenized.json") as? [[String: Any]])
        var inputs: [String: (references: [String], candidate: String)] = [:]
        for entry in tokenized {
            let id = "\(entry["image_id"] ?? "")"
            let candidates = try XCTUnwrap(entry["cand_tok"] as? [String])
            inputs[id] = (try XCTUnwrap(entry["refs_tok"] as? [String]), try XCTUnwrap(candidates.first))
        }
        self.inputs = inputs
    }
}
