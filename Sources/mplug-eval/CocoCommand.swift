import ArgumentParser
import EvalTasks
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import MetricResources
import Metrics

/// `mplug-eval coco`: BLEU, METEOR, ROUGE-L and CIDEr-D of COCO caption results, equal to
/// pycocoevalcap 1.2 (`COCOEvalCap.evaluate()` without SPICE), and SPICE-lite.
struct CocoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coco",
        abstract: "Score COCO caption results like pycocoevalcap 1.2 (BLEU, METEOR, ROUGE-L, CIDEr-D) and with SPICE-lite.",
        discussion: """
        Without --annotations/--results it scores the bundled sample \(BundledCocoSample.relativePath) \
        (the official coco-caption demo). Prints a table on stdout. Exit codes: 0 ok, 2 bad input.
        """)

    @Option(help: "COCO captions file: {\"images\": [{\"id\"}], \"annotations\": [{\"image_id\", \"caption\"}]}.")
    var annotations: String?

    @Option(help: "COCO results file: [{\"image_id\", \"caption\"}], one caption per image.")
    var results: String?

    @Option(help: """
        Comma-separated metrics from bleu,meteor,rouge,cider,spice-lite (default: all; METEOR and SPICE-lite \
        are skipped with a note when their resources are not installed: \(MeteorResourceLoader.setupCommand); \
        \(WordNetLoader.setupCommand)). SPICE-lite approximates SPICE without a parser; it is not SPICE.
        """)
    var metrics: String?

    @Option(help: "Write the JSON result document (schema mplug-eval.coco/1) to this file.")
    var json: String?

    @Option(help: "Write a Markdown table of the corpus scores to this file.")
    var markdown: String?

    @OptionGroup var bootstrap: BootstrapOptions

    @Flag(help: "Print the seconds of each stage on standard error.")
    var timings = false

    func run() throws {
        let start = DispatchTime.now().uptimeNanoseconds
        keepFreedMemoryInTheHeap()
        let progress = TerminalProgress()
        var stageTimings = StageTimings()
        let report: CocoCaptionReport = try exitingOnBadInput {
            var chosen = try CocoCaptionMetric.parseList(metrics ?? "bleu,meteor,rouge,cider,spice-lite")
            if metrics == nil && !MeteorResourceLoader.isInstalled() {
                FileHandleStderr.write("note: METEOR skipped (resources not installed; run: \(MeteorResourceLoader.setupCommand))\n")
                chosen.removeAll { $0 == .meteor }
            }
            if metrics == nil && !WordNetLoader.isInstalled() {
                FileHandleStderr.write("note: SPICE-lite skipped (WordNet not installed; run: \(WordNetLoader.setupCommand))\n")
                chosen.removeAll { $0 == .spiceLite }
            }
            let (annotationsURL, resultsURL) = try inputFiles()
            progress.show("reading \(annotationsURL.lastPathComponent) and \(resultsURL.lastPathComponent)")
            let set = try stageTimings.measure("load") {
                try CocoCaptionSet.load(annotations: annotationsURL, results: resultsURL)
            }
            let meteor = try chosen.contains(.meteor) ? stageTimings.measure("meteor resources", loadMeteor) : nil
            let spiceLite = try chosen.contains(.spiceLite)
                ? stageTimings.measure("wordnet") { SpiceLite(lexicon: try WordNetLoader.load()) } : nil
            let evaluation = try CocoCaptionTask(metrics: chosen, meteor: meteor, spiceLite: spiceLite)
                .evaluate(set, timings: &stageTimings, progress: progress.show)
            let intervals = stageTimings.measure("bootstrap") { bootstrap.intervals(for: evaluation) }
            let report = stageTimings.measure("report") { CocoCaptionReport(evaluation, ci95: intervals) }
            try stageTimings.measure("write") {
                if let json { try write(report.jsonData(), to: json) }
                if let markdown { try write(Data(report.markdownTable().utf8), to: markdown) }
            }
            return report
        }
        progress.clear()
        print(report.textTable(), terminator: "")
        if timings {
            for stage in stageTimings.stages {
                FileHandleStderr.write("timing \(stage.name) " + String(format: "%.4f s (cpu %.4f s)\n", stage.seconds, stage.cpuSeconds))
            }
            let total = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            FileHandleStderr.write(String(format: "timing total %.4f s (cpu %.4f s)\n", total, StageTimings.processCPUSeconds()))
        }
    }

    /// The METEOR scorer with its resources from disk (memory-mapped index).
    private func loadMeteor() throws -> MeteorScorer {
        MeteorScorer(resources: try MeteorResourceLoader.load())
    }

    /// The files to score: the options, or the bundled sample when both are absent.
    private func inputFiles() throws -> (URL, URL) {
        switch (annotations, results) {
        case let (a?, r?):
            return (URL(fileURLWithPath: a), URL(fileURLWithPath: r))
        case (nil, nil):
            let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            let current = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            guard let sample = BundledCocoSample.locate(searchingFrom: [executable, current]) else {
                throw ValidationError("bundled sample \(BundledCocoSample.relativePath) not found above \(executable.path) or \(current.path); run from the package checkout or pass --annotations and --results")
            }
            return (sample.appendingPathComponent("refs.json"), sample.appendingPathComponent("cands.json"))
        default:
            throw ValidationError("give both --annotations and --results, or neither to score the bundled sample")
        }
    }

    private func write(_ data: Data, to path: String) throws {
        do {
            try data.write(to: URL(fileURLWithPath: path))
        } catch {
            throw ValidationError("\(path): cannot write (\((error as NSError).localizedDescription))")
        }
    }
}

/// Lets glibc reuse freed memory instead of returning large blocks to the kernel and faulting
/// in fresh zeroed pages for the next ones (a fifth of a run's CPU time otherwise).
private func keepFreedMemoryInTheHeap() {
    #if canImport(Glibc)
    // mallopt is not exported by Swift's Glibc module; look it up. M_TRIM_THRESHOLD = -1, M_MMAP_THRESHOLD = -3.
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
    let mallopt = unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
    _ = mallopt(-3, 32 << 20)
    _ = mallopt(-1, 256 << 20)
    #endif
}

/// One self-overwriting status line on standard error, only when standard error is a terminal.
struct TerminalProgress {
    let enabled = isatty(STDERR_FILENO) != 0

    func show(_ message: String) {
        guard enabled else { return }
        FileHandleStderr.write("\r\u{1B}[K" + "coco: \(message)…")
    }

    func clear() {
        guard enabled else { return }
        FileHandleStderr.write("\r\u{1B}[K")
    }
}
