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

    @OptionGroup var inputs: CaptionInputOptions

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
            let task = try inputs.task(timings: &stageTimings)
            let (annotationsURL, resultsURL) = try inputs.files(bundledSample: BundledCocoSample.relativePath)
            progress.show("reading \(annotationsURL.lastPathComponent) and \(resultsURL.lastPathComponent)")
            let set = try stageTimings.measure("load") {
                try CocoCaptionSet.load(annotations: annotationsURL, results: resultsURL)
            }
            let evaluation = task.evaluate(set, timings: &stageTimings, progress: progress.show)
            let intervals = stageTimings.measure("bootstrap") { bootstrap.intervals(for: evaluation) }
            let report = stageTimings.measure("report") { CocoCaptionReport(evaluation, ci95: intervals) }
            try stageTimings.measure("write") {
                if let json { try writeOutput(report.jsonData(), to: json) }
                if let markdown { try writeOutput(Data(report.markdownTable().utf8), to: markdown) }
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
}

/// Lets glibc reuse freed memory instead of returning large blocks to the kernel and faulting
/// in fresh zeroed pages for the next ones (a fifth of a run's CPU time otherwise).
func keepFreedMemoryInTheHeap() {
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
    /// The subcommand name shown before each message.
    var label = "coco"
    let enabled = isatty(STDERR_FILENO) != 0

    func show(_ message: String) {
        guard enabled else { return }
        FileHandleStderr.write("\r\u{1B}[K" + "\(label): \(message)…")
    }

    func clear() {
        guard enabled else { return }
        FileHandleStderr.write("\r\u{1B}[K")
    }
}
