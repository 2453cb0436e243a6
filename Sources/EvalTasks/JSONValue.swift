import Foundation

/// A JSON document as read from an input file or written as a report.
///
/// Reports are written with sorted keys, so the same inputs give byte-identical output.
/// Doubles are written in their shortest round-trip form.
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The member `key` of an object, nil for other values or a missing key.
    public subscript(key: String) -> JSONValue? {
        if case let .object(members) = self { return members[key] }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case let .array(items) = self { return items }
        return nil
    }

    public var objectValue: [String: JSONValue]? {
        if case let .object(members) = self { return members }
        return nil
    }

    public var stringValue: String? {
        if case let .string(text) = self { return text }
        return nil
    }

    /// An integer, also from an integral float (`3.0`), as Python's `==` and `hash` treat them alike.
    public var int64Value: Int64? {
        switch self {
        case let .int(value): return value
        case let .double(value):
            guard value.rounded() == value, let exact = Int64(exactly: value) else { return nil }
            return exact
        default: return nil
        }
    }

    /// A number as a Double (integers converted).
    public var doubleValue: Double? {
        switch self {
        case let .int(value): return Double(value)
        case let .double(value): return value
        default: return nil
        }
    }

    /// A short description of the value's JSON type for error messages ("a string", "an array", …).
    public var typeDescription: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int, .double: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

// MARK: Reading and writing files

extension JSONValue {
    /// Reads and parses the JSON file at `url`.
    /// - Throws: `TaskError.badInput` naming the file when it is missing, unreadable or not JSON.
    public static func read(_ url: URL) throws -> JSONValue {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw TaskError.badInput("\(url.path): cannot read the file (\((error as NSError).localizedDescription))")
        }
        return try parse(data, name: url.path)
    }

    /// Parses JSON bytes; `name` labels error messages.
    ///
    /// Numbers are parsed exactly (correctly rounded, as Python's `json` does; Foundation's
    /// `JSONSerialization` on Linux is off by an ulp for some doubles), integers without a fraction
    /// or exponent stay integers, and Python's `NaN`, `Infinity` and `-Infinity` literals are
    /// accepted so that a NaN score can be reported as such. A repeated key keeps its last value.
    public static func parse(_ data: Data, name: String) throws -> JSONValue {
        guard let text = String(data: data, encoding: .utf8) else {
            throw TaskError.badInput("\(name): malformed JSON (the file is not valid UTF-8)")
        }
        var parser = JSONParser(bytes: Array(text.utf8), name: name)
        return try parser.parseDocument()
    }

    /// The value as pretty-printed JSON with sorted keys and a trailing newline.
    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        // Encoding a JSONValue cannot fail: every case maps to a JSON value (non-finite doubles
        // are written as strings by the encoding strategy below).
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity",
                                                                      negativeInfinity: "-Infinity", nan: "NaN")
        var data = (try? encoder.encode(self)) ?? Data("null".utf8)
        data.append(0x0A)
        return data
    }

    /// Writes `encoded()` to `url`.
    /// - Throws: `TaskError.badInput` when the file cannot be written.
    public func write(to url: URL) throws {
        do {
            try encoded().write(to: url, options: .atomic)
        } catch {
            throw TaskError.badInput("\(url.path): cannot write the report (\((error as NSError).localizedDescription))")
        }
    }
}

extension JSONValue: Encodable {
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case let .bool(value): try container.encode(value)
        case let .int(value): try container.encode(value)
        case let .double(value): try container.encode(value)
        case let .string(value): try container.encode(value)
        case let .array(items): try container.encode(items)
        case let .object(members): try container.encode(members)
        }
    }
}
