import Foundation
import Metrics
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds, loads and builds METEOR 1.5's resources (function words, nonbreaking prefixes, and the synonym and
/// paraphrase tables as a memory-mapped `MeteorIndex`).
///
/// The cache directory is `${MPLUG_EVAL_CACHE:-$HOME/.cache/mplug-eval}/meteor-1.5/`, filled once by
/// `bash scripts/setup-meteor.sh` from the pycocoevalcap 1.2 wheel: `function/english.words`,
/// `nonbreaking/english.prefixes`, `synonym/english.{synsets,exceptions}`, `data/paraphrase-en.gz` and the built
/// `meteor-en.index`. Loading maps the index and parses two small text files, so it takes milliseconds.
public enum MeteorResourceLoader {
    /// The command that installs the resources.
    public static let setupCommand = "bash scripts/setup-meteor.sh"
    static let indexName = "meteor-en.index"
    static let functionWordsPath = "function/english.words"
    static let prefixesPath = "nonbreaking/english.prefixes"
    static let synsetsPath = "synonym/english.synsets"
    static let exceptionsPath = "synonym/english.exceptions"
    static let paraphrasePath = "data/paraphrase-en.gz"

    /// `${MPLUG_EVAL_CACHE:-$HOME/.cache/mplug-eval}/meteor-1.5`
    public static var defaultDirectory: URL {
        let env = ProcessInfo.processInfo.environment
        let cache = env["MPLUG_EVAL_CACHE"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0, isDirectory: true) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/mplug-eval", isDirectory: true)
        return cache.appendingPathComponent("meteor-1.5", isDirectory: true)
    }

    /// True when `load(directory:)` would find every file it needs.
    public static func isInstalled(directory: URL = defaultDirectory) -> Bool {
        [indexName, functionWordsPath, prefixesPath].allSatisfy {
            FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).path)
        }
    }

    /// Loads the resources from `directory`.
    /// - Throws: `ResourceError.missing` (naming the setup command) when a file is absent.
    public static func load(directory: URL = defaultDirectory) throws -> MeteorResources {
        for name in [indexName, functionWordsPath, prefixesPath]
        where !FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path) {
            throw ResourceError.missing(resource: "METEOR 1.5 resource \(directory.appendingPathComponent(name).path)",
                                        setupCommand: setupCommand)
        }
        let mapping = try MappedFile(url: directory.appendingPathComponent(indexName))
        guard let index = MeteorIndex(bytes: mapping.bytes, owner: mapping) else {
            throw ResourceError.missing(resource: "a valid METEOR index (\(directory.appendingPathComponent(indexName).path) is damaged)",
                                        setupCommand: setupCommand + " --force")
        }
        return try MeteorResources(
            index: index,
            functionWordsText: try String(contentsOf: directory.appendingPathComponent(functionWordsPath), encoding: .utf8),
            nonbreakingPrefixesText: try String(contentsOf: directory.appendingPathComponent(prefixesPath), encoding: .utf8))
    }

    /// Builds `meteor-en.index` in `directory` from the extracted synonym files and the gzipped paraphrase table
    /// (decompressed with `gzip -dc`). Takes tens of seconds; run once by the setup script.
    public static func buildIndex(directory: URL) throws {
        let synsets = try String(contentsOf: directory.appendingPathComponent(synsetsPath), encoding: .utf8)
        let exceptions = try String(contentsOf: directory.appendingPathComponent(exceptionsPath), encoding: .utf8)
        let paraphraseText = try gunzip(directory.appendingPathComponent(paraphrasePath))
        var paraphrases = MeteorParaphraseTableBuilder()
        addParaphraseEntries(paraphraseText, to: &paraphrases)
        let bytes = MeteorResources.buildIndex(synsetsText: synsets, exceptionsText: exceptions, paraphrases: paraphrases)
        let target = directory.appendingPathComponent(indexName)
        let partial = directory.appendingPathComponent(indexName + ".partial")
        try Data(bytes).write(to: partial)
        _ = try? FileManager.default.removeItem(at: target)
        try FileManager.default.moveItem(at: partial, to: target)
    }

    /// Parses the paraphrase table: groups of three lines (probability, reference phrase, paraphrase), words
    /// separated by spaces, tabs or form feeds, as the jar's `ParaphraseTransducer` reads it.
    static func addParaphraseEntries(_ text: Data, to builder: inout MeteorParaphraseTableBuilder) {
        text.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var position = 0
            func nextLine() -> Range<Int>? {
                guard position < bytes.count else { return nil }
                let start = position
                while position < bytes.count, bytes[position] != 0x0A, bytes[position] != 0x0D { position += 1 }
                let end = position
                if position < bytes.count {
                    if bytes[position] == 0x0D, position + 1 < bytes.count, bytes[position + 1] == 0x0A { position += 1 }
                    position += 1
                }
                return start..<end
            }
            func words(_ line: Range<Int>) -> [String] {
                var out: [String] = []
                var start = line.lowerBound
                for i in line.lowerBound...line.upperBound {
                    if i == line.upperBound || bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0C {
                        if i > start { out.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)) }
                        start = i + 1
                    }
                }
                return out
            }
            while nextLine() != nil, let reference = nextLine(), let paraphrase = nextLine() {
                builder.add(reference: words(reference), paraphrase: words(paraphrase))
            }
        }
    }

    private static func gunzip(_ url: URL) throws -> Data {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw ResourceError.missing(resource: "METEOR paraphrase table \(url.path)", setupCommand: setupCommand)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-dc", url.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ResourceError.missing(resource: "a readable paraphrase table (gzip failed on \(url.path))",
                                        setupCommand: setupCommand + " --force")
        }
        return data
    }
}

/// A read-only memory mapping of a whole file, unmapped on deinit.
final class MappedFile {
    let bytes: UnsafeRawBufferPointer

    init(url: URL) throws {
        let fd = open(url.path, O_RDONLY)
        guard fd >= 0 else {
            throw ResourceError.missing(resource: "a readable \(url.path)", setupCommand: MeteorResourceLoader.setupCommand)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size > 0,
              let address = mmap(nil, Int(info.st_size), PROT_READ, MAP_PRIVATE, fd, 0), address != MAP_FAILED else {
            throw ResourceError.missing(resource: "a mappable \(url.path)", setupCommand: MeteorResourceLoader.setupCommand)
        }
        // Ask the kernel to read the file ahead now, so that lookups do not wait on random page faults
        // when the file is not yet in the page cache.
        _ = madvise(address, Int(info.st_size), MADV_WILLNEED)
        bytes = UnsafeRawBufferPointer(start: address, count: Int(info.st_size))
    }

    deinit {
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }
}
