import Foundation

/// A read-only view of a zip archive whose entries are *stored* (method 0, uncompressed), as written
/// by `torch.save`. Parses the end-of-central-directory record (and its ZIP64 variant), the central
/// directory and each entry's local header; entry contents are slices of the (memory-mapped) file.
/// CRC-32 checksums are not verified.
struct ZipArchive {
    /// Entry name → byte range of its contents in `data`.
    let entries: [String: Range<Int>]
    /// Entry names in central-directory order.
    let names: [String]
    /// The whole archive file.
    let data: Data
    private let path: String

    /// Parses the archive in `data` (`path` is only used in error messages).
    init(data: Data, path: String) throws {
        let data = data.startIndex == 0 ? data : Data(data)
        self.data = data
        self.path = path
        let reader = ByteReader(data: data, path: path)
        let directory = try reader.centralDirectory()
        var entries: [String: Range<Int>] = [:]
        var names: [String] = []
        var position = directory.offset
        for _ in 0..<directory.count {
            let entry = try reader.centralDirectoryEntry(at: &position)
            guard entry.method == 0 else {
                throw DataIOError.malformed(path: path, reason: "zip entry '\(entry.name)' is compressed (method \(entry.method)); only stored entries (as written by torch.save) are supported")
            }
            let start = try reader.localDataStart(headerOffset: entry.localHeaderOffset, name: entry.name)
            guard start + entry.size <= data.count else {
                throw DataIOError.malformed(path: path, reason: "zip entry '\(entry.name)' extends past the end of the file (truncated?)")
            }
            entries[entry.name] = start..<(start + entry.size)
            names.append(entry.name)
        }
        self.entries = entries
        self.names = names
    }

    /// The contents of entry `name` (a copy).
    func contents(of name: String) throws -> Data {
        guard let range = entries[name] else {
            throw DataIOError.malformed(path: path, reason: "zip entry '\(name)' is missing")
        }
        return data.subdata(in: range)
    }
}

/// Little-endian field access with bounds checks that turn into `DataIOError.malformed`.
private struct ByteReader {
    let data: Data
    let path: String

    func uint(at offset: Int, width: Int) throws -> Int {
        guard offset >= 0, offset + width <= data.count else {
            throw DataIOError.malformed(path: path, reason: "zip structure points past the end of the file (truncated or corrupt)")
        }
        var value: UInt64 = 0
        for i in (0..<width).reversed() {
            value = value << 8 | UInt64(data[offset + i])
        }
        guard value <= UInt64(Int.max) else {
            throw DataIOError.malformed(path: path, reason: "zip field value \(value) is out of range")
        }
        return Int(value)
    }

    func string(at offset: Int, length: Int) throws -> String {
        guard offset >= 0, offset + length <= data.count else {
            throw DataIOError.malformed(path: path, reason: "zip entry name points past the end of the file")
        }
        let bytes = data.subdata(in: offset..<(offset + length))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Finds the end-of-central-directory record (searching back over a possible comment) and returns
    /// the central directory's offset and entry count, following the ZIP64 locator when present.
    func centralDirectory() throws -> (offset: Int, count: Int) {
        let eocdSignature = 0x0605_4b50, minimum = 22
        guard data.count >= minimum else {
            throw DataIOError.malformed(path: path, reason: "file is too short (\(data.count) bytes) to be a zip archive")
        }
        var eocd = -1
        var candidate = data.count - minimum
        let lowest = max(0, data.count - minimum - 65_535)
        while candidate >= lowest {
            if try uint(at: candidate, width: 4) == eocdSignature { eocd = candidate; break }
            candidate -= 1
        }
        guard eocd >= 0 else {
            throw DataIOError.malformed(path: path, reason: "no zip end-of-central-directory record (not a zip-format checkpoint, or the file is truncated)")
        }
        var count = try uint(at: eocd + 10, width: 2)
        var offset = try uint(at: eocd + 16, width: 4)
        if count == 0xFFFF || offset == 0xFFFF_FFFF {
            let locator = eocd - 20
            guard locator >= 0, try uint(at: locator, width: 4) == 0x0706_4b50 else {
                throw DataIOError.malformed(path: path, reason: "zip64 end-of-central-directory locator is missing")
            }
            let record = try uint(at: locator + 8, width: 8)
            guard try uint(at: record, width: 4) == 0x0606_4b50 else {
                throw DataIOError.malformed(path: path, reason: "zip64 end-of-central-directory record is corrupt")
            }
            count = try uint(at: record + 32, width: 8)
            offset = try uint(at: record + 48, width: 8)
        }
        guard offset < data.count else {
            throw DataIOError.malformed(path: path, reason: "zip central directory offset \(offset) is past the end of the file (truncated?)")
        }
        return (offset, count)
    }

    struct CentralEntry {
        var name: String
        var method: Int
        var size: Int
        var localHeaderOffset: Int
    }

    /// Reads the central-directory entry at `position` and advances `position` past it.
    func centralDirectoryEntry(at position: inout Int) throws -> CentralEntry {
        guard try uint(at: position, width: 4) == 0x0201_4b50 else {
            throw DataIOError.malformed(path: path, reason: "zip central directory entry at byte \(position) has a bad signature (corrupt archive)")
        }
        let method = try uint(at: position + 10, width: 2)
        let compressedSize = try uint(at: position + 20, width: 4)
        var size = try uint(at: position + 24, width: 4)
        let nameLength = try uint(at: position + 28, width: 2)
        let extraLength = try uint(at: position + 30, width: 2)
        let commentLength = try uint(at: position + 32, width: 2)
        var localHeaderOffset = try uint(at: position + 42, width: 4)
        let name = try string(at: position + 46, length: nameLength)
        // ZIP64 extended information (header id 1): the 64-bit values of the fields set to 0xFFFFFFFF,
        // in the order uncompressed size, compressed size, local header offset.
        var extra = position + 46 + nameLength
        let extraEnd = extra + extraLength
        while extra + 4 <= extraEnd {
            let id = try uint(at: extra, width: 2), length = try uint(at: extra + 2, width: 2)
            if id == 1 {
                var field = extra + 4
                if size == 0xFFFF_FFFF { size = try uint(at: field, width: 8); field += 8 }
                if compressedSize == 0xFFFF_FFFF { field += 8 }
                if localHeaderOffset == 0xFFFF_FFFF { localHeaderOffset = try uint(at: field, width: 8) }
            }
            extra += 4 + length
        }
        position = extraEnd + commentLength
        return CentralEntry(name: name, method: method, size: size, localHeaderOffset: localHeaderOffset)
    }

    /// The offset of an entry's contents: after its local header, file name and extra field.
    func localDataStart(headerOffset: Int, name: String) throws -> Int {
        guard try uint(at: headerOffset, width: 4) == 0x0403_4b50 else {
            throw DataIOError.malformed(path: path, reason: "zip local header of '\(name)' has a bad signature (corrupt archive)")
        }
        let nameLength = try uint(at: headerOffset + 26, width: 2)
        let extraLength = try uint(at: headerOffset + 28, width: 2)
        return headerOffset + 30 + nameLength + extraLength
    }
}
