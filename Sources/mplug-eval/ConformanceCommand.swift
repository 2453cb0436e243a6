import ArgumentParser
import MPLUGModel
import Foundation

/// `mplug-eval conformance DIR`: recompute an mPLUG golden config directory and compare.
struct ConformanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conformance",
        abstract: "Recompute every golden output of an mPLUG golden config directory and compare (exit 1 on any failure).")

    @Argument(help: "Golden config directory (config.json, inputs/outputs safetensors, golden_meta.json).")
    var directory: String

    @Option(help: "Weights format in DIR: safetensors or pth.")
    var weights: String = "safetensors"

    @Option(name: .customLong("weights-file"), help: "Weights file to use instead of DIR/weights.<format> (e.g. config A's for config B).")
    var weightsFile: String?

    @Flag(name: .customLong("no-kv-cache"), help: "Generate with the official full recomputation instead of the K/V cache.")
    var noKVCache = false

    @Option(help: "Also write the report as JSON to this file.")
    var json: String?

    func run() throws {
        let report = try exitingOnBadInput { () -> ModelConformance.Report in
            guard weights == "safetensors" || weights == "pth" else { throw ValidationError("--weights must be safetensors or pth") }
            let dir = URL(fileURLWithPath: directory)
            var options = ModelConformance.Options()
            options.useKVCache = !noKVCache
            options.weightsFile = weightsFile.map { URL(fileURLWithPath: $0) } ?? Self.weightsFile(in: dir, format: weights)
            let report = try ModelConformance.run(directory: dir, options: options)
            if let json { try report.json().write(to: URL(fileURLWithPath: json)) }
            return report
        }
        print(report.table)
        if !report.passed { throw ExitCodes.failedCheck }
    }

    /// `DIR/weights.<format>`, or config A's next to it when DIR has none (config B shares A's weights).
    static func weightsFile(in directory: URL, format: String) -> URL {
        let sibling = directory.appendingPathComponent("weights.\(format)")
        let fallback = directory.deletingLastPathComponent().appendingPathComponent("config_A_stride2/weights.\(format)")
        return FileManager.default.fileExists(atPath: sibling.path) || !FileManager.default.fileExists(atPath: fallback.path)
            ? sibling : fallback
    }
}
