import Foundation
import TensorMath

/// What the suite needs from the model: one instance per precision, weights loaded once.
public protocol BenchWorkloads: AnyObject {
    /// Bytes of the weights as loaded (fp32 arrays, or packed bf16 plus the fp32 remainder).
    var weightBytes: Int { get }
    /// Prepares the inputs of `setting` untimed (e.g. image tokens for captioning) and returns
    /// one run of it, which the suite times.
    func prepare(_ setting: BenchSetting, options: SuiteOptions) throws -> () throws -> Void
}

/// How the peak resident set of each setting is measured.
public enum MemoryMeasurement: Sendable {
    /// Re-run each setting once in a fresh process: `executable arguments… --child … ` (the CLI's
    /// hidden child mode). The child builds the model, resets its VmHWM, runs the setting and
    /// reports VmHWM: the inference peak. (`wait4`'s `ru_maxrss` is not used: a child started by
    /// posix_spawn shares the parent's memory until exec, and Linux records that peak for it.)
    case childProcess(executable: String, arguments: [String])
    /// Reset VmHWM (/proc/self/clear_refs) before a setting and read it after, in this process.
    /// The model's weights stay resident, so this is the peak of the whole process.
    case inProcess
    /// Do not measure peak RSS.
    case off
}

/// What a child run reports back to the parent (JSON in the file named by `--child-output`).
public struct ChildResult: Sendable, Codable, Equatable {
    public var status: String
    public var liveTensorHighWaterBytes: Int?
    public var peakResidentBytes: Int?
}

/// Runs the grid of `SuiteOptions.settings` and builds the report.
public struct SuiteRunner {
    public var options: SuiteOptions
    public var memory: MemoryMeasurement
    /// Builds the model for a precision (random weights of the preset).
    public var makeWorkloads: (Precision) throws -> BenchWorkloads
    /// Progress lines (stderr in the CLI).
    public var log: (String) -> Void

    public init(options: SuiteOptions, memory: MemoryMeasurement,
                makeWorkloads: @escaping (Precision) throws -> BenchWorkloads, log: @escaping (String) -> Void = { _ in }) {
        self.options = options
        self.memory = memory
        self.makeWorkloads = makeWorkloads
        self.log = log
    }

    /// The GEMM kernel label of a precision.
    public static func kernelName(_ precision: Precision, system: SystemInfo) -> String {
        switch precision {
        case .fp32: return "openblas-sgemm:\(system.openblasCore)"
        case .bf16: return "bf16:\(BF16GEMM.activeKernel.rawValue)"
        }
    }

    public func run() throws -> BenchReport {
        let system = SystemInfo.current()
        var rows: [BenchRow] = []
        var weightBytes: [String: Int] = [:]
        var kernels: [String: String] = [:]
        var peakCache: [GEMMShape: Double] = [:]
        let settings = options.settings
        for precision in options.precisions {
            log("building \(options.preset) model (\(precision.rawValue))")
            let workloads = try makeWorkloads(precision)
            weightBytes[precision.rawValue] = workloads.weightBytes
            kernels[precision.rawValue] = Self.kernelName(precision, system: system)
            for setting in settings where setting.precision == precision {
                var row = measure(setting, workloads: workloads, system: system, peakCache: &peakCache)
                log(Self.describe(row))
                if row.status == "ok" { measureMemory(setting, into: &row, workloads: workloads) }
                rows.append(row)
            }
        }
        return BenchReport(system: system, preset: options.preset, sizes: options.config.reportedSizes,
                           textLength: options.textLength, generationLength: options.generationLength,
                           answerLength: options.answerLength, warmup: options.warmup,
                           repetitions: options.repetitions, weightBytes: weightBytes, kernels: kernels,
                           rows: rows, targets: TargetChecks.evaluate(rows: rows, weightBytes: weightBytes),
                           notes: BenchReport.standardNotes + memoryNote)
    }

    var memoryNote: [String] {
        switch memory {
        case .childProcess: return []
        case .inProcess: return ["Peak RSS measured in-process (VmHWM reset per setting): includes every loaded weight and the harness."]
        case .off: return ["Peak RSS not measured (--no-child-memory)."]
        }
    }

