/// A compact binary container for METEOR's lookup tables, designed to be memory-mapped: a header and a list of
/// 8-byte-aligned sections, each an array of little-endian `Int32` or raw bytes. The writer and reader live here
/// (pure, bytes in and out); `MetricResources` builds the files once and maps them at run time.
///
/// Layout: magic `MTRIDX01` (8 bytes), section count (UInt64), then per section (offset, byte count) as UInt64,
/// then the sections.
public struct MeteorIndexWriter {
    private var sections: [[UInt8]] = []

    public init() {}

    /// Appends a section of `Int32` values; returns its number.
    @discardableResult
    public mutating func add(_ values: [Int32]) -> Int {
        var bytes = [UInt8](repeating: 0, count: values.count * 4)
        bytes.withUnsafeMutableBytes { raw in
            for (i, v) in values.enumerated() { raw.storeBytes(of: v.littleEndian, toByteOffset: i * 4, as: Int32.self) }
        }
        sections.append(bytes)
        return sections.count - 1
    }

    /// Appends a section of raw bytes; returns its number.
    @discardableResult
    public mutating func add(bytes: [UInt8]) -> Int {
        sections.append(bytes)
        return sections.count - 1
    }

    /// Appends a keyed table (four sections, see `MeteorKeyedTable`).
    public mutating func add(_ table: MeteorKeyedTableBuilder) {
        let built = table.build()
        add(bytes: built.keyBytes)
        add(built.keyOffsets)
        add(built.slots)
        add(built.valueOffsets)
        add(built.values)
    }

    /// The file contents.
    public func finish() -> [UInt8] {
        var out: [UInt8] = Array(MeteorIndex.magic.utf8)
        func append64(_ v: Int, to out: inout [UInt8]) { withUnsafeBytes(of: UInt64(v).littleEndian) { out += $0 } }
        append64(sections.count, to: &out)
        var offset = out.count + sections.count * 16
        var directory: [UInt8] = []
        for s in sections {
            offset = (offset + 7) & ~7
            append64(offset, to: &directory)
            append64(s.count, to: &directory)
            offset += s.count
        }
        out += directory
        for s in sections {
            while out.count % 8 != 0 { out.append(0) }
            out += s
        }
        return out
    }
}

/// A read-only view of a `MeteorIndexWriter` file. The memory must stay valid while the view is used:
/// `owner` keeps it alive (a mapping or an array box).
public struct MeteorIndex: @unchecked Sendable {
    static let magic = "MTRIDX01"
    public let bytes: UnsafeRawBufferPointer
    private let owner: AnyObject
    private let directory: [(offset: Int, count: Int)]

    /// Views `bytes`, which `owner` keeps alive. Returns nil if the bytes are not a valid index.
    public init?(bytes: UnsafeRawBufferPointer, owner: AnyObject) {
        guard bytes.count >= 16, Array(bytes[0..<8]) == Array(MeteorIndex.magic.utf8) else { return nil }
        func read64(_ at: Int) -> Int { Int(UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self))) }
        let count = read64(8)
        guard count >= 0, count < 1 << 20, 16 + count * 16 <= bytes.count else { return nil }
        var directory: [(Int, Int)] = []
        for i in 0..<count {
            let offset = read64(16 + i * 16), length = read64(24 + i * 16)
            guard offset % 8 == 0, offset >= 0, length >= 0, offset + length <= bytes.count else { return nil }
            directory.append((offset, length))
        }
        self.bytes = bytes
        self.owner = owner
        self.directory = directory
    }

    /// Builds an in-memory index (tests, small tables).
    public init?(contents: [UInt8]) {
        let box = ByteBox(contents)
        self.init(bytes: UnsafeRawBufferPointer(box.buffer), owner: box)
    }

    public var sectionCount: Int { directory.count }

    func int32s(_ section: Int) -> UnsafeBufferPointer<Int32> {
        let (offset, count) = directory[section]
        let base = bytes.baseAddress.map { ($0 + offset).assumingMemoryBound(to: Int32.self) }
        return UnsafeBufferPointer(start: base, count: count / 4)
    }

    func rawBytes(_ section: Int) -> UnsafeBufferPointer<UInt8> {
        let (offset, count) = directory[section]
        let base = bytes.baseAddress.map { ($0 + offset).assumingMemoryBound(to: UInt8.self) }
        return UnsafeBufferPointer(start: base, count: count)
    }

    /// The keyed table stored in the five sections starting at `first`.
    func keyedTable(at first: Int) -> MeteorKeyedTable? {
        guard first + 5 <= sectionCount else { return nil }
        return MeteorKeyedTable(keyBytes: rawBytes(first), keyOffsets: int32s(first + 1), slots: int32s(first + 2),
                                valueOffsets: int32s(first + 3), values: int32s(first + 4))
    }
}

