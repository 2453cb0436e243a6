import DataIO
import Foundation
import XCTest

/// Image ids from file names and the image lister behind `mplug-eval caption --images DIR`.
final class ImageDirectoryTests: XCTestCase {
    func testImageIDIsTheTrailingNumberOfTheStem() {
        XCTAssertEqual(ImageID(fileName: "COCO_val2014_000000391895.jpg"), .number(391895))
        XCTAssertEqual(ImageID(fileName: "/data/coco/val2014/COCO_val2014_000000000042.jpg"), .number(42))
        XCTAssertEqual(ImageID(fileName: "17.jpg"), .number(17))
        XCTAssertEqual(ImageID(fileName: "0.png"), .number(0))
        XCTAssertEqual(ImageID(fileName: "dog_on_beach.jpeg"), .name("dog_on_beach"))
        XCTAssertEqual(ImageID(fileName: "img7a.png"), .name("img7a"))
        XCTAssertEqual(ImageID(fileName: "frame.v2.png"), .number(2))
        XCTAssertEqual(ImageID(fileName: "x99999999999999999999999.jpg"), .name("x99999999999999999999999"))
        XCTAssertEqual(ImageID(fileName: "COCO_val2014_000000391895.jpg").description, "391895")
    }

    func testListingIsSortedAndFiltered() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("images-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in ["b.png", "a.JPG", "10.jpeg", "2.jpg", "notes.txt", ".hidden.jpg", "c.gif"] {
            try Data([0]).write(to: directory.appendingPathComponent(name))
        }
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("sub.jpg"), withIntermediateDirectories: false)
        let listed = try ImageDirectory.list(directory).map(\.lastPathComponent)
        XCTAssertEqual(listed, ["10.jpeg", "2.jpg", "a.JPG", "b.png"])
        XCTAssertThrowsError(try ImageDirectory.list(directory.appendingPathComponent("missing"))) { error in
            guard case DataIOError.unreadable = error else { return XCTFail("\(error)") }
        }
    }
}
