import ArgumentParser
import EvalTasks
import Foundation

/// `mplug-eval nocaps`: the coco caption metrics per nocaps domain, each domain scored as its own
/// subset (as the nocaps server does), plus `entire`.
struct NocapsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nocaps",
        abstract: "Score nocaps caption results per domain (in-domain, near-domain, out-domain, entire).",
        discussion: """
        Each domain is scored as its own subset (own tokenizer batches and CIDEr-D document \
        frequencies), like the nocaps EvalAI server; then all images as 'entire'. Without \
        --annotations/--results it scores the bundled sample \(NocapsCaptionSet.bundledSamplePath). \
        --annotations is COCO captions whose images also have "domain": in-domain, near-domain or \
        out-domain. Prints one row per domain on stdout. Exit codes: 0 ok, 2 bad input.
        """)

    /// `--annotations` is a nocaps captions file: COCO layout whose images have "domain"
    /// (in-domain, near-domain or out-domain).
    @OptionGroup var inputs: CaptionInputOptions

    @Option(help: "Write the JSON result document (schema mplug-eval.nocaps/1) to this file.")
    var json: String?

    @Option(help: "Write a Markdown table (one row per domain) to this file.")
    var markdown: String?

    @OptionGroup var bootstrap: BootstrapOptions

    func run() throws {
        keepFreedMemoryInTheHeap()
        let progress = TerminalProgress(label: "nocaps")
        var timings = StageTimings()
        let report: NocapsReport = try exitingOnBadInput {
            let task = NocapsTask(captionTask: try inputs.task(timings: &timings))
            let (annotationsURL, resultsURL) = try inputs.files(bundledSample: NocapsCaptionSet.bundledSamplePath)
            progress.show("reading \(annotationsURL.lastPathComponent) and \(resultsURL.lastPathComponent)")
            let set = try NocapsCaptionSet.load(annotations: annotationsURL, results: resultsURL)
            let evaluation = task.evaluate(set, timings: &timings, progress: progress.show)
            let report = NocapsReport(evaluation) { bootstrap.intervals(for: $0) }
            if let json { try writeOutput(report.jsonData(), to: json) }
            if let markdown { try writeOutput(Data(report.markdownTable().utf8), to: markdown) }
            return report
        }
        progress.clear()
        print(report.textTable(), terminator: "")
        for part in report.parts {
            if let intervals = part.report.ci95 {
                print("\(part.name): " + intervalLines(intervals, replicates: bootstrap.bootstrap), terminator: "")
            }
        }
    }
}
