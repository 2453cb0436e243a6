/// An 8-bit RGB image stored row-major as height × width × 3 bytes (HWC, like a PIL `RGB` image
/// converted with `numpy.asarray`).
public struct RGBImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// `height * width * 3` bytes: pixel (x, y) channel c is at `(y * width + x) * 3 + c`.
    public var pixels: [UInt8]

    public static let channels = 3

    /// Wraps `pixels` (HWC); returns nil if the count does not match the size.
    public init?(width: Int, height: Int, pixels: [UInt8]) {
        guard width > 0, height > 0, pixels.count == width * height * Self.channels else { return nil }
        self.width = width
        self.height = height
        self.pixels = pixels
    }
}
