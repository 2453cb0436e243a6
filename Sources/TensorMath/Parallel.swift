import COpenBLAS
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

/// Runs `body(task, worker)` for every task in `0..<count` on `workers` threads (the caller's among
/// them), handing tasks out one at a time in increasing order, so a worker slowed down by other
/// load simply takes fewer tasks. `worker ∈ 0..<workers` identifies per-worker scratch space; no
/// two tasks with the same `worker` run at the same time.
///
/// While it runs, OpenBLAS is limited to one thread, so each worker's matrix products
/// (`Gemm.multiply` with more than `Gemm.singleThreadedRowLimit` rows) run single-threaded inside it
/// instead of both workers' products competing for the OpenBLAS threads (the OpenBLAS thread
/// count is process-wide: do not start products from other threads meanwhile).
func parallelTasks(count: Int, workers: Int, _ body: (_ task: Int, _ worker: Int) -> Void) {
    let workers = max(1, min(workers, count))
    if workers == 1 {
        for task in 0..<count { body(task, 0) }
        return
    }
    let next = TaskCounter()
    let restoredThreads = Gemm.configuredThreads
    openblas_set_num_threads(1)
    defer { openblas_set_num_threads(restoredThreads) }
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
        while let task = next.take(below: count) { body(task, worker) }
    }
}

/// A shared "next task" index.
private final class TaskCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    func take(below count: Int) -> Int? {
        lock.withLock {
            guard next < count else { return nil }
            next += 1
            return next - 1
        }
    }
}

/// The active processor count, read once: `ProcessInfo.activeProcessorCount` reads the cgroup
/// files on every call (an `open` + `read` per query), too slow for per-head attention loops.
let activeCores = ProcessInfo.processInfo.activeProcessorCount
