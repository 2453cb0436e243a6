import Foundation

/// Splits `0..<count` into contiguous chunks run concurrently (one per active core) when the
/// estimated work `count * costPerItem` is large; small jobs run inline on the caller's thread.
@inline(__always)
public func parallelChunks(count: Int, costPerItem: Int = 1, _ body: (Range<Int>) -> Void) {
    let minimumParallelWork = 1 << 15
    let cores = activeCores
    let chunks = min(cores, count)
    if chunks <= 1 || count * costPerItem < minimumParallelWork {
        body(0..<count)
        return
    }
    DispatchQueue.concurrentPerform(iterations: chunks) { c in
        let lo = count * c / chunks, hi = count * (c + 1) / chunks
        if lo < hi { body(lo..<hi) }
    }
}

/// The active processor count, read once: `ProcessInfo.activeProcessorCount` reads the cgroup
/// files on every call (an `open` + `read` per query), too slow for per-head attention loops.
let activeCores = ProcessInfo.processInfo.activeProcessorCount
