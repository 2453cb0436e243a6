import XCTest
@testable import EvalTasks
import Metrics
import MetricResources
import TestSupport

/// nocaps per-domain scores (each domain its own subset, then `entire`) against pycocoevalcap 1.2
/// run per domain (`nocaps/nocaps_val_public_2251/expected.json`).
final class NocapsTaskTests: XCTestCase {
    private static let sample = "nocaps/nocaps_val_public_2251"
    private let metricNames = ["Bleu_1", "Bleu_2", "Bleu_3", "Bleu_4", "ROUGE_L", "CIDEr"]
    private let partNames = NocapsDomain.allCases.map(\.rawValue) + [NocapsEvaluation.entire]

    static func loadSample() throws -> NocapsCaptionSet {
        try NocapsCaptionSet.load(annotations: Fixtures.url("\(sample)/refs.json"), results: Fixtures.url("\(sample)/cands.json"))
    }

    static func expectedDomains() throws -> [String: [String: Any]] {
        (try Fixtures.json("\(sample)/expected.json") as! [String: Any])["domains"] as! [String: [String: Any]]
    }

    private func evaluate(_ set: NocapsCaptionSet, metrics: [CocoCaptionMetric] = [.bleu, .rouge, .cider],
                          meteor: MeteorScorer? = nil) throws -> NocapsReport {
        var timings = StageTimings()
        let task = NocapsTask(captionTask: try CocoCaptionTask(metrics: metrics, meteor: meteor))
        return NocapsReport(task.evaluate(set, timings: &timings))
    }

    func testEachDomainEqualsTheReference() throws {
        let report = try evaluate(Self.loadSample())
        let expected = try Self.expectedDomains()
        let serverFormat = (try Fixtures.json("\(Self.sample)/expected.json") as! [String: Any])["server_format"] as! [String: [String: Double]]
        XCTAssertEqual(report.parts.map(\.name), partNames)
        for name in partNames {
            let domain = try XCTUnwrap(report[name], name)
            let reference = try XCTUnwrap(expected[name], name)
            XCTAssertEqual(domain.imageOrder.count, reference["n_images"] as? Int, name)
            let imgToEval = reference["imgToEval"] as! [String: [String: Any]]
            XCTAssertEqual(Set(domain.imageOrder.map(\.description)), Set(imgToEval.keys), name)

            let totals = reference["bleu_totalcomps"] as! [String: Any]
            let counts = try XCTUnwrap(domain.diagnostics.bleuTotals, name)
            XCTAssertEqual(counts.testLength, totals["testlen"] as? Int, name)
            XCTAssertEqual(counts.referenceLength, totals["reflen"] as? Int, name)
            XCTAssertEqual((0..<4).map { counts.guess[$0] }, totals["guess"] as? [Int], name)
            XCTAssertEqual((0..<4).map { counts.correct[$0] }, totals["correct"] as? [Int], name)

            let corpus = reference["corpus"] as! [String: Double]
            for metric in metricNames {
                let actual = try XCTUnwrap(domain.corpus[metric], "\(name) \(metric)")
                XCTAssertTrue(goldenClose(metric, actual, corpus[metric]!), "\(name) \(metric): \(actual) vs \(corpus[metric]!)")
                let mismatches = imgToEval.filter { id, values in
                    guard let actual = domain.imgToEval[id]?.scores[metric] else { return true }
                    return !goldenClose(metric, actual, values[metric] as! Double)
                }
                XCTAssertEqual(mismatches.count, 0, "\(name) \(metric): \(mismatches.prefix(3))")
            }

            // server_format: the same corpus values under the server's names.
            let server = NocapsReport.serverFormat(domain)
            let serverNames = ["Bleu_1": "B1", "Bleu_2": "B2", "Bleu_3": "B3", "Bleu_4": "B4", "ROUGE_L": "ROUGE-L", "CIDEr": "CIDEr"]
            XCTAssertEqual(Set(server.keys), Set(serverNames.values), name)
            for (coco, key) in serverNames {
                XCTAssertEqual(server[key], domain.corpus[coco], "\(name) \(key)")
                XCTAssertTrue(goldenClose(coco, server[key]!, serverFormat[name]![key]!), "\(name) \(key)")
            }
        }
        // Own document frequencies: an image's CIDEr-D differs between its domain and `entire`.
        XCTAssertNotEqual(report["in-domain"]!.imgToEval["0"]!.scores["CIDEr"], report["entire"]!.imgToEval["0"]!.scores["CIDEr"])
    }

