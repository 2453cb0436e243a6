import DataIO
import Foundation
import TestSupport
import XCTest

/// `.pth` reading: the official-format fixture against its safetensors twin, a wrapped training
/// checkpoint written by `scripts/fixtures/make_wrapped_checkpoint.py`, and hostile or broken files
/// built here byte by byte.
final class TorchCheckpointTests: XCTestCase {
    private let configA = "model/config_A_stride2/"

    func testFixtureCheckpointEqualsSafetensorsTensorForTensor() throws {
        let fromPickle = try TorchCheckpoint.read(Fixtures.url(configA + "weights.pth"))
        let fromSafetensors = try SafeTensors.read(Fixtures.url(configA + "weights.safetensors"))
        XCTAssertEqual(Set(fromPickle.keys), Set(fromSafetensors.keys))
        XCTAssertGreaterThan(fromPickle.count, 100)
        for (name, expected) in fromSafetensors {
            let actual = try XCTUnwrap(fromPickle[name], name)
            XCTAssertEqual(actual.dtype, expected.dtype, name)
            XCTAssertEqual(actual.shape, expected.shape, name)
            XCTAssertEqual(actual.bytes, expected.bytes, name)
        }
        // Tied in the checkpoint (one storage), two equal tensors here.
        XCTAssertEqual(fromPickle["text_decoder.cls.predictions.decoder.weight"]?.bytes,
                       fromPickle["text_decoder.bert.embeddings.word_embeddings.weight"]?.bytes)
        XCTAssertEqual(fromPickle["fusion_encoder.embeddings.position_ids"]?.int64s(), (0..<64).map(Int64.init))
    }

    func testStateDictLoadDispatchesOnExtension() throws {
        let pth = try StateDict.load(Fixtures.url(configA + "weights.pth"))
        let safetensors = try StateDict.load(Fixtures.url(configA + "weights.safetensors"))
        XCTAssertEqual(pth["temp"]?.floats(), safetensors["temp"]?.floats())
        XCTAssertThrowsError(try StateDict.load(Fixtures.url(configA + "vocab.txt"))) { error in
            XCTAssertTrue("\(error)".contains("unknown checkpoint extension"), "\(error)")
        }
    }

    func testWrappedTrainingCheckpointYieldsTheModelStateDict() throws {
        let url = Fixtures.url("dataio/wrapped_checkpoint.pth")
        let expected = try XCTUnwrap(Fixtures.json("dataio/wrapped_checkpoint.expected.json") as? [String: [String: Any]])
        let tensors = try StateDict.load(url)
        XCTAssertEqual(Set(tensors.keys), Set(expected.keys))
        for (name, entry) in expected {
            let tensor = try XCTUnwrap(tensors[name], name)
            XCTAssertEqual(tensor.dtype.rawValue, entry["dtype"] as? String, name)
            XCTAssertEqual(tensor.shape, entry["shape"] as? [Int], name)
            let values = try XCTUnwrap(entry["values"] as? [NSNumber], name).map(\.doubleValue)
            // Exact: float16/bfloat16 fixture values are representable, float32/64 compare exactly.
            XCTAssertEqual(tensor.doubles(), values.map { tensor.dtype == .float32 ? Double(Float($0)) : $0 }, name)
        }
        // The non-model entries were parsed as inert data.
        guard case let .dict(root) = try TorchCheckpoint.readObject(url) else { return XCTFail("root is not a dict") }
        guard case .int(3)? = root["epoch"] else { return XCTFail("epoch") }
        guard case let .object(args)? = root["args"] else { return XCTFail("args") }
        XCTAssertEqual(args.className, "argparse.Namespace")
        guard case let .bytes(note)? = root["note"] else { return XCTFail("note") }
        XCTAssertEqual(String(decoding: note, as: UTF8.self), "bytes are pickled through _codecs.encode")
    }

