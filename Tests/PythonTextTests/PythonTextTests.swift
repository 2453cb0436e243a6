import PythonText
import XCTest

/// Expected values are what CPython 3.11 prints for the same expressions (shown in each comment).
final class PythonTextTests: XCTestCase {
    private func scalars(_ text: String) -> [Unicode.Scalar] { PythonText.codePoints(of: text) }

    func testSplitUsesPythonWhitespaceNotZeroWidthSpace() {
        // '\u3000a\u00a0b\x1cc\u200bd '.split() == ['a', 'b', 'c\u200bd']
        XCTAssertEqual(PythonText.split("\u{3000}a\u{00A0}b\u{1C}c\u{200B}d "), ["a", "b", "c\u{200B}d"])
        XCTAssertEqual(PythonText.split(" \t\n "), [])
    }

    func testStripWithAndWithoutACharacter() {
        // '  x y \n'.strip(' ') == 'x y \n';  '  x y \n'.strip() == 'x y'
        XCTAssertEqual(PythonText.strip("  x y \n", only: " "), "x y \n")
        XCTAssertEqual(PythonText.strip("  x y \n"), "x y")
        XCTAssertEqual(PythonText.strip("\u{2028}\u{85}"), "")
        XCTAssertEqual(PythonText.string(from: PythonText.strip(scalars("\u{A0}é\u{A0}"))), "é")
    }

    func testLowerAppliesFinalSigmaAndFullMappings() {
        // 'ΟΔΟΣ Σ aΣ. ΣΑ'.lower() == 'οδος σ aς. σα'
        XCTAssertEqual(PythonText.string(from: PythonText.lower(scalars("ΟΔΟΣ Σ aΣ. ΣΑ"))), "οδος σ aς. σα")
        // 'İ'.lower() is two code points: 'i' + U+0307
        XCTAssertEqual(PythonText.lower(scalars("İ")), ["i", "\u{307}"])
    }

    func testContainsComparesCodePointsNotCanonicalEquivalence() {
        // 'e\u0301' in 'café' (precomposed é) is False in Python
        XCTAssertFalse(PythonText.contains(scalars("caf\u{E9}"), scalars("e\u{301}")))
        XCTAssertTrue(PythonText.contains(scalars("a, b"), scalars(", ")))
        XCTAssertTrue(PythonText.contains(scalars("abc"), []))
    }

    func testDecimalDigitsIncludeOtherScripts() {
        // '٣'.isdecimal() (ARABIC-INDIC DIGIT THREE) is True; '²'.isdecimal() is False
        XCTAssertTrue(PythonText.isDecimalDigit("\u{663}"))
        XCTAssertFalse(PythonText.isDecimalDigit("\u{B2}"))
        XCTAssertTrue(PythonText.isDecimalDigit("7"))
    }
}
