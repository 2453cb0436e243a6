import XCTest
import TestSupport
import MetricResources
@testable import Metrics

/// Parity of the Swift METEOR with `meteor-1.5.jar` as pycocoevalcap 1.2 runs it, on the caption fixtures:
/// the 23 statistics of each image must be identical on at least 99.5% of the images, those images' METEOR
/// within 1e-9, and the corpus METEOR within 1e-4. Needs the resources (`bash scripts/setup-meteor.sh`).
final class MeteorScorerTests: XCTestCase {
    static var cachedScorer: MeteorScorer?

    func scorer() throws -> MeteorScorer {
        if let s = Self.cachedScorer { return s }
        try XCTSkipUnless(MeteorResourceLoader.isInstalled(),
                          "METEOR 1.5 resources are not installed; run: \(MeteorResourceLoader.setupCommand)")
        let started = Date()
        let s = MeteorScorer(resources: try MeteorResourceLoader.load())
        print("METEOR resources loaded in \(Date().timeIntervalSince(started)) s")
        Self.cachedScorer = s
        return s
    }

    func testCaptionSetParity() throws {
        let scorer = try scorer()
        for set in MeteorStatsTests.sets {
            let fixture = try MeteorFixture(set: set)
            let ids = fixture.imageOrder
            let inputs = try ids.map { try XCTUnwrap(fixture.inputs[$0], "\(set): no tokenized entry for \($0)") }
            let started = Date(), startedCPU = clock()
            let result = scorer.evaluate(candidates: inputs.map(\.candidate), references: inputs.map(\.references))
            print("METEOR \(set): \(ids.count) images scored in \(Date().timeIntervalSince(started)) s wall, "
                  + "\(Double(clock() - startedCPU) / Double(CLOCKS_PER_SEC)) s CPU")
            var equal = 0
            for (k, id) in ids.enumerated() {
                let line = try XCTUnwrap(fixture.statsLines[id])
                if result.stats[k].description == line {
                    equal += 1
                    XCTAssertEqual(result.perImage[k], try XCTUnwrap(fixture.perImage[id]), accuracy: 1e-9, "\(set) image \(id)")
                } else {
                    print("\(set) image \(id): stats differ\n  swift: \(result.stats[k])\n  jar:   \(line)")
                }
            }
            let rate = Double(equal) / Double(ids.count)
            print("METEOR \(set): statistics equal on \(equal)/\(ids.count) images (\(rate * 100)%), corpus \(result.corpus) vs \(fixture.corpus)")
            XCTAssertGreaterThanOrEqual(rate, 0.995, set)
            XCTAssertEqual(result.corpus, fixture.corpus, accuracy: 1e-4, set)
        }
    }

    /// The whole-set path (one lexicon for all images, built in chunks) gives each image the statistics
    /// of scoring it alone, for a random subset of images in random order.
    func testAllImagesAtOnceEqualsOneAtATime() throws {
        let scorer = try scorer()
        let fixture = try MeteorFixture(set: "coco_karpathy_magic_2000")
        let ids = fixture.imageOrder.shuffled().prefix(1500)
        let samples = try ids.map { id in
            let input = try XCTUnwrap(fixture.inputs[id])
            return CaptionSample(candidate: input.candidate, references: input.references)
        }
        let together = scorer.imageStats(of: samples)
        XCTAssertEqual(together.count, samples.count)
        for (k, sample) in samples.enumerated() {
            XCTAssertEqual(together[k], scorer.imageStats(sample), "image \(ids[ids.startIndex + k])")
        }
    }

