import CJPEG
import CPNG
import Foundation

/// Decodes PNG and JPEG files to `RGBImage`, matching what PIL's `Image.open(path).convert('RGB')`
/// yields for the inputs mPLUG evaluation sees: libpng/libjpeg decoding, palette lookup, gray
/// replicated to RGB, alpha dropped (not composited), CMYK converted like Pillow; EXIF orientation
/// is ignored (as PIL does without `ImageOps.exif_transpose`); 16-bit PNGs keep the high byte of each
/// sample, except 16-bit gray without alpha, which Pillow reads as mode `I;16` and clips to 0...255.
public enum ImageDecoder {
    /// Reads and decodes the image at `url`; the format is detected from the file's first bytes.
    public static func decode(_ url: URL) throws -> RGBImage {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw DataIOError.unreadable(path: url.path, reason: (error as NSError).localizedDescription)
        }
        return try decode(data, path: url.path)
    }

    /// Decodes PNG or JPEG bytes (`path` is only used in error messages).
    public static func decode(_ data: Data, path: String) throws -> RGBImage {
        let bytes = [UInt8](data)
        let decoder: (UnsafePointer<UInt8>, Int, UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>,
                      UnsafeMutablePointer<UInt32>, UnsafeMutablePointer<UInt32>, UnsafeMutablePointer<CChar>) -> Int32
        let format: String
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) {
            decoder = cpng_decode_rgb8
            format = "PNG"
        } else if bytes.starts(with: [0xFF, 0xD8, 0xFF]) {
            decoder = cjpeg_decode_rgb8
            format = "JPEG"
        } else {
            throw DataIOError.malformed(path: path, reason: "not a PNG or JPEG image")
        }
        var pixels: UnsafeMutablePointer<UInt8>?
        var width: UInt32 = 0, height: UInt32 = 0
        var message = [CChar](repeating: 0, count: 512)
        let status = bytes.withUnsafeBufferPointer { buffer in
            decoder(buffer.baseAddress!, buffer.count, &pixels, &width, &height, &message)
        }
        guard status == 0, let pixels else {
            let reason = String(decoding: message.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw DataIOError.malformed(path: path, reason: "cannot decode \(format): \(reason.isEmpty ? "unknown error" : reason)")
        }
        defer { free(pixels) }
        let count = Int(width) * Int(height) * RGBImage.channels
        let copy = Array(UnsafeBufferPointer(start: pixels, count: count))
        guard let image = RGBImage(width: Int(width), height: Int(height), pixels: copy) else {
            throw DataIOError.malformed(path: path, reason: "decoded \(format) has an invalid size \(width)x\(height)")
        }
        return image
    }
}
