import Foundation

/// Reader for numpy's `.npy` format (format versions 1.0, 2.0 and 3.0).
///
/// Layout: the magic `\x93NUMPY`, major and minor version bytes, a little-endian header length
/// (2 bytes in v1, 4 bytes in v2/v3), then a Python dict literal
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 6), }` padded with spaces and `\n`,
/// then the raw data. Supported: C order, little-endian (or byte-order-free) numeric types
/// `<f8 <f4 <f2 <i8 <i4 <i2 |i1 |u1 |b1`. Fortran order, big-endian data, object arrays and
/// structured dtypes are rejected with a clear error.
public enum Npy {
    /// Reads the array in the file at `url`.
    public static func read(_ url: URL) throws -> RawTensor {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw DataIOError.unreadable(path: url.path, reason: (error as NSError).localizedDescription)
        }
        return try parse(data, path: url.path)
    }

    /// Parses `.npy` bytes; `path` only labels error messages.
    public static func parse(_ data: Data, path: String = "<npy>") throws -> RawTensor {
        func malformed(_ reason: String) -> DataIOError { .malformed(path: path, reason: reason) }
        let bytes = [UInt8](data.prefix(12))
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]   // \x93NUMPY
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw malformed("not a .npy file (missing the \\x93NUMPY magic)")
        }
        let major = bytes[6]
        let headerStart: Int, headerLength: Int
        switch major {
        case 1:
            headerStart = 10
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        case 2, 3:
            guard bytes.count >= 12 else { throw malformed("truncated .npy header") }
            headerStart = 12
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
        default:
            throw malformed("unsupported .npy format version \(major).\(bytes[7])")
        }
        guard headerStart + headerLength <= data.count else { throw malformed("truncated .npy header") }
        let headerBytes = data.subdata(in: (data.startIndex + headerStart)..<(data.startIndex + headerStart + headerLength))
        // v1/v2 headers are latin-1, v3 UTF-8; the fields we read are ASCII either way.
        guard let header = String(data: headerBytes, encoding: major == 3 ? .utf8 : .isoLatin1) else {
            throw malformed("the .npy header is not text")
        }
        let fields = try NpyHeader.parse(header, path: path)
        guard !fields.fortranOrder else {
            throw malformed("Fortran-order arrays are not supported; save with np.ascontiguousarray")
        }
        let dtype = try dataType(fields.descr, path: path)
        let dataStart = data.startIndex + headerStart + headerLength
        var byteCount = dtype.byteWidth
        for dim in fields.shape {
            let (product, overflow) = byteCount.multipliedReportingOverflow(by: dim)
            guard !overflow else { throw malformed("shape \(fields.shape) is too large") }
            byteCount = product
        }
        guard data.endIndex - dataStart >= byteCount else {
            throw malformed("shape \(fields.shape) of \(fields.descr) needs \(byteCount) data bytes, the file has \(data.endIndex - dataStart)")
        }
        return RawTensor(dtype: dtype, shape: fields.shape, bytes: data.subdata(in: dataStart..<(dataStart + byteCount)))
    }

    /// The `.npy` bytes (format 1.0, C order) of little-endian float32 (`<f4`) `values` of `shape`,
    /// as `np.save` writes them (header padded with spaces to a multiple of 64 bytes, ending in "\n").
    public static func float32Data(_ values: [Float], shape: [Int]) -> Data {
        precondition(shape.reduce(1, *) == values.count, "Npy: \(values.count) values do not fill shape \(shape)")
        let dims = shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? "," : "")
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(dims)), }"
        header += String(repeating: " ", count: 63 - (10 + header.utf8.count) % 64) + "\n"
        var data = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)])
        data.append(contentsOf: header.utf8)
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }

    /// Writes `float32Data(values, shape:)` to `url`.
    public static func writeFloat32(_ values: [Float], shape: [Int], to url: URL) throws {
        do {
            try float32Data(values, shape: shape).write(to: url)
        } catch {
            throw DataIOError.unreadable(path: url.path, reason: "cannot write (\((error as NSError).localizedDescription))")
        }
    }

    private static func dataType(_ descr: String, path: String) throws -> DType {
        func unsupported(_ why: String) -> DataIOError {
            .malformed(path: path, reason: "dtype '\(descr)' is not supported: \(why)")
        }
        guard let order = descr.first else { throw unsupported("empty descr") }
        if order == ">" { throw unsupported("big-endian data; convert with arr.astype(arr.dtype.newbyteorder('<'))") }
        if descr.contains("O") { throw unsupported("object arrays cannot be read without Python") }
        let code = order == "<" || order == "|" || order == "=" ? String(descr.dropFirst()) : descr
        let types: [String: DType] = [
            "f8": .float64, "f4": .float32, "f2": .float16, "i8": .int64, "i4": .int32,
            "i2": .int16, "i1": .int8, "u1": .uint8, "b1": .bool,
        ]
        guard let dtype = types[code] else { throw unsupported("expected one of <f8 <f4 <f2 <i8 <i4 <i2 |i1 |u1 |b1") }
        return dtype
    }
}

/// The three fields of a `.npy` header dict literal.
struct NpyHeader {
    var descr: String
    var fortranOrder: Bool
    var shape: [Int]

    /// Parses `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 6), }` (keys in any order).
    static func parse(_ text: String, path: String) throws -> NpyHeader {
        func malformed(_ reason: String) -> DataIOError {
            .malformed(path: path, reason: "bad .npy header (\(reason)): \(text.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        var scanner = Substring(text)
        func skipSpaces() { scanner = scanner.drop { $0 == " " || $0 == "\n" || $0 == "\t" } }
        func expect(_ c: Character) throws {
            skipSpaces()
            guard scanner.first == c else { throw malformed("expected '\(c)'") }
            scanner = scanner.dropFirst()
        }
        func quoted() throws -> String {
            skipSpaces()
            guard let quote = scanner.first, quote == "'" || quote == "\"" else { throw malformed("expected a quoted string") }
            scanner = scanner.dropFirst()
            guard let end = scanner.firstIndex(of: quote) else { throw malformed("unterminated string") }
            let value = String(scanner[..<end])
            scanner = scanner[scanner.index(after: end)...]
            return value
        }
        var descr: String?, fortranOrder: Bool?, shape: [Int]?
        try expect("{")
        while true {
            skipSpaces()
            if scanner.first == "}" { break }
            let key = try quoted()
            try expect(":")
            skipSpaces()
            switch key {
            case "descr":
                guard scanner.first == "'" || scanner.first == "\"" else {
                    throw malformed("structured dtypes are not supported")
                }
                descr = try quoted()
            case "fortran_order":
                if scanner.hasPrefix("True") { fortranOrder = true; scanner = scanner.dropFirst(4) }
                else if scanner.hasPrefix("False") { fortranOrder = false; scanner = scanner.dropFirst(5) }
                else { throw malformed("fortran_order must be True or False") }
            case "shape":
                try expect("(")
                guard let close = scanner.firstIndex(of: ")") else { throw malformed("unterminated shape") }
                let parts = scanner[..<close].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                    .filter { !$0.isEmpty }
                shape = try parts.map { part in
                    guard let dim = Int(part.hasSuffix("L") ? String(part.dropLast()) : part), dim >= 0 else {
                        throw malformed("bad dimension '\(part)'")
                    }
                    return dim
                }
                scanner = scanner[scanner.index(after: close)...]
            default:
                throw malformed("unexpected key '\(key)'")
            }
            skipSpaces()
            if scanner.first == "," { scanner = scanner.dropFirst() }
        }
        guard let descr, let fortranOrder, let shape else { throw malformed("missing descr, fortran_order or shape") }
        return NpyHeader(descr: descr, fortranOrder: fortranOrder, shape: shape)
    }
}