    func testDocumentLayout() throws {
        let set = try Self.loadSample()
        // A small set with two domains: the empty one is left out.
        let small = NocapsCaptionSet(captions: set.captions.subset(Array(0..<12)), domains: Array(set.domains[0..<12]))
        XCTAssertEqual(Set(small.domains).count, 3)
        let report = try evaluate(small)
        let document = try JSONSerialization.jsonObject(with: report.jsonData()) as! [String: Any]
        XCTAssertEqual(Set(document.keys), ["schema", "domains", "server_format"])
        XCTAssertEqual(document["schema"] as? String, "mplug-eval.nocaps/1")
        let domains = document["domains"] as! [String: [String: Any]]
        XCTAssertEqual(Set(domains.keys), Set(partNames))
        for (name, domain) in domains {
            XCTAssertEqual(Set(domain.keys), ["n_images", "corpus", "imgToEval", "image_order", "bleu_totalcomps", "diagnostics", "stats"], name)
            XCTAssertEqual(domain["n_images"] as? Int, (domain["image_order"] as! [Any]).count, name)
            XCTAssertEqual(Set((domain["stats"] as! [String: Any]).keys), ["Bleu", "ROUGE_L", "CIDEr"], name)
        }
        XCTAssertEqual((domains["entire"]!["n_images"] as! Int), 12)
        let server = document["server_format"] as! [String: [String: Double]]
        XCTAssertEqual(Set(server["entire"]!.keys), ["B1", "B2", "B3", "B4", "ROUGE-L", "CIDEr"])
        XCTAssertEqual(server["out-domain"]!["CIDEr"], (domains["out-domain"]!["corpus"] as! [String: Double])["CIDEr"])
        XCTAssertEqual(report.jsonData(), try evaluate(small).jsonData())

        let onlyNear = NocapsCaptionSet(captions: small.captions.subset([1]), domains: [small.domains[1]])
        XCTAssertEqual(try evaluate(onlyNear).parts.map(\.name), [onlyNear.domains[0].rawValue, "entire"])

        let table = report.textTable().split(separator: "\n")
        XCTAssertEqual(table.count, 5)
        XCTAssertTrue(table[0].hasPrefix("domain"), String(table[0]))
        XCTAssertTrue(table[4].hasPrefix("entire"), String(table[4]))
        XCTAssertTrue(report.markdownTable().contains("| entire | 12 |"), report.markdownTable())
    }

    func testBootstrapIntervalsPerDomainAreDeterministicAndContainThePointEstimate() throws {
        let set = try Self.loadSample()
        let small = NocapsCaptionSet(captions: set.captions.subset(Array(0..<60)), domains: Array(set.domains[0..<60]))
        var timings = StageTimings()
        let evaluation = NocapsTask(captionTask: try CocoCaptionTask(metrics: [.bleu, .cider])).evaluate(small, timings: &timings)
        let intervals = { (part: CocoCaptionEvaluation) in Bootstrap.intervals(for: part, replicates: 200, seed: 5) }
        let report = NocapsReport(evaluation, intervals: intervals)
        XCTAssertEqual(report.jsonData(), NocapsReport(evaluation, intervals: intervals).jsonData())
        for part in report.parts {
            let ci95 = try XCTUnwrap(part.report.ci95, part.name)
            for metric in ["Bleu_4", "CIDEr"] {
                let value = try XCTUnwrap(part.report.corpus[metric])
                XCTAssertTrue(try XCTUnwrap(ci95[metric]).contains(value), "\(part.name) \(metric)")
            }
        }
        let document = try JSONSerialization.jsonObject(with: report.jsonData()) as! [String: Any]
        let entire = (document["domains"] as! [String: Any])["entire"] as! [String: Any]
        XCTAssertEqual(((entire["ci95"] as! [String: Any])["CIDEr"] as! [Double]).count, 2)
    }

