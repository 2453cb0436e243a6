import ArgumentParser
import CommandLineSupport
import BenchSuite
import Foundation

/// `mplug-bench --ablate-stride`: throughput of the fusion schedules, precisions and generation
/// memory settings of mPLUG (random weights), with JSON / Markdown / HTML reports.
@main
struct MPLUGBench: ParsableCommand {
    static func main() { mainWithUsageErrorsAsBadInput() }

    static let configuration = CommandConfiguration(
        commandName: "mplug-bench",
        abstract: "Throughput suite: skip-connected fusion strides vs connected-only vs co-attention-only, fp32/bf16, KV cache on/off.")

    @Flag(name: .customLong("ablate-stride"), help: "Run the stride ablation suite.")
    var ablateStride = false

    @Option(help: "Model sizes: base (mPLUG-base) or tiny (the golden config A sizes; seconds).")
    var preset: String = "base"

    @Option(help: "Strides of the official skip-connected schedule (connected-only and co-attention-only are always added).")
    var strides: String = "1,2,3,6"

    @Option(help: "Precisions: fp32, bf16.")
    var precision: String = "fp32,bf16"

    @Option(help: "Batch sizes (images per batch).")
    var batch: String = "1,8"

    @Option(help: "Parts to time: visual_encoder, text_encoder_fusion, vqa, caption_beam5, caption_greedy.")
    var parts: String = BenchPart.allCases.map(\.rawValue).joined(separator: ",")

    @Option(help: "Generation memory settings to time: kv_cache, recompute.")
    var memory: String = "kv_cache,recompute"

    @Option(name: .customLong("text-len"), help: "Question / text length in tokens.")
    var textLength = 16

    @Option(name: .customLong("gen-len"), help: "Caption tokens generated (min = max = this).")
    var generationLength = 20

    @Option(name: .customLong("answer-len"), help: "VQA answer tokens generated (min = max = this).")
    var answerLength = 10

    @Option(help: "Untimed warm-up runs per setting.")
    var warmup = 1

    @Option(help: "Timed runs per setting.")
    var repetitions = 5

    @Option(help: "Write the JSON report (schema mplug-bench/1) here.")
    var json: String?

    @Option(help: "Write the Markdown summary here (it is also printed).")
    var markdown: String?

    @Option(help: "Write the HTML report (inline SVG charts) here.")
    var html: String?

    @Flag(name: .customLong("no-child-memory"), help: "Skip the per-setting peak-RSS child processes.")
    var noChildMemory = false

    @Option(name: .customLong("child"), help: .hidden)
    var childSetting: String?

    @Option(name: .customLong("child-output"), help: .hidden)
    var childOutput: String?

    func run() throws {
        let options: SuiteOptions
        do {
            guard ablateStride || childSetting != nil else { throw BenchError.invalidSetting("nothing to run: pass --ablate-stride") }
            guard let chosen = BenchPreset(rawValue: preset) else {
                throw BenchError.invalidSetting("--preset: '\(preset)' is not one of base, tiny")
            }
            guard textLength >= 1, generationLength >= 1, answerLength >= 1, repetitions >= 1, warmup >= 0 else {
                throw BenchError.invalidSetting("--text-len, --gen-len, --answer-len and --repetitions must be ≥ 1, --warmup ≥ 0")
            }
            guard textLength + max(generationLength, answerLength) <= chosen.config.maxPositions else {
                throw BenchError.invalidSetting("text/generation length exceeds the \(chosen.config.maxPositions) positions of preset \(preset)")
            }
            var suite = SuiteOptions(preset: preset, config: chosen.config,
                                   strides: try CommandLineValues.positiveIntegers(strides, option: "strides"),
                                   precisions: try CommandLineValues.precisions(precision),
                                   batches: try CommandLineValues.positiveIntegers(batch, option: "batch"),
                                   textLength: textLength, generationLength: generationLength, answerLength: answerLength,
                                   warmup: warmup, repetitions: repetitions)
            suite.parts = try CommandLineValues.parts(parts)
            suite.memorySettings = try CommandLineValues.memorySettings(memory)
            options = suite
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let childArguments = ["--preset", preset, "--text-len", String(textLength), "--gen-len", String(generationLength),
                              "--answer-len", String(answerLength)]
        let runner = SuiteRunner(
            options: options,
            memory: noChildMemory ? .off : .childProcess(executable: ChildProcess.currentExecutable(), arguments: childArguments),
            makeWorkloads: { try ModelWorkloads(config: options.config, precision: $0) },
            log: { FileHandle.standardError.write(Data("mplug-bench: \($0)\n".utf8)) })

        if let childSetting {
            try runChild(runner, settingJSON: childSetting)
            return
        }
        let report = try runner.run()
        let markdownText = ReportRendering.markdown(report)
        print(markdownText, terminator: "")
        if let json { try report.jsonData().write(to: URL(fileURLWithPath: json)) }
        if let markdown { try Data(markdownText.utf8).write(to: URL(fileURLWithPath: markdown)) }
        if let html { try Data(ReportRendering.html(report).utf8).write(to: URL(fileURLWithPath: html)) }
    }

    /// Hidden child mode: run one setting once and write a `ChildResult` JSON to `--child-output`.
    func runChild(_ runner: SuiteRunner, settingJSON: String) throws {
        guard let childOutput else { throw ValidationError("--child needs --child-output") }
        let setting = try JSONDecoder().decode(BenchSetting.self, from: Data(settingJSON.utf8))
        let result = runner.runChild(setting)
        try JSONEncoder().encode(result).write(to: URL(fileURLWithPath: childOutput))
    }
}
