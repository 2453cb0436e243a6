import Foundation

/// A value produced by `RestrictedUnpickler`: plain Python data, plus the few torch objects a
/// checkpoint holds (storages and tensor views), plus inert records of allow-listed classes.
/// Lists and dicts are reference types because pickle memoizes and mutates them in place.
public indirect enum PickleValue {
    case none
    case bool(Bool)
    case int(Int)
    /// A Python int that does not fit in 64 bits, kept as its little-endian two's-complement bytes.
    case bigInt([UInt8])
    case float(Double)
    case string(String)
    case bytes(Data)
    case tuple([PickleValue])
    /// A list (also used for sets and frozensets).
    case list(PickleList)
    /// A dict or `collections.OrderedDict`.
    case dict(PickleDict)
    /// An allow-listed global (a class or rebuild function), not yet applied.
    case global(PickleGlobal)
    case storage(TorchStorage)
    case tensor(TorchTensorView)
    /// An instance of an allow-listed inert data class (e.g. `argparse.Namespace`), recorded, never run.
    case object(PickleObject)
}

/// A mutable pickled list.
public final class PickleList {
    public var items: [PickleValue]
    init(_ items: [PickleValue] = []) { self.items = items }
}

/// A mutable pickled dict that keeps insertion order (like Python dicts).
public final class PickleDict {
    public private(set) var entries: [(key: PickleValue, value: PickleValue)] = []
    private var index: [String: Int] = [:]
    /// Attributes set on the dict object itself by BUILD (e.g. the `_metadata` of a state dict).
    public var attributes: PickleValue = .none

    init() {}

    /// Inserts or replaces `key` (keys of scalar types are de-duplicated like Python's).
    func set(_ key: PickleValue, _ value: PickleValue) {
        if let k = key.hashKey {
            if let i = index[k] { entries[i].value = value; return }
            index[k] = entries.count
        }
        entries.append((key, value))
    }

    /// The value for string key `key`.
    public subscript(key: String) -> PickleValue? {
        index["s" + key].map { entries[$0].value }
    }

    /// The string keys, in insertion order.
    public var stringKeys: [String] {
        entries.compactMap { if case let .string(s) = $0.key { return s } else { return nil } }
    }
}

/// An inert record of an allow-listed class: its name, constructor arguments and BUILD state.
public final class PickleObject {
    public let className: String
    public let arguments: [PickleValue]
    public var state: PickleValue = .none
    init(className: String, arguments: [PickleValue]) {
        self.className = className
        self.arguments = arguments
    }
}

/// One storage of a torch checkpoint: element type and the archive record (`data/<key>`) holding its bytes.
public final class TorchStorage {
    public let key: String
    public let dtype: DType
    init(key: String, dtype: DType) {
        self.key = key
        self.dtype = dtype
    }
}

/// A strided view into a storage, as `torch._utils._rebuild_tensor_v2` describes it (offset and
/// strides in elements).
public struct TorchTensorView {
    public let storage: TorchStorage
    public let offset: Int
    public let shape: [Int]
    public let strides: [Int]
}

/// The globals a pickle may name. Anything else is rejected before it can be used: the interpreter
/// never imports or calls Python code, so these are interpreted by fixed rules, not executed.
public enum PickleGlobal: String, CaseIterable {
    case orderedDict = "collections.OrderedDict"
    case rebuildTensorV2 = "torch._utils._rebuild_tensor_v2"
    case rebuildParameter = "torch._utils._rebuild_parameter"
    case rebuildParameterWithState = "torch._utils._rebuild_parameter_with_state"
    case rebuildFromTypeV2 = "torch._tensor._rebuild_from_type_v2"
    case tensorClass = "torch.Tensor"
    case parameterClass = "torch.nn.parameter.Parameter"
    case torchSize = "torch.Size"
    case floatStorage = "torch.FloatStorage", doubleStorage = "torch.DoubleStorage"
    case halfStorage = "torch.HalfStorage", bfloat16Storage = "torch.BFloat16Storage"
    case longStorage = "torch.LongStorage", intStorage = "torch.IntStorage"
    case shortStorage = "torch.ShortStorage", charStorage = "torch.CharStorage"
    case byteStorage = "torch.ByteStorage", boolStorage = "torch.BoolStorage"
    // Inert data found beside the state dict in training checkpoints (arguments, metrics, log values).
    case namespace = "argparse.Namespace"
    case codecsEncode = "_codecs.encode"
    case numpyScalar = "numpy.core.multiarray.scalar"
    case numpyCoreScalar = "numpy._core.multiarray.scalar"
    case numpyDType = "numpy.dtype"