    /// Times one setting (or records why it cannot run).
    func measure(_ setting: BenchSetting, workloads: BenchWorkloads, system: SystemInfo,
                 peakCache: inout [GEMMShape: Double]) -> BenchRow {
        let count = options.flops(setting)
        let estimate = options.estimatedBytes(setting, weightBytes: workloads.weightBytes)
        let mainShape = count.mainShape
        var row = BenchRow(part: setting.part, variant: setting.variant?.name, stride: setting.variant?.stride,
                           precision: setting.precision, memory: setting.memory, batch: setting.batch,
                           generatedTokens: options.generatedTokens(setting), flops: count.total, status: "ok",
                           repetitions: 0, mainGemm: mainShape?.description ?? "none", peakRssSource: "not measured",
                           kernel: Self.kernelName(setting.precision, system: system), estimatedBytes: estimate)
        if let available = ProcessMemory.availableBytes(), estimate > available {
            row.status = "does not fit in memory: needs about \(Self.gib(estimate)), \(Self.gib(available)) available"
            return row
        }
        do {
            let body = try workloads.prepare(setting, options: options)
            let latency = try Stopwatch.measure(warmup: options.warmup, repetitions: options.repetitions, body)
            row.repetitions = latency.samples.count
            let median = latency.median
            row.medianSeconds = median
            row.p95Seconds = latency.p95
            row.medianCpuSeconds = latency.medianCPU
            if median > 0 {
                row.imagesPerSecond = Double(setting.batch) / median
                if row.generatedTokens > 0 { row.tokensPerSecond = Double(setting.batch * row.generatedTokens) / median }
                row.gflopsPerSecond = count.total / median / 1e9
            }
        } catch {
            row.status = "failed: \(error)"
            return row
        }
        if let shape = mainShape {
            let peak = peakCache[shape] ?? SGEMMPeak.measure(shape)
            peakCache[shape] = peak
            row.sgemmPeakGflopsPerSecond = peak
            if let achieved = row.gflopsPerSecond, peak > 0 { row.percentOfSgemmPeak = 100 * achieved / peak }
        }
        return row
    }

    /// Fills peak RSS and the live-tensor high-water mark of one setting.
    func measureMemory(_ setting: BenchSetting, into row: inout BenchRow, workloads: BenchWorkloads) {
        switch memory {
        case .off:
            return
        case .inProcess:
            ProcessMemory.resetPeakResident()
            TensorMemory.resetHighWater()
            do {
                try workloads.prepare(setting, options: options)()
                row.liveTensorHighWaterBytes = TensorMemory.highWaterBytes
                row.peakRssBytes = ProcessMemory.peakResidentBytes()
                row.peakRssSource = "in-process VmHWM"
            } catch {
                row.status = "failed: \(error)"
            }
        case let .childProcess(executable, arguments):
            do {
                let output = FileManager.default.temporaryDirectory
                    .appendingPathComponent("mplug-bench-child-\(getpid())-\(UUID().uuidString).json")
                defer { try? FileManager.default.removeItem(at: output) }
                let settingJSON = String(decoding: try JSONEncoder().encode(setting), as: UTF8.self)
                let outcome = try ChildProcess.run(executable, arguments: arguments + [
                    "--child", settingJSON, "--child-output", output.path])
                guard outcome.succeeded else {
                    row.status = outcome.signal.map { "failed in child: killed by signal \($0)" + ($0 == 9 ? " (out of memory?)" : "") }
                        ?? "failed in child: exit code \(outcome.exitCode ?? -1)"
                    return
                }
                let result = try JSONDecoder().decode(ChildResult.self, from: Data(contentsOf: output))
                row.peakRssBytes = result.peakResidentBytes
                row.peakRssSource = "child process VmHWM"
                row.liveTensorHighWaterBytes = result.liveTensorHighWaterBytes
                if result.status != "ok" { row.status = result.status }
            } catch {
                row.status = "failed: \(error)"
            }
        }
    }

    /// Child mode: build the model, run `setting` once, report memory (the CLI's hidden `--child`).
    public func runChild(_ setting: BenchSetting) -> ChildResult {
        do {
            let workloads = try makeWorkloads(setting.precision)
            let body = try workloads.prepare(setting, options: options)
            ProcessMemory.resetPeakResident()   // the inference peak, not the weight-loading one
            TensorMemory.resetHighWater()
            try body()
            return ChildResult(status: "ok", liveTensorHighWaterBytes: TensorMemory.highWaterBytes,
                               peakResidentBytes: ProcessMemory.peakResidentBytes())
        } catch {
            return ChildResult(status: "failed: \(error)", liveTensorHighWaterBytes: nil,
                               peakResidentBytes: ProcessMemory.peakResidentBytes())
        }
    }

    static func gib(_ bytes: Int) -> String { String(format: "%.2f GiB", Double(bytes) / Double(1 << 30)) }

    static func describe(_ row: BenchRow) -> String {
        let what = [row.part.rawValue, row.variant.map { v in row.stride.map { "\(v) \($0)" } ?? v },
                    row.precision.rawValue, row.memory == .none ? nil : row.memory.rawValue, "batch \(row.batch)"]
            .compactMap { $0 }.joined(separator: " ")
        guard let median = row.medianSeconds else { return "\(what): \(row.status)" }
        return String(format: "%@: median %.4f s (CPU %.4f s), %.1f GFLOP/s", what, median, row.medianCpuSeconds ?? 0,
                      row.gflopsPerSecond ?? 0)
    }
}
