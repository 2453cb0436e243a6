import Foundation
import XCTest
@testable import EvalTasks
import Metrics
import TestSupport

/// Bootstrap intervals on the bundled sets, and the paired comparison of result documents read
/// back from their per-item statistics (what `mplug-eval --bootstrap` and `compare` do).
final class ResultDocumentTests: TemporaryDirectoryTestCase {
    private let replicates = 200

    // MARK: Building result documents

    private func write(_ object: Any, _ name: String) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try JSONSerialization.data(withJSONObject: object).write(to: url)
        return url
    }

    /// The coco evaluation (BLEU, ROUGE-L, CIDEr-D; METEOR needs installed resources) of `candidates`
    /// (image id → caption) against `annotations`.
    private func cocoEvaluation(annotations: [String: Any], candidates: [(Int, String)]) throws -> CocoCaptionEvaluation {
        let refs = try write(annotations, "refs-\(UUID().uuidString).json")
        let cands = try write(candidates.map { ["image_id": $0.0, "caption": $0.1] as [String: Any] }, "cands-\(UUID().uuidString).json")
        var timings = StageTimings()
        return try CocoCaptionTask(metrics: [.bleu, .rouge, .cider])
            .evaluate(CocoCaptionSet.load(annotations: refs, results: cands), timings: &timings)
    }

    private func document(_ evaluation: CocoCaptionEvaluation) throws -> ResultDocument {
        try ResultDocument.read(JSONValue.parse(CocoCaptionReport(evaluation).jsonData(), name: "coco"), name: "coco")
    }

    private func fakecap() throws -> (refs: [String: Any], cands: [(Int, String)], captions: [Int: [String]]) {
        let refs = try Fixtures.json("captions/coco_val2014_fakecap_1000/refs.json") as! [String: Any]
        let cands = (try Fixtures.json("captions/coco_val2014_fakecap_1000/cands.json") as! [[String: Any]])
            .map { ($0["image_id"] as! Int, $0["caption"] as! String) }
        var captions: [Int: [String]] = [:]
        for annotation in refs["annotations"] as! [[String: Any]] {
            captions[annotation["image_id"] as! Int, default: []].append(annotation["caption"] as! String)
        }
        return (refs, cands, captions)
    }

    // MARK: Bootstrap intervals

    func testCocoIntervalsAreDeterministicAndContainThePointEstimate() throws {
        let (refs, cands, _) = try fakecap()
        let evaluation = try cocoEvaluation(annotations: refs, candidates: cands)
        let first = Bootstrap.intervals(for: evaluation, replicates: replicates, seed: 7)
        XCTAssertEqual(first, Bootstrap.intervals(for: evaluation, replicates: replicates, seed: 7))
        XCTAssertNotEqual(first, Bootstrap.intervals(for: evaluation, replicates: replicates, seed: 8))
        XCTAssertEqual(Set(first.keys), Set(evaluation.corpus.keys))
        for (metric, value) in evaluation.corpus {
            let interval = try XCTUnwrap(first[metric])
            XCTAssertTrue(interval.contains(value), "\(metric) \(value) outside \(interval)")
            XCTAssertLessThan(interval.lower, interval.upper, metric)
        }
        // The report carries the intervals next to the scores.
        let json = try JSONValue.parse(CocoCaptionReport(evaluation, ci95: first).jsonData(), name: "coco")
        XCTAssertEqual(json["ci95"]?["CIDEr"]?.arrayValue?.compactMap(\.doubleValue),
                       [first["CIDEr"]!.lower, first["CIDEr"]!.upper])
        XCTAssertTrue(CocoCaptionReport(evaluation, ci95: first).textTable().contains("95% CI"))
    }

    func testVQAAndRetrievalIntervalsAreDeterministicAndContainThePointEstimate() throws {
        let vqa = try VQATask.run(questions: Fixtures.url("vqa/real_vqav2_valid_2000/questions.json"),
                                  annotations: Fixtures.url("vqa/real_vqav2_valid_2000/annotations.json"),
                                  results: Fixtures.url("vqa/real_vqav2_valid_2000/results.json"))
        let retrieval = try RetrievalTask.run(scoresImageToText: Fixtures.url("retrieval/basic_5caps/score_i2t.npy"),
                                              scoresTextToImage: Fixtures.url("retrieval/basic_5caps/score_t2i.npy"),
                                              mapping: Fixtures.url("retrieval/basic_5caps/inputs.json"))
        func check(_ scores: some ResamplableScores, _ label: String) {
            let point = scores.corpusScores(over: Array(0..<scores.itemCount))
            let intervals = Bootstrap.intervals(for: scores, replicates: replicates, seed: 3)
            XCTAssertEqual(intervals, Bootstrap.intervals(for: scores, replicates: replicates, seed: 3), label)
            XCTAssertEqual(Set(intervals.keys), Set(point.keys), label)
            for (metric, value) in point {
                XCTAssertTrue(intervals[metric]!.contains(value), "\(label) \(metric) \(value) outside \(intervals[metric]!)")
            }
        }
        check(vqa, "vqa")
        check(retrieval, "retrieval")
        XCTAssertEqual(vqa.corpusScores(over: Array(0..<vqa.itemCount))["overall"]!, vqa.overall, accuracy: 1e-12)
    }

    // MARK: Result documents read back

    func testDocumentsRebuildTheirCorpusScores() throws {
        let (refs, cands, _) = try fakecap()
        let evaluation = try cocoEvaluation(annotations: refs, candidates: cands)
        let coco = try document(evaluation)
        XCTAssertEqual(coco.task, "coco")
        let rebuilt = coco.scores.corpusScores(over: Array(0..<coco.scores.itemCount))
        XCTAssertEqual(Set(rebuilt.keys), Set(evaluation.corpus.keys))
        for (metric, value) in evaluation.corpus {
            XCTAssertTrue(isClose(rebuilt[metric]!, value, rel: 1e-12), "\(metric): \(rebuilt[metric]!) vs \(value)")
        }
        XCTAssertEqual(coco.scores.itemIDs, evaluation.itemIDs)

        let vqa = try VQATask.run(questions: Fixtures.url("vqa/real_vqav2_valid_2000/questions.json"),
                                  annotations: Fixtures.url("vqa/real_vqav2_valid_2000/annotations.json"),
                                  results: Fixtures.url("vqa/real_vqav2_valid_2000/results.json"))
        let vqaDocument = try ResultDocument.read(VQATask.report(vqa), name: "vqa")
        XCTAssertTrue(isClose(vqaDocument.scores.corpusScores(over: Array(0..<vqa.itemCount))["overall"]!, vqa.overall, rel: 1e-12))

        let retrieval = try RetrievalTask.run(scoresImageToText: Fixtures.url("retrieval/basic_5caps/score_i2t.npy"),
                                              scoresTextToImage: Fixtures.url("retrieval/basic_5caps/score_t2i.npy"),
                                              mapping: Fixtures.url("retrieval/basic_5caps/inputs.json"))
        let retrievalDocument = try ResultDocument.read(RetrievalTask.report(retrieval), name: "retrieval")
        XCTAssertEqual(retrievalDocument.scores.corpusScores(over: Array(0..<retrieval.itemCount)), retrieval.metrics)
    }

    func testUnsupportedOrIncompleteDocumentsAreRejected() {
        XCTAssertThrowsError(try ResultDocument.read(.object(["schema": .string("mplug-eval.coco/0")]), name: "old.json")) {
            XCTAssertTrue("\($0)".contains("old.json: schema \"mplug-eval.coco/0\" is not supported"), "\($0)")
        }
        XCTAssertThrowsError(try ResultDocument.read(.object([:]), name: "x.json")) {
            XCTAssertTrue("\($0)".contains("x.json: no \"schema\" field"), "\($0)")
        }
        let noMapping: JSONValue = .object(["schema": .string(RetrievalTask.schema), "ranks_i2t": .array([.int(0)]),
                                            "ranks_t2i": .array([.int(0)])])
        XCTAssertThrowsError(try ResultDocument.read(noMapping, name: "r.json")) {
            XCTAssertTrue("\($0)".contains("r.json: missing or malformed \"txt2img"), "\($0)")
        }
    }

    // MARK: Paired comparison

    func testPlantedCaptionImprovementIsSignificant() throws {
        let (refs, cands, captions) = try fakecap()
        // B: every third image's candidate replaced by one of its references.
        let improved = cands.enumerated().map { i, entry in i % 3 == 0 ? (entry.0, captions[entry.0]![0]) : entry }
        let a = try document(cocoEvaluation(annotations: refs, candidates: cands))
        let b = try document(cocoEvaluation(annotations: refs, candidates: improved))
        let differences = try PairedComparison.compare(baseline: a.scores, current: b.scores, replicates: replicates, seed: 1)
        for metric in ["Bleu_4", "CIDEr", "ROUGE_L"] {
            let d = try XCTUnwrap(differences.first { $0.metric == metric })
            XCTAssertGreaterThan(d.delta, 0, metric)
            XCTAssertGreaterThan(d.interval.lower, 0, metric)
            XCTAssertLessThan(d.pValue, 0.05, metric)
        }
    }

    func testTwoDrawsOfTheSameSystemAreNotSignificant() throws {
        // Two interchangeable "human" systems: reference 0 and reference 1 of each image as candidates,
        // scored against the remaining references (the same for both).
        let (refs, _, captions) = try fakecap()
        let images = (refs["images"] as! [[String: Any]]).map { $0["id"] as! Int }.filter { captions[$0]!.count >= 3 }
        var annotations: [[String: Any]] = []
        for image in images {
            for caption in captions[image]!.dropFirst(2) { annotations.append(["image_id": image, "id": annotations.count + 1, "caption": caption]) }
        }
        let remaining: [String: Any] = ["images": images.map { ["id": $0] }, "annotations": annotations]
        let a = try document(cocoEvaluation(annotations: remaining, candidates: images.map { ($0, captions[$0]![0]) }))
        let b = try document(cocoEvaluation(annotations: remaining, candidates: images.map { ($0, captions[$0]![1]) }))
        let differences = try PairedComparison.compare(baseline: a.scores, current: b.scores, replicates: replicates, seed: 1)
        XCTAssertEqual(Set(differences.map(\.metric)), ["Bleu_1", "Bleu_2", "Bleu_3", "Bleu_4", "ROUGE_L", "CIDEr"])
        for d in differences {
            XCTAssertGreaterThan(d.pValue, 0.05, "\(d.metric): delta \(d.delta) in \(d.interval)")
            XCTAssertTrue(d.interval.contains(0), d.metric)
        }
    }

    func testPlantedVQADegradationIsSignificantAndSameSystemDrawsAreNot() throws {
        let annotations = (try Fixtures.json("vqa/real_vqav2_valid_2000/annotations.json") as! [String: Any])["annotations"] as! [[String: Any]]
        let given = try Fixtures.json("vqa/real_vqav2_valid_2000/results.json") as! [[String: Any]]
        func run(_ results: [[String: Any]]) throws -> ResultDocument {
            let result = try VQATask.run(questions: Fixtures.url("vqa/real_vqav2_valid_2000/questions.json"),
                                         annotations: Fixtures.url("vqa/real_vqav2_valid_2000/annotations.json"),
                                         results: write(results, "results-\(UUID().uuidString).json"))
            return try ResultDocument.read(VQATask.report(result), name: "vqa")
        }
        // Worse: every fourth answer replaced by a word no annotator gave.
        let worse = given.enumerated().map { i, entry in
            i % 4 == 0 ? ["question_id": entry["question_id"]!, "answer": "zzzz"] : entry
        }
        let degraded = try PairedComparison.compare(baseline: run(given).scores, current: run(worse).scores, replicates: replicates, seed: 2)
        let overall = try XCTUnwrap(degraded.first { $0.metric == "overall" })
        XCTAssertLessThan(overall.delta, 0)
        XCTAssertLessThan(overall.interval.upper, 0)
        XCTAssertLessThan(overall.pValue, 0.05)

        // Two annotators as systems: answer 0 and answer 1 of each question.
        func annotator(_ k: Int) -> [[String: Any]] {
            annotations.map { ["question_id": $0["question_id"]!, "answer": ($0["answers"] as! [[String: Any]])[k]["answer"]!] }
        }
        let same = try PairedComparison.compare(baseline: run(annotator(0)).scores, current: run(annotator(1)).scores, replicates: replicates, seed: 2)
        let sameOverall = try XCTUnwrap(same.first { $0.metric == "overall" })
        XCTAssertGreaterThan(sameOverall.pValue, 0.05, "delta \(sameOverall.delta) in \(sameOverall.interval)")
    }

    func testDifferentItemSetsAreRejected() throws {
        let (refs, cands, _) = try fakecap()
        let a = try document(cocoEvaluation(annotations: refs, candidates: cands))
        let b = try document(cocoEvaluation(annotations: refs, candidates: Array(cands.dropLast())))
        XCTAssertThrowsError(try PairedComparison.compare(baseline: a.scores, current: b.scores, replicates: 10, seed: 0)) {
            XCTAssertTrue("\($0)".contains("same items"), "\($0)")
        }
    }
}
