import XCTest
import Foundation
import DataIO
import TestSupport

final class NpyTests: XCTestCase {
    /// `.npy` bytes with the given header dict text, version and payload, built as numpy writes them
    /// (header padded with spaces and ending in `\n` so the data starts on a 64-byte boundary).
    private func npy(_ dict: String, version: UInt8 = 1, payload: Data) -> Data {
        let prefixLength = version == 1 ? 10 : 12
        var header = dict
        while (prefixLength + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var data = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, version, 0])
        let length = header.utf8.count
        if version == 1 {
            data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        } else {
            data.append(contentsOf: (0..<4).map { UInt8((length >> (8 * $0)) & 0xFF) })
        }
        data.append(contentsOf: header.utf8)
        data.append(payload)
        return data
    }

    private func bytes<T>(_ values: [T]) -> Data { values.withUnsafeBytes { Data($0) } }

    func testGoldenFloat32MatrixEqualsItsInlineCopy() throws {
        let tensor = try Npy.read(Fixtures.url("retrieval/tiny_hand/score_i2t.npy"))
        // JSONDecoder parses doubles exactly (Linux JSONSerialization may be off by an ulp).
        struct Inline: Decodable { var score_i2t: [[Double]] }
        let inline = try JSONDecoder().decode(Inline.self, from: Fixtures.data("retrieval/tiny_hand/inputs.json")).score_i2t
        XCTAssertEqual(tensor.dtype, .float32)
        XCTAssertEqual(tensor.shape, [3, 6])
        // The inline values are the float32 scores printed as doubles: the conversion is exact.
        XCTAssertEqual(tensor.doubles(), inline.flatMap { $0 })
    }

    /// The writer reproduces numpy's `np.save` bytes of a golden float32 matrix, and round-trips.
    func testFloat32WriterEqualsNumpyBytes() throws {
        let url = Fixtures.url("retrieval/tiny_hand/score_i2t.npy")
        let tensor = try Npy.read(url)
        XCTAssertEqual(Npy.float32Data(tensor.floats(), shape: tensor.shape), try Data(contentsOf: url))
        let vector: [Float] = [1.5, -100, .pi]
        let parsed = try Npy.parse(Npy.float32Data(vector, shape: [3]))
        XCTAssertEqual(parsed.shape, [3])
        XCTAssertEqual(parsed.floats(), vector)
    }

    func testEveryGoldenMatrixHasTheDocumentedShapeAndType() throws {
        for name in ["albef_topk_fill", "all_equal", "basic_5caps", "float64_large", "ties_quantized", "tiny_hand", "variable_caps"] {
            let inputs = try XCTUnwrap(Fixtures.json("retrieval/\(name)/inputs.json") as? [String: Any])
            for (file, shapeKey) in [("score_i2t.npy", "shape_i2t"), ("score_t2i.npy", "shape_t2i")] {
                let tensor = try Npy.read(Fixtures.url("retrieval/\(name)/\(file)"))
                XCTAssertEqual(tensor.shape, inputs[shapeKey] as? [Int], "\(name)/\(file)")
                XCTAssertEqual(tensor.dtype, inputs["dtype"] as? String == "float64" ? .float64 : .float32, "\(name)/\(file)")
                XCTAssertFalse(tensor.doubles().contains { $0.isNaN }, "\(name)/\(file)")
            }
        }
    }

    func testVersionsAndTypes() throws {
        let f8 = try Npy.parse(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", version: 2,
                                   payload: bytes([1.5, -2.25])))
        XCTAssertEqual(f8.dtype, .float64)
        XCTAssertEqual(f8.shape, [2])
        XCTAssertEqual(f8.doubles(), [1.5, -2.25])

        let i8 = try Npy.parse(npy("{'shape': (1, 3), 'fortran_order': False, 'descr': '<i8'}", version: 3,
                                   payload: bytes([Int64(-7), 0, 9_000_000_000])))
        XCTAssertEqual(i8.int64s(), [-7, 0, 9_000_000_000])
        XCTAssertEqual(i8.shape, [1, 3])

        let u1 = try Npy.parse(npy("{'descr': '|u1', 'fortran_order': False, 'shape': (), }", payload: Data([200])))
        XCTAssertEqual(u1.shape, [])
        XCTAssertEqual(u1.int64s(), [200])

        let empty = try Npy.parse(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 4), }", payload: Data()))
        XCTAssertEqual(empty.shape, [0, 4])
        XCTAssertEqual(empty.count, 0)
    }

    func testUnsupportedLayoutsAreRejectedWithAClearError() {
        func message(_ data: Data) -> String {
            do {
                _ = try Npy.parse(data, path: "x.npy")
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        let four = bytes([Float(1), 2, 3, 4])
        XCTAssertTrue(message(npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", payload: four))
            .contains("Fortran-order"))
        XCTAssertTrue(message(npy("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 2), }", payload: four))
            .contains("big-endian"))
        XCTAssertTrue(message(npy("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", payload: four))
            .contains("object arrays"))
        XCTAssertTrue(message(npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", payload: four))
            .contains("structured"))
        XCTAssertTrue(message(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }", payload: four))
            .contains("needs 24 data bytes"))
        XCTAssertTrue(message(Data("not numpy at all".utf8)).contains("magic"))
        XCTAssertTrue(message(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", version: 9, payload: four))
            .contains("version 9"))
    }

    func testMissingFileIsUnreadable() {
        XCTAssertThrowsError(try Npy.read(URL(fileURLWithPath: "/nonexistent/scores.npy"))) { error in
            guard case .unreadable(let path, _)? = error as? DataIOError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, "/nonexistent/scores.npy")
        }
    }
}
