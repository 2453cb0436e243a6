import Foundation

/// Parsing of the comma-separated list options of `mplug-bench` (pure; errors name the option).
public enum CommandLineValues {
    /// "1,2,3" → [1, 2, 3]; every entry a positive integer, no duplicates.
    public static func positiveIntegers(_ text: String, option: String) throws -> [Int] {
        let values = try text.split(separator: ",", omittingEmptySubsequences: false).map { part -> Int in
            guard let value = Int(part.trimmingCharacters(in: .whitespaces)), value > 0 else {
                throw BenchError.invalidSetting("--\(option): '\(part)' is not a positive integer (expected e.g. 1,2,3)")
            }
            return value
        }
        guard Set(values).count == values.count else { throw BenchError.invalidSetting("--\(option): duplicate values in '\(text)'") }
        return values
    }

    /// "fp32,bf16" → [.fp32, .bf16].
    public static func precisions(_ text: String) throws -> [Precision] {
        let values = try text.split(separator: ",", omittingEmptySubsequences: false).map { part -> Precision in
            guard let value = Precision(rawValue: part.trimmingCharacters(in: .whitespaces)) else {
                throw BenchError.invalidSetting("--precision: '\(part)' is not one of fp32, bf16")
            }
            return value
        }
        guard Set(values).count == values.count else { throw BenchError.invalidSetting("--precision: duplicate values in '\(text)'") }
        return values
    }

    /// "visual_encoder,vqa" → those parts (names as in the report).
    public static func parts(_ text: String) throws -> [BenchPart] {
        try text.split(separator: ",", omittingEmptySubsequences: false).map { part -> BenchPart in
            guard let value = BenchPart(rawValue: part.trimmingCharacters(in: .whitespaces)) else {
                let names = BenchPart.allCases.map(\.rawValue).joined(separator: ", ")
                throw BenchError.invalidSetting("--parts: '\(part)' is not one of \(names)")
            }
            return value
        }
    }

    /// "kv_cache,recompute" → those generation memory settings.
    public static func memorySettings(_ text: String) throws -> [MemorySetting] {
        try text.split(separator: ",", omittingEmptySubsequences: false).map { part -> MemorySetting in
            guard let value = MemorySetting(rawValue: part.trimmingCharacters(in: .whitespaces)), value != .none else {
                throw BenchError.invalidSetting("--memory: '\(part)' is not one of kv_cache, recompute")
            }
            return value
        }
    }
}