    func testMaliciousGlobalIsRejectedWithoutRunningIt() throws {
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("pwned-\(UUID().uuidString)")
        // GLOBAL 'os system' + REDUCE ("touch <marker>",): what a hostile pickle looks like.
        let pickle = Pickle().raw([0x80, 0x02]).global("os", "system").string("touch \(marker.path)").raw([0x85, 0x52, 0x2e])
        let url = try writeCheckpoint(pickle: pickle.bytes)
        XCTAssertThrowsError(try TorchCheckpoint.read(url)) { error in
            guard case let DataIOError.unsafeCheckpoint(_, reason) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("'os.system'"), reason)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker.path))

        // The same through STACK_GLOBAL (protocol 4), and the INST opcode.
        let stackGlobal = Pickle().raw([0x80, 0x04]).string("builtins").string("eval").raw([0x93]).string("1").raw([0x85, 0x52, 0x2e])
        XCTAssertThrowsError(try TorchCheckpoint.read(try writeCheckpoint(pickle: stackGlobal.bytes))) { error in
            XCTAssertTrue("\(error)".contains("'builtins.eval'"), "\(error)")
        }
        let inst = Array("(S'ls'\nios\nsystem\n.".utf8)
        XCTAssertThrowsError(try TorchCheckpoint.read(try writeCheckpoint(pickle: inst))) { error in
            guard case DataIOError.unsafeCheckpoint = error else { return XCTFail("\(error)") }
        }
    }

    func testTruncatedCorruptAndMissingFilesGiveClearErrors() throws {
        let original = try Fixtures.data(configA + "weights.pth")
        let truncated = try temporaryFile(Data(original.prefix(original.count / 2)), extension: "pth")
        XCTAssertThrowsError(try TorchCheckpoint.read(truncated)) { error in
            guard case let DataIOError.malformed(_, reason) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("end-of-central-directory"), reason)
        }
        // Break the first central-directory entry's signature.
        var corrupt = original
        let directoryOffset = corrupt.withUnsafeBytes { raw -> Int in
            let eocd = corrupt.count - 22
            return Int(raw.loadUnaligned(fromByteOffset: eocd + 16, as: UInt32.self))
        }
        corrupt[directoryOffset] = 0
        XCTAssertThrowsError(try TorchCheckpoint.read(try temporaryFile(corrupt, extension: "pth"))) { error in
            XCTAssertTrue("\(error)".contains("central directory entry"), "\(error)")
        }
        let text = try temporaryFile(Data("not a checkpoint at all, just some text".utf8), extension: "pth")
        XCTAssertThrowsError(try TorchCheckpoint.read(text)) { error in
            guard case DataIOError.malformed = error else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try TorchCheckpoint.read(URL(fileURLWithPath: "/nonexistent/model.pth"))) { error in
            guard case DataIOError.unreadable = error else { return XCTFail("\(error)") }
        }
        // A truncated pickle inside an intact zip.
        let pickle = Pickle().raw([0x80, 0x02, 0x7d, 0x28]).string("a")
        XCTAssertThrowsError(try TorchCheckpoint.read(try writeCheckpoint(pickle: pickle.bytes))) { error in
            XCTAssertTrue("\(error)".contains("truncated"), "\(error)")
        }
    }

    func testBigEndianStoragesCustomFolderNameAndZip64() throws {
        // {'w': _rebuild_tensor_v2(storage '0' FloatStorage, offset 1, (2,), (1,), False, {})}
        let pickle = Pickle().raw([0x80, 0x02, 0x7d, 0x28]).string("w").global("torch._utils", "_rebuild_tensor_v2")
            .raw([0x28, 0x28]).string("storage").global("torch", "FloatStorage").string("0").string("cpu")
            .raw([0x4b, 3, 0x74, 0x51, 0x4b, 1, 0x4b, 2, 0x85, 0x4b, 1, 0x85, 0x89, 0x7d, 0x74, 0x52, 0x75, 0x2e])
        let values: [Float] = [9, -1.5, 2.25]
        let storage = values.flatMap { value -> [UInt8] in
            withUnsafeBytes(of: value.bitPattern.bigEndian) { Array($0) }
        }
        let records = [("my_model/byteorder", Array("big".utf8)), ("my_model/data/0", storage)]
        for zip64 in [false, true] {
            let url = try writeCheckpoint(pickle: pickle.bytes, folder: "my_model", extra: records, zip64: zip64)
            let tensors = try TorchCheckpoint.read(url)
            XCTAssertEqual(tensors["w"]?.shape, [2], "zip64: \(zip64)")
            XCTAssertEqual(tensors["w"]?.floats(), [-1.5, 2.25], "zip64: \(zip64)")
        }
    }

    // MARK: Helpers

    private func temporaryFile(_ data: Data, extension ext: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("dataio-\(UUID().uuidString).\(ext)")
        try data.write(to: url)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// A torch-style checkpoint: `<folder>/data.pkl` plus `extra` records, in a stored zip.
    private func writeCheckpoint(pickle: [UInt8], folder: String = "archive",
                                 extra: [(String, [UInt8])] = [], zip64: Bool = false) throws -> URL {
        try temporaryFile(storedZip([(folder + "/data.pkl", pickle)] + extra, zip64: zip64), extension: "pth")
    }
}