    /// The synonym matcher's two paths (per-pair synset intersection; the test sentence's synset index) find
    /// the same matches in the same order, on random pairs of fixture captions.
    func testSynsetIndexMatchesPairwiseIntersection() throws {
        let scorer = try scorer()
        let fixture = try MeteorFixture(set: "coco_val2014_fakecap_1000")
        let captions = fixture.imageOrder.prefix(400).flatMap { id in
            fixture.inputs[id].map { [$0.candidate] + $0.references } ?? []
        }.map(scorer.tokens)
        let lexicon = MeteorLexicon(sentences: captions, resources: scorer.resources)
        let paraphrases = scorer.resources.paraphrases
        let aligner = MeteorAligner(paraphrases: paraphrases, lexicon: lexicon)
        var withSynonyms = 0
        for _ in 0..<600 {
            let (a, b) = (lexicon.sentences.randomElement()!, lexicon.sentences.randomElement()!)
            let plain = MeteorSentence(words: a, lexicon: lexicon, paraphrases: paraphrases)
            let indexed = MeteorSentence(words: a, lexicon: lexicon, paraphrases: paraphrases, indexingSynsets: true)
            XCTAssertNotNil(indexed.synsetPositions)
            let reference = MeteorSentence(words: b, lexicon: lexicon, paraphrases: paraphrases)
            let expected = aligner.stats(test: plain, reference: reference)
            XCTAssertEqual(aligner.stats(test: indexed, reference: reference), expected)
            if expected.stages[2].testContent + expected.stages[2].testFunction > 0 { withSynonyms += 1 }
        }
        XCTAssertGreaterThan(withSynonyms, 10, "the pairs exercise the synonym stage")
    }

    /// The wrapper's hypothesis clean-up (`|||` removed, then double spaces collapsed once, left to right), on
    /// random strings of letters, spaces and bars; the shortcut for strings with nothing to replace included.
    func testHypothesisAsSentMatchesTheWrapperReplacements() {
        XCTAssertEqual(MeteorScorer.hypothesisAsSent("a dog ||| runs"), "a dog runs")
        XCTAssertEqual(MeteorScorer.hypothesisAsSent("a   b"), "a  b")
        XCTAssertEqual(MeteorScorer.hypothesisAsSent("a dog runs"), "a dog runs")
        for _ in 0..<2000 {
            let text = String((0..<Int.random(in: 0...12)).map { _ in "ab |".randomElement()! })
            var expected = ""
            var rest = Substring(text)
            while let range = rest.range(of: "|||") { expected += rest[..<range.lowerBound]; rest = rest[range.upperBound...] }
            expected += rest
            var collapsed = ""
            rest = Substring(expected)
            while let range = rest.range(of: "  ") { collapsed += rest[..<range.lowerBound] + " "; rest = rest[range.upperBound...] }
            collapsed += rest
            XCTAssertEqual(MeteorScorer.hypothesisAsSent(text), collapsed, "\(text.debugDescription)")
        }
    }

    /// nocaps (10 references per image): per-image METEOR within 1e-9 on at least 99.5% of the images and the
    /// corpus METEOR of each domain (scored as its own subset) within 1e-4.
    func testNocapsParity() throws {
        let scorer = try scorer()
        let set = "nocaps/nocaps_val_public_2251"
        let expected = try XCTUnwrap(Fixtures.json("\(set)/expected.json") as? [String: Any])
        let domains = try XCTUnwrap(expected["domains"] as? [String: [String: Any]])
        let tokenized = try XCTUnwrap(Fixtures.json("\(set)/tokenized.json") as? [[String: Any]])
        var inputs: [String: (domain: String, candidate: String, references: [String])] = [:]
        for entry in tokenized {
            inputs["\(entry["image_id"] ?? "")"] = (try XCTUnwrap(entry["domain"] as? String),
                                                  try XCTUnwrap((entry["cand_tok"] as? [String])?.first),
                                                  try XCTUnwrap(entry["refs_tok"] as? [String]))
        }
        let order = try XCTUnwrap(expected["image_order"] as? [Any]).map { "\($0)" }
        let result = scorer.evaluate(candidates: try order.map { try XCTUnwrap(inputs[$0]).candidate },
                                     references: try order.map { try XCTUnwrap(inputs[$0]).references })
        let entire = try XCTUnwrap(domains["entire"]?["imgToEval"] as? [String: [String: Any]])
        var equal = 0
        for (k, id) in order.enumerated() {
            let want = try XCTUnwrap(entire[id]?["METEOR"] as? Double)
            if abs(result.perImage[k] - want) <= 1e-9 { equal += 1 } else { print("nocaps image \(id): \(result.perImage[k]) vs \(want)") }
        }
        print("METEOR nocaps: per-image score equal on \(equal)/\(order.count) images")
        XCTAssertGreaterThanOrEqual(Double(equal) / Double(order.count), 0.995)
        for (domain, values) in domains {
            let corpus = try XCTUnwrap((values["corpus"] as? [String: Any])?["METEOR"] as? Double)
            let members = order.indices.filter { domain == "entire" || inputs[order[$0]]?.domain == domain }
            XCTAssertEqual(scorer.score(MeteorStats.corpus(members.map { result.stats[$0] })), corpus, accuracy: 1e-4, domain)
        }
    }

