import Foundation

/// A process-wide count of the bytes held by live tensors, and its high-water mark.
///
/// `Tensor` registers its storage when it is created and releases it when the last copy goes
/// away (copies share one `StorageLifetime`). Approximation: the count is taken at creation, so
/// in-place growth of `storage` or copy-on-write duplicates are not seen. Used by `mplug-bench`.
public enum TensorMemory {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var live = 0
    nonisolated(unsafe) private static var high = 0

    /// Bytes of tensors currently alive.
    public static var liveBytes: Int { lock.withLock { live } }
    /// The largest `liveBytes` seen since the last `resetHighWater()`.
    public static var highWaterBytes: Int { lock.withLock { high } }
    /// Starts a new high-water period at the current live count.
    public static func resetHighWater() { lock.withLock { high = live } }

    static func allocated(_ bytes: Int) {
        lock.withLock {
            live += bytes
            if live > high { high = live }
        }
    }

    static func released(_ bytes: Int) { lock.withLock { live -= bytes } }
}

/// Holds a tensor's byte count in `TensorMemory` for as long as some copy of the tensor exists.
final class StorageLifetime: Sendable {
    let bytes: Int
    init(bytes: Int) {
        self.bytes = bytes
        TensorMemory.allocated(bytes)
    }
    deinit { TensorMemory.released(bytes) }
}
