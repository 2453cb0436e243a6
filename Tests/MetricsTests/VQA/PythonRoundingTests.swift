import XCTest
import Foundation
import Metrics

/// `pythonRound` must equal Python 3's `round(x, n)`: the exact binary value rounded half-to-even.
final class PythonRoundingTests: XCTestCase {
    func testKnownPythonValues() {
        // Values printed by CPython 3.11.
        XCTAssertEqual(pythonRound(2.675, decimalPlaces: 2), 2.67)
        XCTAssertEqual(pythonRound(0.125, decimalPlaces: 2), 0.12)
        XCTAssertEqual(pythonRound(0.375, decimalPlaces: 2), 0.38)
        XCTAssertEqual(pythonRound(1.005, decimalPlaces: 2), 1.0)
        XCTAssertEqual(pythonRound(-0.125, decimalPlaces: 2), -0.12)
        XCTAssertEqual(pythonRound(2.5, decimalPlaces: 0), 2.0)
        XCTAssertEqual(pythonRound(3.5, decimalPlaces: 0), 4.0)
        XCTAssertEqual(pythonRound(100 * (2.0 / 3.0), decimalPlaces: 2), 66.67)
        XCTAssertEqual(pythonRound(53.456666666666585, decimalPlaces: 2), 53.46)
        XCTAssertEqual(pythonRound(1e300, decimalPlaces: 2), 1e300)
        XCTAssertEqual(pythonRound(Double.leastNonzeroMagnitude, decimalPlaces: 2), 0)
        XCTAssertTrue(pythonRound(-0.001, decimalPlaces: 2).sign == .minus)
    }

    /// glibc's `printf("%.*f")` rounds the exact binary value half-to-even too, and `strtod` is
    /// correctly rounded, so it is an independent oracle for random doubles of every magnitude.
    func testAgreesWithCorrectlyRoundedPrintfOnRandomDoubles() {
        var generator = SeededGenerator(seed: 0x5EED)
        for _ in 0..<20_000 {
            let places = Int.random(in: 0...6, using: &generator)
            let magnitude = pow(10.0, Double.random(in: -8...17, using: &generator))
            var x = Double.random(in: -1...1, using: &generator) * magnitude
            // Make a fair share of exact binary ties: k / 2^j.
            if Bool.random(using: &generator) { x = Double(Int.random(in: -4000...4000, using: &generator)) / 8 }
            let oracle = Double(String(format: "%.\(places)f", x))!
            XCTAssertEqual(pythonRound(x, decimalPlaces: places), oracle, "round(\(x), \(places))")
        }
    }
}