    /// The element type of a storage class.
    var storageDType: DType? {
        switch self {
        case .floatStorage: return .float32
        case .doubleStorage: return .float64
        case .halfStorage: return .float16
        case .bfloat16Storage: return .bfloat16
        case .longStorage: return .int64
        case .intStorage: return .int32
        case .shortStorage: return .int16
        case .charStorage: return .int8
        case .byteStorage: return .uint8
        case .boolStorage: return .bool
        default: return nil
        }
    }
}

/// A pickle interpreter restricted to what `torch.save` writes for a state dict (protocols 2–4):
/// data opcodes, memo, GLOBAL/STACK_GLOBAL of `PickleGlobal` names only, REDUCE/NEWOBJ/BUILD applied
/// by fixed rules to those globals, and BINPERSID for storages. INST/OBJ/EXT*, out-of-band buffers and
/// every global not on the allow-list are rejected with `DataIOError.unsafeCheckpoint`.
struct RestrictedUnpickler {
    private let bytes: [UInt8]
    private let path: String
    private var position = 0
    private var stack: [PickleValue] = []
    private var marks: [Int] = []
    private var memo: [Int: PickleValue] = [:]
    private var storages: [String: TorchStorage] = [:]

    init(bytes: [UInt8], path: String) {
        self.bytes = bytes
        self.path = path
    }

