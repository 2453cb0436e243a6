import Foundation
import XCTest
@testable import TensorMath

final class ParallelTests: XCTestCase {
    /// Every part runs exactly once: back-to-back two-part jobs (the partner thread spinning),
    /// jobs after a pause (the partner asleep), nested jobs (the partner busy: fallback) and jobs
    /// posted from several threads at once.
    func testConcurrentPartsRunsEveryPartExactlyOnce() {
        let counts = Counts(size: 8)
        for round in 0..<2000 {
            if round == 1000 { Thread.sleep(forTimeInterval: 0.05) }
            concurrentParts(2) { part in counts.add(part) }
        }
        XCTAssertEqual(counts.values, [2000, 2000, 0, 0, 0, 0, 0, 0])

        let nested = Counts(size: 8)
        concurrentParts(2) { outer in
            concurrentParts(2) { inner in nested.add(2 * outer + inner) }
        }
        XCTAssertEqual(nested.values, [1, 1, 1, 1, 0, 0, 0, 0])

        let shared = Counts(size: 8)
        DispatchQueue.concurrentPerform(iterations: 4) { caller in
            for _ in 0..<500 { concurrentParts(2) { part in shared.add(2 * caller + part) } }
        }
        XCTAssertEqual(shared.values, Array(repeating: 500, count: 8))

        let three = Counts(size: 8)
        concurrentParts(3) { part in three.add(part) }
        XCTAssertEqual(three.values, [1, 1, 1, 0, 0, 0, 0, 0])
    }

    func testParallelTasksMapKeepsTheOrderOfItsItems() {
        let items = Array(0..<37)
        for work in [1, 1 << 22] {   // inline, and through parallelTasks
            XCTAssertEqual(parallelTasksMap(items, workPerItem: work) { $0 * $0 + 1 }, items.map { $0 * $0 + 1 })
            XCTAssertEqual(parallelTasksMap([Int](), workPerItem: work) { $0 }, [])
        }
    }
}

/// Per-index counters safe to bump from several threads.
private final class Counts: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Int]
    init(size: Int) { storage = Array(repeating: 0, count: size) }
    func add(_ index: Int) { lock.withLock { storage[index] += 1 } }
    var values: [Int] { lock.withLock { storage } }
}
