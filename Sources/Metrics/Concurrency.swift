import Dispatch

// Parallel loops of the metrics, over all cores (`DispatchQueue.concurrentPerform`). Work is split
// into fixed chunks, so results never depend on the number of threads.

/// Runs `body` on consecutive ranges (chunks of `chunkSize`) covering `0..<count`, concurrently.
func concurrentChunks(_ count: Int, chunkSize: Int = 256, _ body: (Range<Int>) -> Void) {
    let chunkCount = (count + chunkSize - 1) / chunkSize
    DispatchQueue.concurrentPerform(iterations: chunkCount) { c in
        body((c * chunkSize)..<min(count, (c + 1) * chunkSize))
    }
}

/// `values.map(transform)`, computed in concurrent chunks; the result is in order.
public func concurrentMap<T, R>(_ values: [T], _ transform: (T) -> R) -> [R] {
    let chunkSize = 256
    return concurrentResults((values.count + chunkSize - 1) / chunkSize) { c in
        values[(c * chunkSize)..<min(values.count, (c + 1) * chunkSize)].map(transform)
    }.flatMap { $0 }
}

/// `(0..<count).map(body)`, computed on all cores; the result is in order.
public func concurrentResults<R>(_ count: Int, _ body: (Int) -> R) -> [R] {
    var results = [R?](repeating: nil, count: count)
    results.withUnsafeMutableBufferPointer { out in
        let out = out
        DispatchQueue.concurrentPerform(iterations: count) { out[$0] = body($0) }
    }
    return results.map { $0! }
}