    /// Runs the pickle to its STOP opcode and returns the top of the stack.
    mutating func load() throws -> PickleValue {
        while true {
            let opcode = try readByte()
            switch opcode {
            case 0x80: _ = try readByte()                                  // PROTO
            case 0x95: _ = try readInt(8)                                  // FRAME
            case 0x2e:                                                     // STOP
                guard let top = stack.popLast() else { throw malformed("STOP with an empty stack") }
                return top
            case 0x28: marks.append(stack.count)                           // MARK
            case 0x30: _ = try pop()                                       // POP
            case 0x31: _ = try popMark()                                   // POP_MARK
            case 0x32: stack.append(try peek())                            // DUP
            // Scalars
            case 0x4e: stack.append(.none)                                 // NONE
            case 0x88: stack.append(.bool(true))                           // NEWTRUE
            case 0x89: stack.append(.bool(false))                          // NEWFALSE
            case 0x4b: stack.append(.int(try readInt(1)))                  // BININT1
            case 0x4d: stack.append(.int(try readInt(2)))                  // BININT2
            case 0x4a: stack.append(.int(Int(Int32(truncatingIfNeeded: try readInt(4)))))  // BININT
            case 0x8a: stack.append(try readLong(length: try readInt(1)))  // LONG1
            case 0x8b: stack.append(try readLong(length: try readInt(4)))  // LONG4
            case 0x49: stack.append(try textInt(try readLine()))           // INT
            case 0x4c:                                                     // LONG (text, trailing "L")
                let text = try readLine()
                stack.append(try textInt(text.hasSuffix("L") ? String(text.dropLast()) : text))
            case 0x47:                                                     // BINFLOAT (big-endian)
                let raw = try readBytes(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                stack.append(.float(Double(bitPattern: raw)))
            case 0x46:                                                     // FLOAT
                guard let value = Double(try readLine()) else { throw malformed("bad FLOAT literal") }
                stack.append(.float(value))
            // Strings and bytes
            case 0x58: stack.append(.string(try readUTF8(try readInt(4))))  // BINUNICODE
            case 0x8c: stack.append(.string(try readUTF8(try readInt(1))))  // SHORT_BINUNICODE
            case 0x8d: stack.append(.string(try readUTF8(try readInt(8))))  // BINUNICODE8
            case 0x56: stack.append(.string(try readLine()))                // UNICODE (raw-unicode-escape; ASCII assumed)
            case 0x55: stack.append(.string(latin1(try readBytes(try readInt(1)))))  // SHORT_BINSTRING
            case 0x54: stack.append(.string(latin1(try readBytes(try readInt(4)))))  // BINSTRING
            case 0x53: stack.append(.string(try quotedString(try readLine())))       // STRING
            case 0x43: stack.append(.bytes(Data(try readBytes(try readInt(1)))))     // SHORT_BINBYTES
            case 0x42: stack.append(.bytes(Data(try readBytes(try readInt(4)))))     // BINBYTES
            case 0x8e: stack.append(.bytes(Data(try readBytes(try readInt(8)))))     // BINBYTES8
            // Containers
            case 0x29: stack.append(.tuple([]))                            // EMPTY_TUPLE
            case 0x85: stack.append(.tuple(try popCount(1)))               // TUPLE1
            case 0x86: stack.append(.tuple(try popCount(2)))               // TUPLE2
            case 0x87: stack.append(.tuple(try popCount(3)))               // TUPLE3
            case 0x74: stack.append(.tuple(try popMark()))                 // TUPLE
            case 0x5d: stack.append(.list(PickleList()))                   // EMPTY_LIST
            case 0x6c: stack.append(.list(PickleList(try popMark())))      // LIST
            case 0x61:                                                     // APPEND
                let item = try pop()
                try appendItems([item])
            case 0x65, 0x90:                                               // APPENDS, ADDITEMS
                let items = try popMark()
                try appendItems(items)
            case 0x8f: stack.append(.list(PickleList()))                   // EMPTY_SET
            case 0x91: stack.append(.list(PickleList(try popMark())))      // FROZENSET
            case 0x7d: stack.append(.dict(PickleDict()))                   // EMPTY_DICT
            case 0x64:                                                     // DICT
                let items = try popMark()
                let dict = PickleDict()
                try setItems(dict, items)
                stack.append(.dict(dict))
            case 0x73:                                                     // SETITEM
                let value = try pop(), key = try pop()
                try setItems(try topDict(), [key, value])
            case 0x75:                                                     // SETITEMS
                let items = try popMark()
                try setItems(try topDict(), items)
            // Memo
            case 0x70: memo[try textIndex(try readLine())] = try peek()    // PUT
            case 0x71: memo[try readInt(1)] = try peek()                   // BINPUT
            case 0x72: memo[try readInt(4)] = try peek()                   // LONG_BINPUT
            case 0x94: memo[memo.count] = try peek()                       // MEMOIZE
            case 0x67: stack.append(try memoValue(try textIndex(try readLine())))  // GET
            case 0x68: stack.append(try memoValue(try readInt(1)))         // BINGET
            case 0x6a: stack.append(try memoValue(try readInt(4)))         // LONG_BINGET
            // Globals and object construction
            case 0x63:                                                     // GLOBAL
                let module = try readLine(), name = try readLine()
                stack.append(.global(try allowedGlobal(module: module, name: name)))
            case 0x93:                                                     // STACK_GLOBAL
                let name = try pop(), module = try pop()
                guard case let .string(m) = module, case let .string(n) = name else {
                    throw malformed("STACK_GLOBAL needs two strings")
                }
                stack.append(.global(try allowedGlobal(module: m, name: n)))
            case 0x52:                                                     // REDUCE
                let arguments = try pop(), callable = try pop()
                stack.append(try apply(callable, arguments))
            case 0x81:                                                     // NEWOBJ
                let arguments = try pop(), cls = try pop()
                stack.append(try apply(cls, arguments))
            case 0x92:                                                     // NEWOBJ_EX
                _ = try pop()
                let arguments = try pop(), cls = try pop()
                stack.append(try apply(cls, arguments))
            case 0x62:                                                     // BUILD
                let state = try pop()
                try build(try peek(), state: state)
            case 0x51:                                                     // BINPERSID
                let id = try pop()
                stack.append(try persistentLoad(id))
            case 0x50:                                                     // PERSID (text ids are not used by torch)
                throw unsafe("text persistent id '\(try readLine())' is not a torch storage reference")
            case 0x69, 0x6f:                                               // INST, OBJ
                throw unsafe("pickle opcode \(opcodeName(opcode)) (arbitrary object construction) is not allowed in a state-dict checkpoint")
            case 0x82, 0x83, 0x84:                                         // EXT1/2/4
                throw unsafe("pickle extension-registry opcodes are not allowed in a state-dict checkpoint")
            default:
                throw malformed("unsupported pickle opcode 0x\(String(opcode, radix: 16)) at byte \(position - 1)")
            }
        }
    }

    // MARK: Globals and their fixed interpretations

    private func allowedGlobal(module: String, name: String) throws -> PickleGlobal {
        let fullName = module + "." + name
        guard let global = PickleGlobal(rawValue: fullName) else {
            throw unsafe("pickle global '\(fullName)' is not on the allow-list of a state-dict checkpoint; refusing to load it (nothing was executed)")
        }
        return global
    }

    private func apply(_ callable: PickleValue, _ arguments: PickleValue) throws -> PickleValue {
        guard case let .global(global) = callable else {
            throw unsafe("pickle calls a non-global object; only allow-listed globals may be applied")
        }
        guard case let .tuple(args) = arguments else { throw malformed("\(global.rawValue) applied to a non-tuple") }
        switch global {
        case .orderedDict:
            let dict = PickleDict()
            if case let .list(pairs)? = args.first {
                for pair in pairs.items {
                    guard case let .tuple(kv) = pair, kv.count == 2 else { throw malformed("OrderedDict item is not a pair") }
                    dict.set(kv[0], kv[1])
                }
            }
            return .dict(dict)
        case .rebuildTensorV2:
            guard args.count >= 4, case let .storage(storage) = args[0], case let .int(offset) = args[1],
                  let shape = intTuple(args[2]), let strides = intTuple(args[3]), shape.count == strides.count else {
                throw malformed("torch._utils._rebuild_tensor_v2 has unexpected arguments")
            }
            return .tensor(TorchTensorView(storage: storage, offset: offset, shape: shape, strides: strides))
        case .rebuildParameter, .rebuildParameterWithState:
            guard case .tensor? = args.first else { throw malformed("\(global.rawValue) without a tensor") }
            return args[0]
        case .rebuildFromTypeV2:
            // (function, type, arguments, state): rebuild with `function`, ignore the Tensor/Parameter type.
            guard args.count >= 3 else { throw malformed("_rebuild_from_type_v2 has too few arguments") }
            if case let .global(type) = args[1], type != .tensorClass, type != .parameterClass {
                throw unsafe("tensor subclass '\(type.rawValue)' is not supported")
            }
            return try apply(args[0], args[2])
        case .torchSize:
            return args.first ?? .tuple([])
        case .codecsEncode:
            // `bytes` pickled by protocol 2: _codecs.encode(text, 'latin1').
            guard case let .string(text)? = args.first else { throw malformed("_codecs.encode without a string") }
            return .bytes(Data(text.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }))
        case .namespace, .numpyScalar, .numpyCoreScalar, .numpyDType:
            return .object(PickleObject(className: global.rawValue, arguments: args))
        default:
            throw unsafe("pickle global '\(global.rawValue)' cannot be called")
        }
    }

