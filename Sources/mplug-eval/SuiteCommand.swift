import ArgumentParser
import BenchSuite
import EvalTasks
import Foundation
import MetricResources
import Metrics
import MPLUGModel
import Reports
import TensorMath

/// `mplug-eval suite`: every bundled evaluation, the tiny-model conformance and timings, in one
/// versioned document (`mplug-eval.suite/1`) for `mplug-eval report`.
struct SuiteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suite",
        abstract: "Run the bundled evaluations, the tiny-model conformance and timings into one JSON (mplug-eval.suite/1).",
        discussion: """
        Evaluations (fixed prediction files, so every score is deterministic): coco_sample \
        (\(SuiteFixtures.coco)), nocaps_sample (\(SuiteFixtures.nocaps), every domain), vqa_sample (\(SuiteFixtures.vqa)), retrieval_sample (\(SuiteFixtures.retrieval)). \
        METEOR and SPICE-lite are included when their resources are installed (\(MeteorResourceLoader.setupCommand); \
        \(WordNetLoader.setupCommand)). \
        Conformance: \(SuiteFixtures.conformance.joined(separator: ", ")). Throughput: the seconds of each part \
        (median of \(SuiteFixtures.timingRepetitions) runs) and of every fp32 setting of `mplug-bench --preset tiny` \
        (random weights, in process), next to a reference sgemm timed in the same process. Exit codes: 0 written, 2 bad input.
        """)

    @Option(help: "Write the suite run here.")
    var output: String

    @OptionGroup var bootstrap: BootstrapOptions

    @Option(help: "The package checkout holding Tests/Fixtures (default: found above the executable or the working directory).")
    var root: String?

    func run() throws {
        let suite = try exitingOnBadInput { () throws -> SuiteRun in
            let fixtures = try SuiteFixtures(root: root.map { URL(fileURLWithPath: $0) })
            let suite = try fixtures.run(bootstrap: bootstrap, log: { FileHandleStderr.write("suite: \($0)\n") })
            try suite.jsonData().write(to: URL(fileURLWithPath: output))
            return suite
        }
        for (name, evaluation) in suite.evaluations.sorted(by: { $0.key < $1.key }) {
            let metrics = evaluation.metrics.sorted { $0.key < $1.key }.map { "\($0.key)=\(String(format: "%.4f", $0.value))" }
            print("\(name): " + metrics.joined(separator: " "))
        }
        for (config, outcome) in suite.conformance.sorted(by: { $0.key < $1.key }) {
            print("conformance \(config): " + (outcome.passed ? "ok" : "FAIL " + outcome.failures.joined(separator: ", ")))
        }
        print("wrote \(output)")
    }
}

/// The bundled inputs of the suite and how each is run.
struct SuiteFixtures {
    static let coco = BundledCocoSample.relativePath
    static let nocaps = NocapsCaptionSet.bundledSamplePath
    static let vqa = "Tests/Fixtures/vqa/real_vqav2_valid_2000"
    static let retrieval = "Tests/Fixtures/retrieval/basic_5caps"
    static let conformance = ["Tests/Fixtures/model/config_A_stride2", "Tests/Fixtures/model/config_B_coattn"]
    /// The reference GEMM that throughput is normalized by: `m = n = k`.
    static let referenceGemmSize = 384
    /// Runs of each part; the median seconds are recorded (the parts are short, the machine shared).
    static let timingRepetitions = 5
    /// Reference sgemm runs timed before each part.
    static let referenceRepetitions = 5

    let cocoDirectory, nocapsDirectory, vqaDirectory, retrievalDirectory: URL
    let conformanceDirectories: [URL]

