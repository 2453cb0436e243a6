import DataIO
import Foundation
import TestSupport
import XCTest

/// Decoding, Pillow-exact bicubic resize and CLIP normalisation against the mPLUG goldens
/// (`image_resized_u8` and `image` in config_A_stride2/inputs.safetensors, made with Pillow + torchvision).
final class ImagePreprocessingTests: XCTestCase {
    private let configA = "model/config_A_stride2/"
    private let resolution = 48

    private func goldenInputs() throws -> [String: RawTensor] {
        try SafeTensors.read(Fixtures.url(configA + "inputs.safetensors"))
    }

    func testResizeIsBitExactToPillow() throws {
        let golden = try XCTUnwrap(try goldenInputs()["image_resized_u8"])
        XCTAssertEqual(golden.shape, [2, resolution, resolution, 3])
        let expected = [UInt8](golden.bytes)
        let plane = resolution * resolution * 3
        for (index, name) in ["image0.png", "image1.png"].enumerated() {
            let image = try ImageDecoder.decode(Fixtures.url(configA + name))
            let resized = BicubicResize.resize(image, width: resolution, height: resolution)
            let reference = Array(expected[(index * plane)..<((index + 1) * plane)])
            let mismatches = zip(resized.pixels, reference).filter { $0 != $1 }.count
            XCTAssertEqual(mismatches, 0, "\(name): \(mismatches) of \(plane) bytes differ from Pillow")
        }
        // image0 is 72x56 (needs both passes); image1 is already RxR (exact copy).
        XCTAssertEqual(try ImageDecoder.decode(Fixtures.url(configA + "image0.png")).width, 72)
    }

    func testClipTensorMatchesTorchvisionWithin1e6() throws {
        let golden = try XCTUnwrap(try goldenInputs()["image"])
        XCTAssertEqual(golden.shape, [2, 3, resolution, resolution])
        let expected = golden.doubles()
        let count = 3 * resolution * resolution
        for (index, name) in ["image0.png", "image1.png"].enumerated() {
            let tensor = try ImagePreprocessing.clipTensor(contentsOf: Fixtures.url(configA + name), resolution: resolution)
            let reference = Array(expected[(index * count)..<((index + 1) * count)])
            XCTAssertLessThanOrEqual(maxAbsDifference(tensor, reference), 1e-6, name)
        }
    }

    func testDecodingErrorsAreClear() throws {
        XCTAssertThrowsError(try ImageDecoder.decode(URL(fileURLWithPath: "/nonexistent/image.png"))) { error in
            guard case DataIOError.unreadable = error else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try ImageDecoder.decode(Data("hello, not an image".utf8), path: "a.jpg")) { error in
            XCTAssertEqual("\(error)", "a.jpg: not a PNG or JPEG image")
        }
        let png = try Fixtures.data(configA + "image0.png")
        XCTAssertThrowsError(try ImageDecoder.decode(png.prefix(png.count / 2), path: "half.png")) { error in
            guard case let DataIOError.malformed(_, reason) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("cannot decode PNG"), reason)
        }
        var corrupt = png
        corrupt[40] ^= 0xFF   // inside IHDR/IDAT: CRC mismatch
        XCTAssertThrowsError(try ImageDecoder.decode(corrupt, path: "corrupt.png"))
        let jpegHeaderOnly = Data([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10])
        XCTAssertThrowsError(try ImageDecoder.decode(jpegHeaderOnly, path: "cut.jpg")) { error in
            XCTAssertTrue("\(error)".contains("cannot decode JPEG"), "\(error)")
        }
    }
}
