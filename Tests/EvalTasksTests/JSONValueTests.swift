import XCTest
import Foundation
import EvalTasks

final class JSONValueTests: XCTestCase {
    private func parse(_ text: String) throws -> JSONValue { try JSONValue.parse(Data(text.utf8), name: "t.json") }

    func testNumbersAreExactAndIntegersStayIntegers() throws {
        // Shortest round-trip strings of doubles that a non-correctly-rounded parser gets wrong.
        let texts = ["0.44234979152679443", "-2.0740411281585693", "53.456666666666585", "5e-324", "1e+20", "-0.0"]
        let value = try parse("[" + texts.joined(separator: ",") + "]")
        XCTAssertEqual(value, .array(texts.map { .double(Double($0)!) }))
        XCTAssertEqual(try parse("[9000000000, -3, 1.0, 1e2]"), .array([.int(9_000_000_000), .int(-3), .double(1), .double(100)]))
        XCTAssertEqual(try parse("[1.0]").arrayValue?.first?.int64Value, 1)
        XCTAssertTrue(try parse("NaN").doubleValue!.isNaN)
        XCTAssertEqual(try parse("[true, null, -Infinity]"), .array([.bool(true), .null, .double(-.infinity)]))
    }

    func testStringsKeepCodePointsAndEscapes() throws {
        let value = try parse(#"{"a": "e\u0301 \ud83d\udc36 \n\t\"\\/", "a": "last"}"#)
        XCTAssertEqual(value["a"], .string("last"))   // Python's json keeps the last duplicate key
        let text = try XCTUnwrap(try parse(#""e\u0301 \ud83d\udc36 \n""#).stringValue)
        XCTAssertEqual(Array(text.unicodeScalars), Array("e\u{301} 🐶 \n".unicodeScalars))
    }

    func testMalformedInputNamesTheFileAndPosition() {
        for (text, reason) in [("{\"a\": [1, 2}", "line 1, column 12: expected ']'"), ("[01]", "leading zero"),
                               ("[1,]", "unexpected character ']'"), ("\"\\ud800\"", "unpaired surrogate"),
                               ("{\"a\": 1}\n x", "line 2, column 2: unexpected data"), ("", "unexpected end of file")] {
            XCTAssertThrowsError(try parse(text)) { error in
                XCTAssertTrue("\(error)".hasPrefix("t.json: malformed JSON"), "\(error)")
                XCTAssertTrue("\(error)".contains(reason), "\(text): \(error)")
            }
        }
    }

    func testEncodingIsSortedAndRoundTrips() throws {
        let value = JSONValue.object(["b": .double(0.1), "a": .array([.int(1), .double(1e20), .string("é")])])
        let text = String(decoding: value.encoded(), as: UTF8.self)
        XCTAssertLessThan(try XCTUnwrap(text.range(of: "\"a\"")).lowerBound, try XCTUnwrap(text.range(of: "\"b\"")).lowerBound)
        XCTAssertEqual(try JSONValue.parse(value.encoded(), name: "x"), value)
    }
}