/// Owns heap bytes for an in-memory `MeteorIndex`.
private final class ByteBox {
    let buffer: UnsafeMutableRawBufferPointer
    init(_ bytes: [UInt8]) {
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 8), alignment: 16)
        bytes.withUnsafeBytes { buffer.copyMemory(from: $0) }
    }
    deinit { buffer.deallocate() }
}

/// A string-keyed table: key `k` (0 ..< count) has the UTF-8 bytes `keyBytes[keyOffsets[k] ..< keyOffsets[k+1]]`
/// and the `Int32` values `values[valueOffsets[k] ..< valueOffsets[k+1]]`. Keys are found through an
/// open-addressing hash table (`slots`, power-of-two size, -1 = empty, FNV-1a hash, linear probing).
struct MeteorKeyedTable {
    let keyBytes: UnsafeBufferPointer<UInt8>
    let keyOffsets: UnsafeBufferPointer<Int32>
    let slots: UnsafeBufferPointer<Int32>
    let valueOffsets: UnsafeBufferPointer<Int32>
    let values: UnsafeBufferPointer<Int32>

    init?(keyBytes: UnsafeBufferPointer<UInt8>, keyOffsets: UnsafeBufferPointer<Int32>, slots: UnsafeBufferPointer<Int32>,
          valueOffsets: UnsafeBufferPointer<Int32>, values: UnsafeBufferPointer<Int32>) {
        guard !keyOffsets.isEmpty, slots.count > 0, slots.count & (slots.count - 1) == 0,
              valueOffsets.count == keyOffsets.count else { return nil }
        self.keyBytes = keyBytes; self.keyOffsets = keyOffsets; self.slots = slots
        self.valueOffsets = valueOffsets; self.values = values
    }

    var count: Int { keyOffsets.count - 1 }

    /// The index of `key`, or nil.
    func index(of key: String) -> Int? {
        var key = key
        return key.withUTF8 { index(ofUTF8: $0) }
    }

    func index(ofUTF8 key: UnsafeBufferPointer<UInt8>) -> Int? {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: fnv1a(key)) & mask
        while true {
            let k = Int(slots[slot])
            if k < 0 { return nil }
            let start = Int(keyOffsets[k]), end = Int(keyOffsets[k + 1])
            if end - start == key.count, memcmpEqual(keyBytes, start, key) { return k }
            slot = (slot + 1) & mask
        }
    }

    func values(at k: Int) -> UnsafeBufferPointer<Int32> {
        UnsafeBufferPointer(rebasing: values[Int(valueOffsets[k])..<Int(valueOffsets[k + 1])])
    }

    private func memcmpEqual(_ blob: UnsafeBufferPointer<UInt8>, _ start: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        for i in 0..<key.count where blob[start + i] != key[i] { return false }
        return true
    }
}

/// FNV-1a, 64 bit.
func fnv1a<C: Collection>(_ bytes: C) -> UInt64 where C.Element == UInt8 {
    var h: UInt64 = 0xcbf29ce484222325
    for b in bytes { h = (h ^ UInt64(b)) &* 0x100000001b3 }
    return h
}

/// Collects the keys and values of a `MeteorKeyedTable` (keys must be unique; key index = insertion order).
public struct MeteorKeyedTableBuilder {
    private var keyBytes: [UInt8] = []
    private var keyOffsets: [Int32] = [0]
    private var valueOffsets: [Int32] = [0]
    private var values: [Int32] = []
    private var hashes: [UInt64] = []

    public init() {}

    public var count: Int { hashes.count }

    /// Adds `key` with `values`; returns its index.
    @discardableResult
    public mutating func append(key: String, values newValues: [Int32] = []) -> Int {
        let utf8 = Array(key.utf8)
        keyBytes += utf8
        keyOffsets.append(Int32(keyBytes.count))
        values += newValues
        valueOffsets.append(Int32(values.count))
        hashes.append(fnv1a(utf8))
        return hashes.count - 1
    }

    func build() -> (keyBytes: [UInt8], keyOffsets: [Int32], slots: [Int32], valueOffsets: [Int32], values: [Int32]) {
        var size = 8
        while size < hashes.count * 2 { size *= 2 }
        var slots = [Int32](repeating: -1, count: size)
        for (k, h) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: h) & (size - 1)
            while slots[slot] >= 0 { slot = (slot + 1) & (size - 1) }
            slots[slot] = Int32(k)
        }
        return (keyBytes, keyOffsets, slots, valueOffsets, values)
    }
}
