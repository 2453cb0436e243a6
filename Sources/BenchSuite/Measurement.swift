import Foundation

/// Latency samples of one setting and their summary statistics.
public struct LatencySummary: Sendable, Equatable, Codable {
    /// Wall-clock seconds of each timed repetition, in run order.
    public var samples: [Double]
    /// CPU seconds (user + system, all threads of this process) of each repetition: on a shared
    /// machine this shows how much of the wall time the process actually computed.
    public var cpuSamples: [Double]

    public init(samples: [Double], cpuSamples: [Double] = []) {
        self.samples = samples
        self.cpuSamples = cpuSamples
    }

    /// Median of a list (mean of the two middle values for an even count); 0 for none.
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    /// Median CPU seconds per repetition.
    public var medianCPU: Double { Self.median(cpuSamples) }

    /// Median (mean of the two middle values for an even count); 0 for no samples.
    public var median: Double { Self.median(samples) }

    /// 95th percentile, nearest-rank: the ⌈0.95·n⌉-th smallest sample (the maximum for n < 20).
    public var p95: Double {
        let sorted = samples.sorted()
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((0.95 * Double(sorted.count)).rounded(.up))
        return sorted[max(0, min(sorted.count, rank) - 1)]
    }
}

/// Wall-clock timing of a workload: `warmup` untimed runs, then `repetitions` timed runs.
public enum Stopwatch {
    /// Monotonic seconds (CLOCK_MONOTONIC).
    public static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// Runs `body` `warmup` times untimed, then `repetitions` (≥ 1) times timed.
    public static func measure(warmup: Int, repetitions: Int, _ body: () throws -> Void) rethrows -> LatencySummary {
        for _ in 0..<max(0, warmup) { try body() }
        var samples: [Double] = [], cpuSamples: [Double] = []
        for _ in 0..<max(1, repetitions) {
            let start = now(), cpuStart = processCPUSeconds()
            try body()
            samples.append(now() - start)
            cpuSamples.append(processCPUSeconds() - cpuStart)
        }
        return LatencySummary(samples: samples, cpuSamples: cpuSamples)
    }

    /// User + system CPU seconds of this process so far (getrusage RUSAGE_SELF).
    public static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
