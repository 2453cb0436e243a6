import Metrics
import XCTest

final class WordNetLexiconTests: XCTestCase {
    func testMorphyUsesExceptionListsThenDetachmentRules() throws {
        let wn = try SpiceLiteTestLexicon.lexicon()
        XCTAssertEqual(wn.lemma("geese", .noun), "goose")      // noun.exc
        XCTAssertEqual(wn.lemma("mice", .noun), "mouse")       // noun.exc
        XCTAssertEqual(wn.lemma("running", .verb), "run")      // verb.exc
        XCTAssertEqual(wn.lemma("better", .adjective), "good") // adj.exc
        XCTAssertEqual(wn.lemma("dogs", .noun), "dog")         // rule s → ""
        XCTAssertEqual(wn.lemma("boxes", .noun), "box")        // rule xes → x
        XCTAssertEqual(wn.lemma("riding", .verb), "ride")      // rule ing → e
        XCTAssertEqual(wn.lemma("shoes", .noun), "shoe")       // shortest candidate, though "shoes" is a lemma
        XCTAssertEqual(wn.lemma("people", .noun), "people")
        XCTAssertNil(wn.lemma("xyzzyq", .noun))
    }

    func testSynsetsAreSharedBySynonymsOnly() throws {
        let wn = try SpiceLiteTestLexicon.lexicon()
        let car = Set(wn.synsets(of: "car")), automobile = Set(wn.synsets(of: "automobile"))
        XCTAssertFalse(car.isDisjoint(with: automobile))
        XCTAssertTrue(Set(wn.synsets(of: "man")).isDisjoint(with: wn.synsets(of: "horse")))
        // Inflected forms reach their lemma's synsets (SPICE adds the stem's synsets).
        XCTAssertEqual(Set(wn.synsets(of: "cars")).intersection(car), car)
        XCTAssertEqual(wn.synsets(of: "car"), wn.synsets(of: "car").sorted())
    }

    func testSenseCountsRankPartsOfSpeech() throws {
        let wn = try SpiceLiteTestLexicon.lexicon()
        XCTAssertGreaterThan(wn.semcorCount("table", .noun), wn.semcorCount("table", .verb))
        XCTAssertGreaterThan(wn.semcorCount("sit", .verb), 0)
    }

    func testParsesIndexLinesFromText() {
        let index = """
          1 This software and database is being provided to you, the LICENSEE, by
        dog n 2 3 @ ~ #m 2 1 02084071 10114209
        hot_dog n 1 1 @ 1 0 07697537
        """
        let wn = WordNetLexicon(files: [.noun: .init(index: index, exceptions: "dogs dog\n")],
                                senseCounts: "dog%1:05:00:: 1 42\n")
        XCTAssertEqual(wn.lemmaCounts, [2, 0, 0, 0])
        XCTAssertEqual(wn.synsets(of: "dog"), [02084071 * 4, 10114209 * 4])
        XCTAssertEqual(wn.synsets(of: "hot dog"), [07697537 * 4])
        XCTAssertEqual(wn.semcorCount("dog", .noun), 42)
        XCTAssertEqual(wn.firstSenseFile("dog", .noun), 5)   // from the sense key dog%1:05:...
    }

    func testFirstSenseFileComesFromSenseNumberOne() {
        let index = "building n 2 1 @ 2 2 02913152 00910203\n"
        let counts = "building%1:04:00:: 2 3\nbuilding%1:06:00:: 1 48\n"
        let wn = WordNetLexicon(files: [.noun: .init(index: index, exceptions: "")], senseCounts: counts)
        XCTAssertEqual(wn.firstSenseFile("building", .noun), WordNetLexicon.artifactFile)
        XCTAssertEqual(wn.semcorCount("building", .noun), 51)
        XCTAssertNil(wn.firstSenseFile("tower", .noun))
    }
}
