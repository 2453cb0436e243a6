import COpenBLAS
import Foundation
import Synchronization

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
    concurrentParts(chunks) { c in
        let lo = count * c / chunks, hi = count * (c + 1) / chunks
        if lo < hi { body(lo..<hi) }
    }
}

/// Runs `body(part)` for every part in `0..<parts` concurrently and returns when all are done.
/// Two parts (a 2-core machine) go to `PartnerThread` — the caller runs part 0, a long-lived
/// partner thread part 1 — which costs about a microsecond where `DispatchQueue.concurrentPerform`
/// costs tens (waking a parked worker); a decoding step splits about a hundred short products this
/// way. Otherwise, or when the partner is busy (a nested or concurrent call), `concurrentPerform`.
@inline(__always)
public func concurrentParts(_ parts: Int, _ body: (Int) -> Void) {
    if parts == 2, PartnerThread.shared.run(body) { return }
    DispatchQueue.concurrentPerform(iterations: parts, execute: body)
}

/// A thread that takes part 1 of two-part jobs (`concurrentParts`). Between jobs it spins for
/// `spinIterations` atomic loads (about 0.1 ms), so back-to-back jobs start at once, then sleeps
/// on a semaphore until the next job. A caller waiting for part 1 spins as long, then yields.
final class PartnerThread: @unchecked Sendable {
    static let shared = PartnerThread()
    private static let spinIterations = 50_000

    /// Jobs posted / finished so far; a job is pending while `finished < posted`.
    private let posted = Atomic<Int>(0)
    private let finished = Atomic<Int>(0)
    /// Held by the caller of a job from posting to completion (one job at a time).
    private let busy = Atomic<Bool>(false)
    private let sleeping = Atomic<Bool>(false)
    private let wake = DispatchSemaphore(value: 0)
    /// The current job's body; written before `posted` is incremented, read after.
    private var job: ((Int) -> Void)?

    private init() {
        let thread = Thread { [unowned self] in self.serve() }
        thread.name = "mplug-partner"
        thread.start()
    }

    /// Runs `body(0)` here and `body(1)` on the partner; false (nothing run) when the partner is busy.
    func run(_ body: (Int) -> Void) -> Bool {
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return false }
        withoutActuallyEscaping(body) { body in
            job = body
            let ticket = posted.add(1, ordering: .sequentiallyConsistent).newValue
            if sleeping.load(ordering: .sequentiallyConsistent) { wake.signal() }
            body(0)
            // Spin briefly, then yield the core: if other load has descheduled the partner, spinning
            // would only keep it from running.
            var spins = 0
            while finished.load(ordering: .acquiring) != ticket {
                spins += 1
                if spins > Self.spinIterations { sched_yield() }
            }
            job = nil
        }
        busy.store(false, ordering: .releasing)
        return true
    }

    private func serve() {
        var done = 0
        while true {
            var spins = 0
            while posted.load(ordering: .acquiring) == done {
                spins += 1
                if spins < Self.spinIterations { continue }
                // Announce the sleep, then re-check: a job posted meanwhile is either seen here or
                // sees `sleeping` and signals (a surplus signal only causes one extra loop).
                sleeping.store(true, ordering: .sequentiallyConsistent)
                if posted.load(ordering: .sequentiallyConsistent) == done { wake.wait() }
                sleeping.store(false, ordering: .sequentiallyConsistent)
                spins = 0
            }
            done += 1
            job!(1)
            finished.store(done, ordering: .releasing)
        }
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

/// `transform` applied to every element of `items`, the elements spread over the cores through
/// `parallelTasks` (so each one's matrix products run on one OpenBLAS thread): for a few large
/// independent products, e.g. one projection per layer (many small items: `Metrics.concurrentMap`,
/// which hands out chunks). `workPerItem` (e.g. multiply-adds) below 2²² in total runs the items
/// in order on the calling thread, where the hand-off would cost more than it saves. Results are
/// in the order of `items`.
public func parallelTasksMap<Item, Result>(_ items: [Item], workPerItem: Int,
                                           _ transform: (Item) -> Result) -> [Result] {
    if items.count * workPerItem < 1 << 22 { return items.map(transform) }
    var results = [Result?](repeating: nil, count: items.count)
    results.withUnsafeMutableBufferPointer { slots in
        let slots = slots   // each task writes only its own slot
        parallelTasks(count: items.count, workers: activeCores) { task, _ in slots[task] = transform(items[task]) }
    }
    return results.map { $0! }
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