    /// Locates every input, below `root` when given, else above the executable or working directory.
    init(root: URL?) throws {
        let starts = root.map { [$0] } ?? BundledData.defaultStarts
        func locate(_ path: String, _ files: [String]) throws -> URL {
            guard let url = BundledData.locate(path, containing: files, searchingFrom: starts) else {
                throw ValidationError("bundled data \(path) not found above \(starts.map(\.path).joined(separator: " or ")); run from the package checkout or pass --root")
            }
            return url
        }
        cocoDirectory = try locate(Self.coco, ["refs.json", "cands.json"])
        nocapsDirectory = try locate(Self.nocaps, ["refs.json", "cands.json"])
        vqaDirectory = try locate(Self.vqa, ["questions.json", "annotations.json", "results.json"])
        retrievalDirectory = try locate(Self.retrieval, ["score_i2t.npy", "score_t2i.npy", "inputs.json"])
        conformanceDirectories = try Self.conformance.map { try locate($0, ["config.json", "golden_meta.json"]) }
    }

    /// Runs everything; `log` receives one line per part.
    func run(bootstrap: BootstrapOptions, log: (String) -> Void) throws -> SuiteRun {
        var suite = SuiteRun()
        var partSeconds: [String: Double] = [:]
        // The reference sgemm is timed before every part, so its median covers the same spells of
        // machine load as the parts' timings.
        var referenceSamples: [Double] = []
        let size = Self.referenceGemmSize
        func timeReference() { referenceSamples += Self.referenceGemmSamples(size: size, repetitions: Self.referenceRepetitions) }
        // Each part runs `timingRepetitions` times; its first result is kept, its median seconds recorded.
        func timed<T>(_ part: String, _ body: () throws -> T) rethrows -> T {
            log(part)
            timeReference()
            var seconds: [Double] = []
            func measure() throws -> T {
                let start = DispatchTime.now().uptimeNanoseconds
                defer { seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9) }
                return try body()
            }
            let result = try measure()
            for _ in 1..<Self.timingRepetitions { _ = try measure() }
            partSeconds[part] = Bootstrap.percentile(seconds.sorted(), 0.5)
            return result
        }
        func record<Scores: ResamplableScores>(_ name: String, task: String, _ result: Scores) {
            suite.evaluations[name] = EvaluationScores(
                task: task, deterministic: true,
                metrics: result.corpusScores(over: Array(0..<result.itemCount)),
                ci95: bootstrap.intervals(for: result))
        }

        let captionTask = try Self.captionTask(log: log)
        let coco = try timed("coco_sample") { () throws -> CocoCaptionEvaluation in
            let set = try CocoCaptionSet.load(annotations: cocoDirectory.appendingPathComponent("refs.json"),
                                              results: cocoDirectory.appendingPathComponent("cands.json"))
            var stages = StageTimings()
            return captionTask.evaluate(set, timings: &stages)
        }
        record("coco_sample", task: "coco", coco)

        let nocaps = try timed("nocaps_sample") { () throws -> NocapsEvaluation in
            let set = try NocapsCaptionSet.load(annotations: nocapsDirectory.appendingPathComponent("refs.json"),
                                                results: nocapsDirectory.appendingPathComponent("cands.json"))
            var stages = StageTimings()
            return NocapsTask(captionTask: captionTask).evaluate(set, timings: &stages)
        }
        for part in nocaps.parts {
            record("nocaps_sample/\(part.name)", task: "nocaps", part.evaluation)
        }

        let vqa = try timed("vqa_sample") {
            try VQATask.run(questions: vqaDirectory.appendingPathComponent("questions.json"),
                            annotations: vqaDirectory.appendingPathComponent("annotations.json"),
                            results: vqaDirectory.appendingPathComponent("results.json"))
        }
        record("vqa_sample", task: "vqa", vqa)

        let retrieval = try timed("retrieval_sample") {
            try RetrievalTask.run(scoresImageToText: retrievalDirectory.appendingPathComponent("score_i2t.npy"),
                                  scoresTextToImage: retrievalDirectory.appendingPathComponent("score_t2i.npy"),
                                  mapping: retrievalDirectory.appendingPathComponent("inputs.json"))
        }
        record("retrieval_sample", task: "retrieval", retrieval)

        for directory in conformanceDirectories {
            let name = directory.lastPathComponent
            suite.conformance[name] = timed("conformance/\(name)") { Self.conformance(directory) }
        }

