import COpenBLAS
import Foundation
import TensorMath

/// What the report header records about the machine and the BLAS it ran on.
public struct SystemInfo: Sendable, Equatable, Codable {
    /// `openblas_get_corename()`, e.g. "Cooperlake" or "Haswell".
    public var openblasCore: String
    /// `openblas_get_num_threads()`.
    public var openblasThreads: Int
    /// Whether the environment variable OPENBLAS_CORETYPE was set for this run, and its value ("" when unset).
    public var openblasCoretypeSet: Bool
    public var openblasCoretype: String
    /// CPU model name from /proc/cpuinfo ("unknown" elsewhere).
    public var cpu: String
    /// Active processor count.
    public var cores: Int
    /// Whether the CPU has AVX512-BF16, and the bf16 kernel the run used.
    public var cpuHasAVX512BF16: Bool
    public var bf16Kernel: String
    /// ISO 8601 UTC time the run started.
    public var date: String
    /// 1-, 5- and 15-minute load averages when the run started (/proc/loadavg): above the core
    /// count, other processes were competing for the cores and wall times are inflated.
    public var loadAverage: [Double]

    /// Reads the current process's view of the machine.
    public static func current(date: Date = Date()) -> SystemInfo {
        let coretype = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"]
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return SystemInfo(
            openblasCore: openblas_get_corename().map { String(cString: $0) } ?? "unknown",
            openblasThreads: Int(openblas_get_num_threads()),
            openblasCoretypeSet: coretype != nil, openblasCoretype: coretype ?? "",
            cpu: cpuModelName(), cores: ProcessInfo.processInfo.activeProcessorCount,
            cpuHasAVX512BF16: BF16GEMM.cpuHasAVX512BF16, bf16Kernel: BF16GEMM.activeKernel.rawValue,
            date: formatter.string(from: date), loadAverage: loadAverages())
    }

    static func loadAverages() -> [Double] {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return [] }
        return text.split(separator: " ").prefix(3).compactMap { Double($0) }
    }

    static func cpuModelName() -> String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown" }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            if let colon = line.firstIndex(of: ":") {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return "unknown"
    }
}

/// Process memory readings (Linux /proc; nil where unavailable).
public enum ProcessMemory {
    /// Peak resident set of this process in bytes (VmHWM in /proc/self/status).
    public static func peakResidentBytes() -> Int? { statusField("VmHWM") }

    /// Memory the kernel considers available for new allocations (MemAvailable in /proc/meminfo).
    public static func availableBytes() -> Int? { kibField("MemAvailable", in: "/proc/meminfo") }

    static func statusField(_ name: String) -> Int? { kibField(name, in: "/proc/self/status") }

    static func kibField(_ name: String, in path: String) -> Int? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
            let digits = line.split(separator: " ").compactMap { Int($0) }
            if let kib = digits.first { return kib * 1024 }
        }
        return nil
    }
}

extension ProcessMemory {
    /// Resets this process's VmHWM to the current RSS (writes "5" to /proc/self/clear_refs;
    /// Linux ≥ 4.0). Returns false where that is not possible.
    @discardableResult
    public static func resetPeakResident() -> Bool {
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? handle.close() }
        return (try? handle.write(contentsOf: Data("5".utf8))) != nil
    }
}

extension ProcessMemory {
    /// Returns freed heap memory to the OS (glibc `malloc_trim(0)`, looked up at run time since
    /// `malloc.h` is not in the Glibc module); a no-op elsewhere.
    public static func releaseFreedMemory() {
        typealias MallocTrim = @convention(c) (Int) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: MallocTrim.self)(0)
    }
}
