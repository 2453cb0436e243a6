import DataIO
import Foundation
import TestSupport
import XCTest

/// The full CLIP transform against the mPLUG golden `image` (config_A_stride2/inputs.safetensors,
/// made with Pillow + torchvision).
final class ImagePreprocessingTests: XCTestCase {
    private let configA = "model/config_A_stride2/"
    private let resolution = 48

    private func goldenInputs() throws -> [String: RawTensor] {
        try SafeTensors.read(Fixtures.url(configA + "inputs.safetensors"))
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
}