/// Builds pickle bytes opcode by opcode.
private struct Pickle {
    var bytes: [UInt8] = []

    func raw(_ values: [UInt8]) -> Pickle {
        Pickle(bytes: bytes + values)
    }

    /// GLOBAL: `c<module>\n<name>\n`.
    func global(_ module: String, _ name: String) -> Pickle {
        raw([0x63] + Array("\(module)\n\(name)\n".utf8))
    }

    /// BINUNICODE: `X` + 4-byte little-endian length + UTF-8.
    func string(_ text: String) -> Pickle {
        let utf8 = Array(text.utf8)
        return raw([0x58] + littleEndian(utf8.count, width: 4) + utf8)
    }
}

private func littleEndian(_ value: Int, width: Int) -> [UInt8] {
    (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
}

/// A zip archive with stored (uncompressed) entries and zero CRCs (the reader does not check them).
/// With `zip64`, sizes, offsets and counts go through the ZIP64 extra field and end records, as
/// torch writes archives over 4 GiB.
private func storedZip(_ entries: [(String, [UInt8])], zip64: Bool = false) -> Data {
    var body: [UInt8] = [], directory: [UInt8] = []
    let mask32 = 0xFFFF_FFFF
    for (name, contents) in entries {
        let nameBytes = Array(name.utf8), offset = body.count
        let sizes = littleEndian(0, width: 4) + littleEndian(contents.count, width: 4) + littleEndian(contents.count, width: 4)
        body += littleEndian(0x0403_4b50, width: 4) + littleEndian(20, width: 2) + [0, 0, 0, 0, 0, 0, 0, 0]
            + sizes + littleEndian(nameBytes.count, width: 2) + [0, 0] + nameBytes + contents
        let extra = zip64 ? littleEndian(1, width: 2) + littleEndian(24, width: 2) + littleEndian(contents.count, width: 8)
            + littleEndian(contents.count, width: 8) + littleEndian(offset, width: 8) : []
        let centralSizes = zip64 ? littleEndian(0, width: 4) + littleEndian(mask32, width: 4) + littleEndian(mask32, width: 4) : sizes
        directory += littleEndian(0x0201_4b50, width: 4) + littleEndian(45, width: 2) + littleEndian(45, width: 2)
            + [0, 0, 0, 0, 0, 0, 0, 0] + centralSizes + littleEndian(nameBytes.count, width: 2)
            + littleEndian(extra.count, width: 2) + [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
            + littleEndian(zip64 ? mask32 : offset, width: 4) + nameBytes + extra
    }
    var end: [UInt8] = []
    if zip64 {
        let record = body.count + directory.count
        end += littleEndian(0x0606_4b50, width: 4) + littleEndian(44, width: 8) + littleEndian(45, width: 2)
            + littleEndian(45, width: 2) + [0, 0, 0, 0, 0, 0, 0, 0] + littleEndian(entries.count, width: 8)
            + littleEndian(entries.count, width: 8) + littleEndian(directory.count, width: 8) + littleEndian(body.count, width: 8)
        end += littleEndian(0x0706_4b50, width: 4) + [0, 0, 0, 0] + littleEndian(record, width: 8) + littleEndian(1, width: 4)
    }
    end += littleEndian(0x0605_4b50, width: 4) + [0, 0, 0, 0] + littleEndian(zip64 ? 0xFFFF : entries.count, width: 2)
        + littleEndian(zip64 ? 0xFFFF : entries.count, width: 2) + littleEndian(directory.count, width: 4)
        + littleEndian(zip64 ? mask32 : body.count, width: 4) + [0, 0]
    return Data(body + directory + end)
}
