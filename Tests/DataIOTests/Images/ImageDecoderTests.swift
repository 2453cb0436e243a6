import DataIO
import Foundation
import TestSupport
import XCTest

/// PNG/JPEG decoding against Pillow's `Image.open(f).convert('RGB')` on files in several colour
/// modes (`dataio/images/`, `dataio/image_decode_cases.safetensors`, from `scripts/fixtures/make_image_cases.py`).
final class ImageDecoderTests: XCTestCase {
    private let configA = "model/config_A_stride2/"

    func testDecodingMatchesPillowConvertRGB() throws {
        let expected = try SafeTensors.read(Fixtures.url("dataio/image_decode_cases.safetensors"))
        // `decoded/<file>`: Pillow's output, including 16-bit gray (clipped) and 16-bit RGB (high byte).
        let keys = expected.keys.filter { $0.hasPrefix("decoded/") }.sorted()
        XCTAssertEqual(keys.count, 14)
        for key in keys {
            let name = String(key.split(separator: "/").last!)
            let reference = try XCTUnwrap(expected[key])
            let image = try ImageDecoder.decode(Fixtures.url("dataio/images/" + name))
            XCTAssertEqual([image.height, image.width, 3], reference.shape, name)
            let worst = zip(image.pixels, [UInt8](reference.bytes)).map { abs(Int($0) - Int($1)) }.max() ?? -1
            XCTAssertEqual(worst, 0, "\(name): largest byte difference from Pillow")
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
