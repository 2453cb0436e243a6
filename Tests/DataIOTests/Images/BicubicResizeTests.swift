import DataIO
import Foundation
import TestSupport
import XCTest

/// Pillow-exact bicubic resize: the mPLUG golden `image_resized_u8`, Pillow 12.3 and 13.0 outputs on
/// seeded random images (`dataio/image_resize_pillow*.safetensors`, from
/// `scripts/fixtures/make_image_cases.py`), and a
/// float64 re-derivation of the filter on fresh random images.
final class BicubicResizeTests: XCTestCase {
    private let configA = "model/config_A_stride2/"
    private let resolution = 48

    func testResizeIsBitExactToPillow() throws {
        let golden = try XCTUnwrap(try SafeTensors.read(Fixtures.url(configA + "inputs.safetensors"))["image_resized_u8"])
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

    func testResizeIsBitExactToPillow12OnSeveralSizes() throws {
        try checkPillowCases("dataio/image_resize_pillow12.safetensors", passOrder: .horizontalFirst)
    }

    func testResizeIsBitExactToPillow13OnSeveralSizes() throws {
        try checkPillowCases("dataio/image_resize_pillow13.safetensors", passOrder: .pillow13)
    }

    private func checkPillowCases(_ fixture: String, passOrder: BicubicResize.PassOrder) throws {
        let cases = try SafeTensors.read(Fixtures.url(fixture))
        var checked = 0
        for index in 0... {
            guard let input = cases["resize\(index)/input"], let output = cases["resize\(index)/output"] else { break }
            let image = try XCTUnwrap(RGBImage(width: input.shape[1], height: input.shape[0], pixels: [UInt8](input.bytes)))
            let resized = BicubicResize.resize(image, width: output.shape[1], height: output.shape[0], passOrder: passOrder)
            let mismatches = zip(resized.pixels, [UInt8](output.bytes)).filter { $0 != $1 }.count
            XCTAssertEqual(resized.pixels.count, output.bytes.count)
            XCTAssertEqual(mismatches, 0, "case \(index): \(input.shape) -> \(output.shape)")
            checked += 1
        }
        XCTAssertEqual(checked, 9)
    }

    /// The same filter computed in float64 (normalised weights, no fixed point), rounding each pass
    /// to the nearest byte: the fixed-point port may differ from it by at most 1 and rarely at all.
    func testResizeAgreesWithFloat64Filter() throws {
        var generator = SplitMix64(seed: 0x5EED_1234)
        var total = 0, differing = 0
        for (inW, inH, outW, outH) in [(97, 61, 48, 48), (40, 90, 120, 45), (384, 300, 336, 336), (9, 9, 31, 2)] {
            let pixels = (0..<(inW * inH * 3)).map { _ in UInt8(truncatingIfNeeded: generator.next() >> 56) }
            let image = try XCTUnwrap(RGBImage(width: inW, height: inH, pixels: pixels))
            let actual = BicubicResize.resize(image, width: outW, height: outH).pixels
            var reference = pixels.map(Double.init)
            if outW != inW { reference = float64Pass(reference, lines: inH, inSize: inW, outSize: outW, horizontal: true) }
            if outH != inH { reference = float64Pass(reference, lines: outW, inSize: inH, outSize: outH, horizontal: false) }
            for (a, r) in zip(actual, reference) {
                XCTAssertLessThanOrEqual(abs(Double(a) - r), 1)
                if Double(a) != r { differing += 1 }
            }
            total += actual.count
        }
        XCTAssertLessThan(Double(differing) / Double(total), 0.01, "\(differing) of \(total) bytes differ by 1")
    }

    /// One float64 pass of the antialiased cubic filter (a = -0.5) over `lines` rows (horizontal) or
    /// columns (vertical) of a 3-channel image, rounded half up and clipped to [0, 255].
    private func float64Pass(_ input: [Double], lines: Int, inSize: Int, outSize: Int, horizontal: Bool) -> [Double] {
        func kernel(_ t: Double) -> Double {
            let x = abs(t)
            if x < 1 { return 1.5 * x * x * x - 2.5 * x * x + 1 }
            if x < 2 { return -0.5 * x * x * x + 2.5 * x * x - 4 * x + 2 }
            return 0
        }
        let scale = Double(inSize) / Double(outSize), stretch = max(scale, 1)
        var output = [Double](repeating: 0, count: lines * outSize * 3)
        for o in 0..<outSize {
            let center = (Double(o) + 0.5) * scale
            let lo = max(Int(center - 2 * stretch + 0.5), 0), hi = min(Int(center + 2 * stretch + 0.5), inSize)
            let raw = (lo..<hi).map { kernel((Double($0) + 0.5 - center) / stretch) }
            let sum = raw.reduce(0, +)
            for line in 0..<lines {
                for c in 0..<3 {
                    var value = 0.0
                    for (i, w) in zip(lo..<hi, raw) {
                        let at = horizontal ? (line * inSize + i) * 3 + c : (i * lines + line) * 3 + c
                        value += w / sum * input[at]
                    }
                    let target = horizontal ? (line * outSize + o) * 3 + c : (o * lines + line) * 3 + c
                    output[target] = min(max((value + 0.5).rounded(.down), 0), 255)
                }
            }
        }
        return output
    }
}

/// A seeded 64-bit generator (SplitMix64) for reproducible random images.
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
