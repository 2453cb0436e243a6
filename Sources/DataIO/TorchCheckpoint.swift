import Foundation

/// Reader for PyTorch checkpoints written by `torch.save` (the zip format of torch ≥ 1.6, used by
/// `.pth`, `.pt` and Hugging Face `pytorch_model.bin`): a zip of stored entries `<folder>/data.pkl`
/// (the pickled object), `<folder>/data/<key>` (raw storage bytes) and `<folder>/byteorder`.
///
/// The pickle is run by `RestrictedUnpickler`, which only understands the globals a state dict needs
/// and executes nothing. Tensors are strided views into storages; they are materialized as
/// contiguous row-major `RawTensor`s (tied tensors that share a storage each get their own copy).
public enum TorchCheckpoint {
    /// Reads the state dict of the checkpoint at `url`: the top-level dict if all its values are
    /// tensors, otherwise the tensor dict under `model`, `module` or `state_dict` (as released mPLUG
    /// checkpoints wrap it; other entries such as optimizer state or config are parsed but ignored).
    public static func read(_ url: URL) throws -> [String: RawTensor] {
        let checkpoint = try LoadedCheckpoint(url: url)
        let stateDict = try findStateDict(in: checkpoint.root, path: url.path)
        var tensors: [String: RawTensor] = [:]
        for (key, value) in stateDict.entries {
            guard case let .string(name) = key, case let .tensor(view) = value else { continue }
            tensors[name] = try checkpoint.materialize(view, name: name)
        }
        return tensors
    }

    /// The whole unpickled object of the checkpoint at `url` (tensors as unmaterialized views).
    public static func readObject(_ url: URL) throws -> PickleValue {
        try LoadedCheckpoint(url: url).root
    }

    /// Keys under which training scripts store the model's state dict, tried in this order.
    static let wrapperKeys = ["model", "module", "state_dict"]

    static func findStateDict(in root: PickleValue, path: String, depth: Int = 0) throws -> PickleDict {
        guard case let .dict(dict) = root else {
            throw DataIOError.malformed(path: path, reason: "checkpoint does not hold a dict (a state dict or {'model': state_dict, ...})")
        }
        if isTensorDict(dict) { return dict }
        if depth < 2 {
            for key in wrapperKeys {
                if let inner = dict[key], case .dict = inner {
                    return try findStateDict(in: inner, path: path, depth: depth + 1)
                }
            }
        }
        let keys = dict.stringKeys.prefix(12).joined(separator: ", ")
        throw DataIOError.malformed(path: path, reason: "no state dict found: the checkpoint dict has keys [\(keys)] and none of \(wrapperKeys) holds a dict of tensors")
    }

    private static func isTensorDict(_ dict: PickleDict) -> Bool {
        !dict.entries.isEmpty && dict.entries.allSatisfy {
            if case .string = $0.key, case .tensor = $0.value { return true }
            return false
        }
    }
}

/// An opened checkpoint: the archive, the folder prefix of its records and the unpickled root object.
private struct LoadedCheckpoint {
    let archive: ZipArchive
    let prefix: String
    let bigEndian: Bool
    let root: PickleValue
    let path: String

    init(url: URL) throws {
        path = url.path
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw DataIOError.unreadable(path: path, reason: (error as NSError).localizedDescription)
        }
        if data.count >= 2, data[0] == 0x80, data[1] == 0x02 {
            throw DataIOError.malformed(path: path, reason: "legacy (torch < 1.6) non-zip checkpoint format is not supported; re-save it with a recent torch")
        }
        archive = try ZipArchive(data: data, path: path)
        // The records live in one folder named after the file at save time (often `archive/`).
        guard let pickleName = archive.names.first(where: { $0 == "data.pkl" || $0.hasSuffix("/data.pkl") }) else {
            throw DataIOError.malformed(path: path, reason: "zip has no data.pkl record (not a torch.save checkpoint)")
        }
        prefix = String(pickleName.dropLast("data.pkl".count))
        if let order = try? archive.contents(of: prefix + "byteorder") {
            let text = String(decoding: order, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard text == "little" || text == "big" else {
                throw DataIOError.malformed(path: path, reason: "unknown byteorder record '\(text)'")
            }
            bigEndian = text == "big"
        } else {
            bigEndian = false   // written before the record existed: little-endian
        }
        var unpickler = RestrictedUnpickler(bytes: [UInt8](try archive.contents(of: pickleName)), path: path)
        root = try unpickler.load()
    }

