import DataIO
import Foundation
import XCTest

/// The image lister behind `mplug-eval caption --images DIR`.
final class ImageDirectoryTests: XCTestCase {
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
