import Foundation

/// The mPLUG / CLIP inference transform: `Resize((R, R), BICUBIC)` → `ToTensor()` →
/// `Normalize(CLIP mean, CLIP std)`.
public enum ImagePreprocessing {
    /// CLIP's per-channel mean (R, G, B), as float32 like torchvision's `Normalize`.
    public static let clipMean: [Float] = [0.48145466, 0.4578275, 0.40821073]
    /// CLIP's per-channel standard deviation (R, G, B).
    public static let clipStd: [Float] = [0.26862954, 0.26130258, 0.27577711]

    /// `image` squashed to `resolution` × `resolution` with Pillow's bicubic filter and normalised:
    /// CHW float32, `3 * resolution * resolution` values, channel c = `(byte / 255 − mean[c]) / std[c]`
    /// computed in float32 as torchvision does. `passOrder` selects the Pillow version to match.
    public static func clipTensor(_ image: RGBImage, resolution: Int,
                                  passOrder: BicubicResize.PassOrder = .horizontalFirst) -> [Float] {
        normalize(BicubicResize.resize(image, width: resolution, height: resolution, passOrder: passOrder))
    }

    /// Reads, decodes and preprocesses the image at `url` (see `clipTensor(_:resolution:passOrder:)`).
    public static func clipTensor(contentsOf url: URL, resolution: Int,
                                  passOrder: BicubicResize.PassOrder = .horizontalFirst) throws -> [Float] {
        clipTensor(try ImageDecoder.decode(url), resolution: resolution, passOrder: passOrder)
    }

    /// `ToTensor` + `Normalize`: HWC bytes → CHW float32 with the CLIP statistics.
    public static func normalize(_ image: RGBImage) -> [Float] {
        let plane = image.width * image.height, channels = RGBImage.channels
        var tensor = [Float](repeating: 0, count: channels * plane)
        for c in 0..<channels {
            let mean = clipMean[c], std = clipStd[c]
            for p in 0..<plane {
                tensor[c * plane + p] = (Float(image.pixels[p * channels + c]) / 255 - mean) / std
            }
        }
        return tensor
    }
}
