import XCTest
import Metrics

/// The index format and the four matchers on a hand-made miniature of METEOR's resources (no setup needed).
final class MeteorIndexTests: XCTestCase {
    func makeScorer() throws -> MeteorScorer {
        var paraphrases = MeteorParaphraseTableBuilder()
        paraphrases.add(reference: ["sofa"], paraphrase: ["couch"])
        paraphrases.add(reference: ["in", "front", "of"], paraphrase: ["before"])
        let bytes = MeteorResources.buildIndex(synsetsText: "bicycle\n100\nbike\n100 200\nride\n300\n",
                                               exceptionsText: "ride\nrode ridden\n", paraphrases: paraphrases)
        let index = try XCTUnwrap(MeteorIndex(contents: bytes))
        let resources = try MeteorResources(index: index, functionWordsText: "a\nthe\nof\n", nonbreakingPrefixesText: "")
        return MeteorScorer(resources: resources)
    }

    /// exact "a" (function word), synonym bicycle~bike, paraphrase sofa->couch; one chunk.
    func testEachStageCountsItsMatches() throws {
        let stats = try makeScorer().segmentStats(candidate: "a bicycle couch", references: ["a bike sofa"])
        XCTAssertEqual(stats.description, "3.0 3.0 1.0 1.0 0.0 0.0 1.0 1.0 0.0 0.0 0.0 0.0 1.0 1.0 0.0 0.0 1.0 1.0 0.0 0.0 1.0 3.0 3.0")
        // P = R = (0.75 * (0.8 + 0.6) + 0.25 * 1) / (0.75 * 2 + 0.25 * 1); no fragmentation penalty.
        XCTAssertEqual(stats.score(), 1.3 / 1.75, accuracy: 1e-12)
    }

    /// A multi-word reference phrase matched to a one-word paraphrase, an irregular form through the exception
    /// list (rode -> ride), and a stem match (horses ~ horse).
    func testPhrasesExceptionsAndStems() throws {
        let stats = try makeScorer().segmentStats(candidate: "he rode before the horses",
                                                  references: ["he ride in front of the horse"])
        XCTAssertEqual(stats.testLength, 5)
        XCTAssertEqual(stats.referenceLength, 7)
        XCTAssertEqual(stats.stages[0].testContent + stats.stages[0].testFunction, 2)   // he, the
        XCTAssertEqual(stats.stages[1].testContent, 1)                                     // horses ~ horse
        XCTAssertEqual(stats.stages[2].testContent, 1)                                     // rode ~ ride
        XCTAssertEqual(stats.stages[3].testContent, 1)                                     // before
        XCTAssertEqual(stats.stages[3].referenceContent + stats.stages[3].referenceFunction, 3) // in front of
        XCTAssertEqual(stats.chunks, 1)
    }

    func testRejectsForeignBytes() {
        XCTAssertNil(MeteorIndex(contents: Array("not an index at all".utf8)))
    }
}
