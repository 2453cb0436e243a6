import EvalTasks
import XCTest

/// Image ids from file names, as `mplug-eval caption --images DIR` writes them.
final class ImageIDTests: XCTestCase {
    func testImageIDIsTheTrailingNumberOfTheStem() {
        XCTAssertEqual(ImageID(fileName: "COCO_val2014_000000391895.jpg"), .int(391895))
        XCTAssertEqual(ImageID(fileName: "/data/coco/val2014/COCO_val2014_000000000042.jpg"), .int(42))
        XCTAssertEqual(ImageID(fileName: "17.jpg"), .int(17))
        XCTAssertEqual(ImageID(fileName: "0.png"), .int(0))
        XCTAssertEqual(ImageID(fileName: "dog_on_beach.jpeg"), .string("dog_on_beach"))
        XCTAssertEqual(ImageID(fileName: "img7a.png"), .string("img7a"))
        XCTAssertEqual(ImageID(fileName: "frame.v2.png"), .int(2))
        XCTAssertEqual(ImageID(fileName: "x99999999999999999999999.jpg"), .string("x99999999999999999999999"))
        XCTAssertEqual(ImageID(fileName: "COCO_val2014_000000391895.jpg").description, "391895")
    }
}