    /// Edge cases from `edge_cases.json` (tokenized inputs as pycocoevalcap passed them), including `|||` in a
    /// candidate (removed) and in a reference (split by the jar; reproduced with `referencesSplitLikeJar`).
    func testEdgeCases() throws {
        let scorer = try scorer()
        let root = try XCTUnwrap(Fixtures.json("captions/edge_cases.json") as? [String: Any])
        var checked = 0
        for case let c as [String: Any] in try XCTUnwrap(root["cases"] as? [Any]) {
            let name = c["name"] as? String ?? "?"
            guard let results = (c["results"] as? [String: Any])?["C.UTF-8"] as? [String: Any],
                  let meteor = (results["metrics"] as? [String: Any])?["METEOR"] as? [String: Any],
                  let perImage = meteor["per_image"] as? [String: Double],
                  let corpus = meteor["corpus"] as? Double,
                  let tokenized = results["tokenized"] as? [String: Any],
                  let gts = tokenized["gts"] as? [String: [String]],
                  let res = tokenized["res"] as? [String: [String]] else { continue }
            let ids = try XCTUnwrap(results["image_order"] as? [Any]).map { "\($0)" }
            var all: [MeteorStats] = []
            for id in ids {
                let references = MeteorScorer.referencesSplitLikeJar(try XCTUnwrap(gts[id], "\(name) \(id)"))
                let stats = scorer.segmentStats(candidate: try XCTUnwrap(res[id]?.first, "\(name) \(id)"), references: references)
                XCTAssertEqual(scorer.score(stats), try XCTUnwrap(perImage[id]), accuracy: 1e-9, "\(name) image \(id)")
                all.append(stats)
            }
            XCTAssertEqual(scorer.score(MeteorStats.corpus(all)), corpus, accuracy: 1e-9, name)
            checked += 1
        }
        XCTAssertGreaterThan(checked, 10)
    }

    func testReferencesWithSeparatorStayWholeByDefault() throws {
        let scorer = try scorer()
        let reference = "a dog ||| runs on the grass"
        XCTAssertEqual(MeteorScorer.referencesSplitLikeJar([reference]), ["a dog", "runs on the grass"])
        let whole = scorer.segmentStats(candidate: "a dog runs on the grass", references: [reference])
        // Unsplit, the reference keeps all its words; normalization separates "|||" into three "|" tokens.
        XCTAssertEqual(whole.referenceLength, 9)
        let split = scorer.segmentStats(candidate: "a dog runs on the grass",
                                        references: MeteorScorer.referencesSplitLikeJar([reference]))
        XCTAssertEqual(split.referenceLength, 4)
    }

    func testIdenticalSentenceScoresOne() throws {
        let scorer = try scorer()
        let stats = scorer.segmentStats(candidate: "a man riding a horse on a beach",
                                        references: ["two dogs", "a man riding a horse on a beach"])
        XCTAssertTrue(stats.isPerfectMatch)
        XCTAssertEqual(scorer.score(stats), 1.0, accuracy: 1e-12)
    }

    func testMissingResourcesNameTheSetupCommand() {
        let nowhere = URL(fileURLWithPath: "/nonexistent/meteor-1.5")
        XCTAssertFalse(MeteorResourceLoader.isInstalled(directory: nowhere))
        XCTAssertThrowsError(try MeteorResourceLoader.load(directory: nowhere)) { error in
            guard case let ResourceError.missing(_, setupCommand) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(setupCommand, "bash scripts/setup-meteor.sh")
            XCTAssertTrue("\(error)".contains("bash scripts/setup-meteor.sh"))
        }
    }
}