    private func build(_ target: PickleValue, state: PickleValue) throws {
        switch target {
        case let .dict(dict): dict.attributes = state
        case let .object(object): object.state = state
        case .tensor: break   // parameter/tensor attribute state carries no data
        default: throw malformed("BUILD on an unsupported object")
        }
    }

    /// `('storage', storage_class, key, location, numel)` → the (shared) storage for `key`.
    private mutating func persistentLoad(_ id: PickleValue) throws -> PickleValue {
        guard case let .tuple(fields) = id, fields.count >= 3, case .string("storage") = fields[0],
              case let .global(storageClass) = fields[1], case let .string(key) = fields[2] else {
            throw unsafe("persistent id is not a torch storage reference")
        }
        guard let dtype = storageClass.storageDType else {
            throw DataIOError.malformed(path: path, reason: "storage class \(storageClass.rawValue) is not a supported element type")
        }
        if let existing = storages[key] { return .storage(existing) }
        let storage = TorchStorage(key: key, dtype: dtype)
        storages[key] = storage
        return .storage(storage)
    }

    // MARK: Stack helpers

    private mutating func pop() throws -> PickleValue {
        guard let value = stack.popLast() else { throw malformed("stack underflow") }
        return value
    }

    private func peek() throws -> PickleValue {
        guard let value = stack.last else { throw malformed("stack underflow") }
        return value
    }

    private mutating func popMark() throws -> [PickleValue] {
        guard let mark = marks.popLast(), mark <= stack.count else { throw malformed("MARK missing") }
        let items = Array(stack[mark...])
        stack.removeSubrange(mark...)
        return items
    }

    private mutating func popCount(_ n: Int) throws -> [PickleValue] {
        guard stack.count >= n else { throw malformed("stack underflow") }
        let items = Array(stack.suffix(n))
        stack.removeLast(n)
        return items
    }

    private func topDict() throws -> PickleDict {
        guard case let .dict(dict)? = stack.last else { throw malformed("SETITEM(S) target is not a dict") }
        return dict
    }

    private func appendItems(_ items: [PickleValue]) throws {
        guard case let .list(list)? = stack.last else { throw malformed("APPEND(S) target is not a list") }
        list.items.append(contentsOf: items)
    }