        for part in BenchPart.allCases {
            log("mplug-bench --preset tiny --precision fp32 --parts \(part.rawValue)")
            timeReference()
            partSeconds.merge(try Self.tinyBenchSeconds(part)) { $1 }
        }
        timeReference()
        suite.throughput = ThroughputSample(
            reference: "sgemm \(size)x\(size)x\(size) (median of \(referenceSamples.count), timed before every part)",
            referenceSeconds: Bootstrap.percentile(referenceSamples.sorted(), 0.5), partSeconds: partSeconds)
        return suite
    }

    /// The caption task with every metric whose resources are installed (METEOR, SPICE-lite).
    static func captionTask(log: (String) -> Void) throws -> CocoCaptionTask {
        var metrics = CocoCaptionMetric.allCases
        let meteor = MeteorResourceLoader.isInstalled() ? MeteorScorer(resources: try MeteorResourceLoader.load()) : nil
        if meteor == nil {
            log("METEOR resources not installed; captions without METEOR (\(MeteorResourceLoader.setupCommand))")
            metrics.removeAll { $0 == .meteor }
        }
        let spiceLite = WordNetLoader.isInstalled() ? SpiceLite(lexicon: try WordNetLoader.load()) : nil
        if spiceLite == nil {
            log("WordNet not installed; captions without SPICE-lite (\(WordNetLoader.setupCommand))")
            metrics.removeAll { $0 == .spiceLite }
        }
        return try CocoCaptionTask(metrics: metrics, meteor: meteor, spiceLite: spiceLite)
    }

    /// The conformance outcome of one golden config; an error counts as a failure.
    static func conformance(_ directory: URL) -> ConformanceOutcome {
        var options = ModelConformance.Options()
        options.weightsFile = ConformanceCommand.weightsFile(in: directory, format: "safetensors")
        do {
            let report = try ModelConformance.run(directory: directory, options: options)
            return ConformanceOutcome(passed: report.passed,
                                      failures: report.rows.filter { $0.status != .ok }.map { "\($0.name) (\($0.status.rawValue))" })
        } catch {
            return ConformanceOutcome(passed: false, failures: ["error: \(error)"])
        }
    }

    /// Median seconds of every fp32 setting of `part` in the tiny bench preset (the settings of
    /// `mplug-bench --preset tiny --precision fp32 --parts <part>`, peak RSS not measured), keyed
    /// `bench/<part>[/<variant>@<stride>]/<memory>/b<batch>`.
    static func tinyBenchSeconds(_ part: BenchPart) throws -> [String: Double] {
        let preset = BenchPreset.tiny
        var options = SuiteOptions(preset: preset.rawValue, config: preset.config, precisions: [.fp32])
        options.parts = [part]
        let runner = SuiteRunner(options: options, memory: .off,
                                 makeWorkloads: { try ModelWorkloads(config: options.config, precision: $0) })
        var seconds: [String: Double] = [:]
        for row in try runner.run().rows {
            guard let median = row.medianSeconds else { continue }
            let variant = row.variant.map { "/" + $0 + (row.stride.map { "@\($0)" } ?? "") } ?? ""
            seconds["bench/\(row.part.rawValue)\(variant)/\(row.memory.rawValue)/b\(row.batch)"] = median
        }
        return seconds
    }

    /// Seconds of `repetitions` runs of a `size`³ sgemm on seeded random inputs (after one warm-up run).
    static func referenceGemmSamples(size: Int, repetitions: Int) -> [Double] {
        var generator = Metrics.SeededGenerator(seed: 1)
        let a = (0..<(size * size)).map { _ in Float.random(in: -1...1, using: &generator) }
        let b = (0..<(size * size)).map { _ in Float.random(in: -1...1, using: &generator) }
        var c = [Float](repeating: 0, count: size * size)
        var seconds: [Double] = []
        for repetition in 0...repetitions {
            let start = DispatchTime.now().uptimeNanoseconds
            c.withUnsafeMutableBufferPointer { out in
                Gemm.multiply(m: size, n: size, k: size, a: a, lda: size, b: b, ldb: size, c: out.baseAddress!, ldc: size)
            }
            if repetition > 0 { seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9) }
        }
        return seconds
    }
}
