/// Pillow's 8-bit `Image.resize(size, Image.BICUBIC)` (libImaging `Resample.c`), bit-exact.
///
/// Separable convolution with the cubic kernel (a = −0.5), antialiased when downscaling (the kernel
/// is stretched by the scale factor, support 2·max(scale, 1)); horizontal pass first, each pass
/// rounding to uint8. Weights are normalised in double precision, then converted to fixed point
/// with 22 fractional bits (`trunc(w·2²² ± 0.5)`); a pixel is `clip((2²¹ + Σ k·in) >> 22, 0, 255)`.
/// An axis whose size does not change is copied exactly.
public enum BicubicResize {
    /// Which of the two passes runs first. The order changes the uint8 rounding in between, so
    /// results differ by ±1 in places between Pillow versions.
    public enum PassOrder: Sendable {
        /// Always horizontal first: Pillow up to 12.x (the official mPLUG environment and the goldens).
        case horizontalFirst
        /// Pillow 13: vertical first when the height shrinks by more than twice as many pixels as
        /// the width (`inH − outH > 0` and `inH − outH > 2·(inW − outW)`), otherwise horizontal first.
        case pillow13
    }

    /// Fractional bits of the fixed-point weights (Pillow: 32 − 8 − 2).
    static let precisionBits = 22

    /// `image` resized to `width` × `height` (not aspect-preserving).
    public static func resize(_ image: RGBImage, width: Int, height: Int,
                              passOrder: PassOrder = .horizontalFirst) -> RGBImage {
        precondition(width > 0 && height > 0, "resize target must be positive")
        let heightShrink = image.height - height, widthShrink = image.width - width
        let verticalFirst = passOrder == .pillow13 && heightShrink > 0 && heightShrink > 2 * widthShrink
        var pixels = image.pixels
        var current = (width: image.width, height: image.height)
        for horizontal in verticalFirst ? [false, true] : [true, false] {
            if horizontal && width != current.width {
                pixels = horizontalPass(pixels, width: current.width, height: current.height, outWidth: width)
                current.width = width
            } else if !horizontal && height != current.height {
                pixels = verticalPass(pixels, width: current.width, height: current.height, outHeight: height)
                current.height = height
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)!
    }

    /// Fixed-point filter taps for each output index along one axis.
    struct Taps {
        /// First input index used by output `i`.
        var start: [Int]
        /// Number of input indices used by output `i`.
        var count: [Int]
        /// Weights of output `i` at `i * stride ..< i * stride + count[i]`.
        var weights: [Int]
        var stride: Int
    }

    /// Pillow's cubic kernel with a = −0.5, evaluated in the same operation order.
    static func cubic(_ t: Double) -> Double {
        let a = -0.5, x = abs(t)
        if x < 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
        if x < 2 { return (((x - 5) * x + 8) * x - 4) * a }
        return 0
    }

    static func taps(inSize: Int, outSize: Int) -> Taps {
        let scale = Double(inSize) / Double(outSize)
        let filterScale = max(scale, 1)
        let support = 2 * filterScale
        let stride = Int(support.rounded(.up)) * 2 + 1
        var taps = Taps(start: [], count: [], weights: [Int](repeating: 0, count: outSize * stride), stride: stride)
        var window = [Double](repeating: 0, count: stride)
        for output in 0..<outSize {
            let center = (Double(output) + 0.5) * scale
            let first = max(Int(center - support + 0.5), 0)
            let count = min(Int(center + support + 0.5), inSize) - first
            var total = 0.0
            for i in 0..<count {
                window[i] = cubic((Double(i + first) - center + 0.5) / filterScale)
                total += window[i]
            }
            for i in 0..<count {
                let w = total != 0 ? window[i] / total : window[i]
                let fixed = w * Double(1 << precisionBits)
                taps.weights[output * stride + i] = Int(w < 0 ? fixed - 0.5 : fixed + 0.5)
            }
            taps.start.append(first)
            taps.count.append(count)
        }
        return taps
    }

    /// Rounds a fixed-point sum (already offset by one half) to a clipped byte.
    @inline(__always) static func clipToByte(_ sum: Int) -> UInt8 {
        if sum <= 0 { return 0 }
        let value = sum >> precisionBits
        return value > 255 ? 255 : UInt8(value)
    }

    static func horizontalPass(_ pixels: [UInt8], width: Int, height: Int, outWidth: Int) -> [UInt8] {
        let taps = taps(inSize: width, outSize: outWidth)
        let channels = RGBImage.channels, half = 1 << (precisionBits - 1)
        var output = [UInt8](repeating: 0, count: outWidth * height * channels)
        for y in 0..<height {
            let row = y * width * channels
            for x in 0..<outWidth {
                let first = taps.start[x], base = x * taps.stride
                for c in 0..<channels {
                    var sum = half
                    for i in 0..<taps.count[x] {
                        sum += Int(pixels[row + (first + i) * channels + c]) * taps.weights[base + i]
                    }
                    output[(y * outWidth + x) * channels + c] = clipToByte(sum)
                }
            }
        }
        return output
    }

    static func verticalPass(_ pixels: [UInt8], width: Int, height: Int, outHeight: Int) -> [UInt8] {
        let taps = taps(inSize: height, outSize: outHeight)
        let rowLength = width * RGBImage.channels, half = 1 << (precisionBits - 1)
        var output = [UInt8](repeating: 0, count: outHeight * rowLength)
        for y in 0..<outHeight {
            let first = taps.start[y], base = y * taps.stride
            for offset in 0..<rowLength {
                var sum = half
                for i in 0..<taps.count[y] {
                    sum += Int(pixels[(first + i) * rowLength + offset]) * taps.weights[base + i]
                }
                output[y * rowLength + offset] = clipToByte(sum)
            }
        }
        return output
    }
}