    private func setItems(_ dict: PickleDict, _ items: [PickleValue]) throws {
        guard items.count % 2 == 0 else { throw malformed("odd number of dict items") }
        for i in stride(from: 0, to: items.count, by: 2) { dict.set(items[i], items[i + 1]) }
    }

    private func memoValue(_ index: Int) throws -> PickleValue {
        guard let value = memo[index] else { throw malformed("memo entry \(index) is missing") }
        return value
    }

    private func intTuple(_ value: PickleValue) -> [Int]? {
        guard case let .tuple(items) = value else { return nil }
        var result: [Int] = []
        for item in items {
            guard case let .int(n) = item else { return nil }
            result.append(n)
        }
        return result
    }

    // MARK: Byte reading

    private mutating func readByte() throws -> UInt8 {
        guard position < bytes.count else { throw malformed("pickle ends before STOP (truncated)") }
        defer { position += 1 }
        return bytes[position]
    }

    private mutating func readBytes(_ n: Int) throws -> ArraySlice<UInt8> {
        guard n >= 0, position + n <= bytes.count else { throw malformed("pickle ends inside an argument (truncated)") }
        defer { position += n }
        return bytes[position..<(position + n)]
    }

    /// An unsigned little-endian integer of `n` bytes.
    private mutating func readInt(_ n: Int) throws -> Int {
        let raw = try readBytes(n)
        var value: UInt64 = 0
        for byte in raw.reversed() { value = value << 8 | UInt64(byte) }
        guard value <= UInt64(Int.max) else { throw malformed("length or index out of range") }
        return Int(value)
    }

    private mutating func readLine() throws -> String {
        guard let end = bytes[position...].firstIndex(of: 0x0a) else { throw malformed("pickle ends inside a text argument") }
        defer { position = end + 1 }
        return String(decoding: bytes[position..<end], as: UTF8.self)
    }

    private mutating func readUTF8(_ n: Int) throws -> String {
        let raw = try readBytes(n)
        guard let text = String(validating: raw, as: UTF8.self) else { throw malformed("invalid UTF-8 string") }
        return text
    }

    private mutating func readLong(length: Int) throws -> PickleValue {
        let raw = Array(try readBytes(length))
        guard !raw.isEmpty else { return .int(0) }
        guard raw.count <= 8 else { return .bigInt(raw) }
        var value: UInt64 = 0
        for byte in raw.reversed() { value = value << 8 | UInt64(byte) }
        let bits = raw.count * 8
        if bits < 64, raw.last! & 0x80 != 0 { value |= ~UInt64(0) << UInt64(bits) }  // sign-extend
        return .int(Int(Int64(bitPattern: value)))
    }

    private func textInt(_ text: String) throws -> PickleValue {
        switch text {
        case "01": return .bool(true)
        case "00": return .bool(false)
        default:
            guard let value = Int(text) else { throw malformed("bad INT literal '\(text)'") }
            return .int(value)
        }
    }

    private func textIndex(_ text: String) throws -> Int {
        guard let value = Int(text) else { throw malformed("bad memo index '\(text)'") }
        return value
    }

    private func latin1(_ raw: ArraySlice<UInt8>) -> String {
        String(String.UnicodeScalarView(raw.map { Unicode.Scalar($0) }))
    }

    private func quotedString(_ line: String) throws -> String {
        guard line.count >= 2, let quote = line.first, quote == "'" || quote == "\"", line.last == quote else {
            throw malformed("bad STRING literal")
        }
        return String(line.dropFirst().dropLast())
    }

    private func opcodeName(_ opcode: UInt8) -> String {
        opcode == 0x69 ? "INST" : "OBJ"
    }

    private func malformed(_ reason: String) -> DataIOError {
        .malformed(path: path, reason: "pickle: \(reason)")
    }

    private func unsafe(_ reason: String) -> DataIOError {
        .unsafeCheckpoint(path: path, reason: reason)
    }
}

extension PickleValue {
    /// A key identifying equal Python scalars (for dict de-duplication); nil for unhashable values.
    var hashKey: String? {
        switch self {
        case let .string(s): return "s" + s
        case let .int(n): return "i\(n)"
        case let .bool(b): return "i\(b ? 1 : 0)"
        case let .float(x): return x == x.rounded() && abs(x) < 1e18 ? "i\(Int(x))" : "f\(x)"
        case .none: return "n"
        case let .tuple(items):
            let keys = items.map(\.hashKey)
            return keys.contains(where: { $0 == nil }) ? nil : "t(" + keys.map { $0! }.joined(separator: ",") + ")"
        default: return nil
        }
    }
}
