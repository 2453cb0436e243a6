import ArgumentParser
import EvalTasks
import Foundation
import MetricResources
import Metrics

/// The inputs of the caption scoring commands (`coco`, `nocaps`): the two files and `--metrics`.
struct CaptionInputOptions: ParsableArguments {
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

    /// The caption task for `--metrics` (default: all; a metric whose resources are not installed
    /// is then skipped with a note on standard error), with the resources its metrics need loaded.
    /// The one place that knows each metric's resources, for every caption command.
    func task(timings: inout StageTimings) throws -> CocoCaptionTask {
        var chosen = try CocoCaptionMetric.parseList(metrics ?? CocoCaptionMetric.allCases.map(\.rawValue).joined(separator: ","))
        if metrics == nil && !MeteorResourceLoader.isInstalled() {
            FileHandleStderr.write("note: METEOR skipped (resources not installed; run: \(MeteorResourceLoader.setupCommand))\n")
            chosen.removeAll { $0 == .meteor }
        }
        if metrics == nil && !WordNetLoader.isInstalled() {
            FileHandleStderr.write("note: SPICE-lite skipped (WordNet not installed; run: \(WordNetLoader.setupCommand))\n")
            chosen.removeAll { $0 == .spiceLite }
        }
        let meteor = try chosen.contains(.meteor)
            ? timings.measure("meteor resources") { MeteorScorer(resources: try MeteorResourceLoader.load()) } : nil
        let spiceLite = try chosen.contains(.spiceLite)
            ? timings.measure("wordnet") { SpiceLite(lexicon: try WordNetLoader.load()) } : nil
        return try CocoCaptionTask(metrics: chosen, meteor: meteor, spiceLite: spiceLite)
    }

    /// The files to score: `--annotations` and `--results`, or, when both are absent, `refs.json`
    /// and `cands.json` of the bundled sample at `bundledSample` (relative to the package root),
    /// searched above the executable and the current directory.
    func files(bundledSample: String) throws -> (URL, URL) {
        switch (annotations, results) {
        case let (a?, r?):
            return (URL(fileURLWithPath: a), URL(fileURLWithPath: r))
        case (nil, nil):
            let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            let current = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            guard let sample = BundledCocoSample.locate(bundledSample, searchingFrom: [executable, current]) else {
                throw ValidationError("bundled sample \(bundledSample) not found above \(executable.path) or \(current.path); run from the package checkout or pass --annotations and --results")
            }
            return (sample.appendingPathComponent("refs.json"), sample.appendingPathComponent("cands.json"))
        default:
            throw ValidationError("give both --annotations and --results, or neither to score the bundled sample")
        }
    }
}

/// Writes an output file (`--json`, `--markdown`); a failure is a one-line error.
func writeOutput(_ data: Data, to path: String) throws {
    do {
        try data.write(to: URL(fileURLWithPath: path))
    } catch {
        throw ValidationError("\(path): cannot write (\((error as NSError).localizedDescription))")
    }
}