    /// Copies the elements of `view` out of its storage record into a contiguous little-endian tensor.
    func materialize(_ view: TorchTensorView, name: String) throws -> RawTensor {
        let dtype = view.storage.dtype, width = dtype.byteWidth
        let recordName = prefix + "data/" + view.storage.key
        guard let record = archive.entries[recordName] else {
            throw DataIOError.malformed(path: path, reason: "tensor '\(name)': storage record '\(recordName)' is missing")
        }
        let storageCount = record.count / width
        guard view.offset >= 0, view.shape.allSatisfy({ $0 >= 0 }), view.strides.allSatisfy({ $0 >= 0 }) else {
            throw DataIOError.malformed(path: path, reason: "tensor '\(name)': negative offset, size or stride")
        }
        let count = view.shape.reduce(1, *)
        if count == 0 { return RawTensor(dtype: dtype, shape: view.shape, bytes: Data()) }
        let lastIndex = view.offset + zip(view.shape, view.strides).reduce(0) { $0 + ($1.0 - 1) * $1.1 }
        guard lastIndex < storageCount else {
            throw DataIOError.malformed(path: path, reason: "tensor '\(name)' (shape \(view.shape), offset \(view.offset)) reaches past its storage of \(storageCount) elements")
        }
        var bytes: Data
        if isContiguous(shape: view.shape, strides: view.strides) {
            let start = record.lowerBound + view.offset * width
            bytes = archive.data.subdata(in: start..<(start + count * width))
        } else {
            bytes = gather(view, record: record, count: count, width: width)
        }
        if bigEndian && width > 1 { swapBytes(&bytes, width: width) }
        return RawTensor(dtype: dtype, shape: view.shape, bytes: bytes)
    }

    private func isContiguous(shape: [Int], strides: [Int]) -> Bool {
        var expected = 1
        for axis in shape.indices.reversed() where shape[axis] != 1 {
            if strides[axis] != expected { return false }
            expected *= shape[axis]
        }
        return true
    }

    /// Walks the view's indices in row-major order, copying one element at a time.
    private func gather(_ view: TorchTensorView, record: Range<Int>, count: Int, width: Int) -> Data {
        var output = Data(count: count * width)
        let rank = view.shape.count
        archive.data.withUnsafeBytes { (source: UnsafeRawBufferPointer) in
            output.withUnsafeMutableBytes { (target: UnsafeMutableRawBufferPointer) in
                var index = [Int](repeating: 0, count: rank)
                var element = view.offset
                for position in 0..<count {
                    let from = record.lowerBound + element * width
                    target.baseAddress!.advanced(by: position * width)
                        .copyMemory(from: source.baseAddress!.advanced(by: from), byteCount: width)
                    // Advance the multi-index (last axis fastest), keeping `element` in step.
                    var axis = rank - 1
                    while axis >= 0 {
                        index[axis] += 1
                        element += view.strides[axis]
                        if index[axis] < view.shape[axis] { break }
                        element -= view.strides[axis] * view.shape[axis]
                        index[axis] = 0
                        axis -= 1
                    }
                }
            }
        }
        return output
    }

    private func swapBytes(_ bytes: inout Data, width: Int) {
        bytes.withUnsafeMutableBytes { (raw: UnsafeMutableRawBufferPointer) in
            for start in stride(from: 0, to: raw.count, by: width) {
                var low = start, high = start + width - 1
                while low < high { raw.swapAt(low, high); low += 1; high -= 1 }
            }
        }
    }
}