    func testServerFormatNeverCallsSpiceLiteSpice() {
        let names = NocapsReport.serverColumns.map(\.server)
        XCTAssertEqual(names, ["B1", "B2", "B3", "B4", "METEOR", "ROUGE-L", "CIDEr", "SPICE-lite"])
        XCTAssertFalse(names.contains("SPICE"))
    }
}

/// METEOR per nocaps domain (needs `bash scripts/setup-meteor.sh`).
final class NocapsMeteorTests: XCTestCase {
    func testMeteorPerDomain() throws {
        try XCTSkipUnless(MeteorResourceLoader.isInstalled(),
                          "METEOR resources are not installed; run: \(MeteorResourceLoader.setupCommand)")
        let scorer = MeteorScorer(resources: try MeteorResourceLoader.load())
        var timings = StageTimings()
        let task = NocapsTask(captionTask: try CocoCaptionTask(metrics: [.meteor], meteor: scorer))
        let report = NocapsReport(task.evaluate(try NocapsTaskTests.loadSample(), timings: &timings))
        for (name, reference) in try NocapsTaskTests.expectedDomains() {
            let domain = try XCTUnwrap(report[name], name)
            let corpus = (reference["corpus"] as! [String: Double])["METEOR"]!
            XCTAssertEqual(domain.corpus["METEOR"]!, corpus, accuracy: 1e-4, name)
            XCTAssertEqual(NocapsReport.serverFormat(domain)["METEOR"], domain.corpus["METEOR"], name)
            let imgToEval = reference["imgToEval"] as! [String: [String: Any]]
            let mismatches = imgToEval.filter { id, values in
                guard let actual = domain.imgToEval[id]?.scores["METEOR"] else { return true }
                return abs(actual - (values["METEOR"] as! Double)) > 1e-9
            }
            XCTAssertEqual(mismatches.count, 0, "\(name): \(mismatches.count)/\(imgToEval.count) images, e.g. \(mismatches.prefix(2))")
        }
    }
}

/// SPICE-lite per nocaps domain, reported as `SPICE-lite` (needs WordNet: `WordNetLoader.setupCommand`).
final class NocapsSpiceLiteTests: XCTestCase {
    func testSpiceLiteIsReportedUnderItsOwnName() throws {
        try XCTSkipUnless(WordNetLoader.isInstalled(), "WordNet is not installed; run: \(WordNetLoader.setupCommand)")
        let set = try NocapsTaskTests.loadSample()
        let small = NocapsCaptionSet(captions: set.captions.subset(Array(0..<30)), domains: Array(set.domains[0..<30]))
        var timings = StageTimings()
        let task = NocapsTask(captionTask: try CocoCaptionTask(metrics: [.cider, .spiceLite],
                                                               spiceLite: SpiceLite(lexicon: try WordNetLoader.load())))
        let report = NocapsReport(task.evaluate(small, timings: &timings))
        for part in report.parts {
            let server = NocapsReport.serverFormat(part.report)
            XCTAssertEqual(Set(server.keys), ["CIDEr", "SPICE-lite"], part.name)
            XCTAssertEqual(server["SPICE-lite"], part.report.corpus["SPICE-lite"], part.name)
            XCTAssertTrue((0...1).contains(server["SPICE-lite"]!), part.name)
        }
    }
}
