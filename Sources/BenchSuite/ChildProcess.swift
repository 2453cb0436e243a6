import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs this executable again with other arguments in a fresh process and reports how it ended
/// and its own peak resident set (`wait4` → `ru_maxrss` of that child alone).
public enum ChildProcess {
    public struct Outcome: Sendable, Equatable {
        /// Exit code when the child exited normally.
        public var exitCode: Int32?
        /// Terminating signal when it was killed (e.g. 9 from the OOM killer).
        public var signal: Int32?
        /// Peak resident set of the child in bytes (`ru_maxrss`, KiB on Linux, × 1024).
        public var maxResidentBytes: Int

        public var succeeded: Bool { exitCode == 0 }
    }

    /// The path of the running executable (/proc/self/exe, else argv[0]).
    public static func currentExecutable() -> String {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        return CommandLine.arguments.first ?? ""
    }

    /// Spawns `executable arguments…` (stdio inherited, environment unchanged) and waits for it.
    public static func run(_ executable: String, arguments: [String]) throws -> Outcome {
        let argv = ([executable] + arguments).map { strdup($0) }
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawnResult = (argv + [nil]).withUnsafeBufferPointer { argvBuffer in
            posix_spawn(&pid, executable, nil, nil, UnsafeMutablePointer(mutating: argvBuffer.baseAddress!), environ)
        }
        guard spawnResult == 0 else {
            throw BenchError.childFailed("cannot start \(executable): \(String(cString: strerror(spawnResult)))")
        }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw BenchError.childFailed("wait4 failed: \(String(cString: strerror(errno)))") }
        }
        let signal = status & 0x7f
        return Outcome(exitCode: signal == 0 ? (status >> 8) & 0xff : nil, signal: signal == 0 ? nil : signal,
                       maxResidentBytes: Int(usage.ru_maxrss) * 1024)
    }
}
