import Foundation

/// Reader for the safetensors format: an 8-byte little-endian header length, a JSON header
/// `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}}`, then the data.
/// The file is memory-mapped; tensors are returned as `RawTensor`s whose bytes reference it.
public enum SafeTensors {
    /// Reads every tensor in the file at `url`, keyed by name.
    public static func read(_ url: URL) throws -> [String: RawTensor] {
        let path = url.path
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw DataIOError.unreadable(path: path, reason: (error as NSError).localizedDescription)
        }
        guard data.count >= 8 else { throw DataIOError.malformed(path: path, reason: "too short for a safetensors header") }
        let headerLength = data.withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self))) }
        guard headerLength > 0, 8 + headerLength <= data.count else {
            throw DataIOError.malformed(path: path, reason: "header length \(headerLength) exceeds the file size \(data.count)")
        }
        let headerData = data.subdata(in: 8..<(8 + headerLength))
        guard let header = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any] else {
            throw DataIOError.malformed(path: path, reason: "safetensors header is not a JSON object")
        }
        let base = 8 + headerLength
        var tensors: [String: RawTensor] = [:]
        for (name, value) in header where name != "__metadata__" {
            guard let entry = value as? [String: Any],
                  let dtypeName = entry["dtype"] as? String,
                  let shape = entry["shape"] as? [Int],
                  let offsets = entry["data_offsets"] as? [Int], offsets.count == 2 else {
                throw DataIOError.malformed(path: path, reason: "tensor '\(name)' has an invalid header entry")
            }
            guard let dtype = DType(rawValue: dtypeName) else {
                throw DataIOError.malformed(path: path, reason: "tensor '\(name)' has unsupported dtype \(dtypeName)")
            }
            let begin = base + offsets[0], end = base + offsets[1]
            let expected = shape.reduce(1, *) * dtype.byteWidth
            guard begin <= end, end <= data.count, end - begin == expected else {
                throw DataIOError.malformed(path: path, reason: "tensor '\(name)' has data offsets \(offsets) that do not fit shape \(shape) \(dtypeName)")
            }
            tensors[name] = RawTensor(dtype: dtype, shape: shape, bytes: data.subdata(in: begin..<end))
        }
        return tensors
    }
}
