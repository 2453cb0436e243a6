import Metrics

/// A JSON value to be written, with object keys sorted on output (by Unicode code point, as
/// Python's `json.dump(sort_keys=True)`), so the same document always gives the same bytes.
///
/// Faster than `JSONEncoder` for large reports. Doubles are written in their shortest round-trip
/// form (`0.1`, `1e-15`); non-finite doubles, which JSON cannot hold, are written as `null`.
public enum JSONOutput: Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONOutput])
    case object([(String, JSONOutput)])

    /// The UTF-8 bytes of the document (compact, sorted keys, trailing newline).
    public func bytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1 << 16)
        write(into: &out)
        out.append(0x0A)
        return out
    }

    private func write(into out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case let .bool(value): out.append(contentsOf: (value ? "true" : "false").utf8)
        case let .int(value): out.append(contentsOf: String(value).utf8)
        case let .double(value): out.append(contentsOf: (value.isFinite ? value.description : "null").utf8)
        case let .string(value): Self.writeString(value, into: &out)
        case let .array(items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                item.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case let .object(members):
            out.append(UInt8(ascii: "{"))
            // UTF-8 byte order is Unicode code point order.
            let sorted = members.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
            if sorted.count < Self.parallelMembers {
                Self.writeMembers(sorted[...], into: &out)
            } else {
                // Large objects (one member per image) are written in chunks on all cores.
                let chunks = stride(from: 0, to: sorted.count, by: Self.parallelMembers).map {
                    sorted[$0..<min(sorted.count, $0 + Self.parallelMembers)]
                }
                for (i, bytes) in concurrentResults(chunks.count, { c -> [UInt8] in
                    var bytes: [UInt8] = []
                    Self.writeMembers(chunks[c], into: &bytes)
                    return bytes
                }).enumerated() {
                    if i > 0 { out.append(UInt8(ascii: ",")) }
                    out.append(contentsOf: bytes)
                }
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Objects with at least this many members are written in parallel chunks of this size.
    private static let parallelMembers = 512

    /// `"key":value` pairs separated by commas.
    private static func writeMembers(_ members: ArraySlice<(String, JSONOutput)>, into out: inout [UInt8]) {
        for (i, (key, value)) in members.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            writeString(key, into: &out)
            out.append(UInt8(ascii: ":"))
            value.write(into: &out)
        }
    }

    private static func writeString(_ text: String, into out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
            case 0x0A: out.append(contentsOf: #"\n"#.utf8)
            case 0x0D: out.append(contentsOf: #"\r"#.utf8)
            case 0x09: out.append(contentsOf: #"\t"#.utf8)
            case 0..<0x20:
                out.append(contentsOf: #"\u00"#.utf8)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
