import XCTest
import TensorMath
@testable import MPLUGModel

/// The decoder's preallocated K/V cache against plain concatenation and row gathering.
final class KeyValueCacheTests: XCTestCase {
    func testAppendGrowAndSelectRowsEqualConcatenation() {
        var rng = SeededGenerator(seed: 77)
        let rows = 3, width = 4
        var cache = KeyValueCache(rows: rows, width: width, capacity: 2)
        var reference = [[Float]](repeating: [], count: rows)     // per row: positions × width
        for step in 0..<5 {
            let n = step == 0 ? 3 : 1                              // a prompt, then one token per step
            let qkv = rng.normalTensor([rows, n, 3 * width], std: 1)
            cache.append(qkv, fromColumn: width)
            for r in 0..<rows { for t in 0..<n {
                reference[r] += (0..<width).map { qkv.storage[(r * n + t) * 3 * width + width + $0] }
            } }
            let parents = step % 2 == 0 ? [2, 0, 0] : [0, 1, 2]
            cache.selectRows(parents)
            reference = parents.map { reference[$0] }
            let block = cache.block(column: 0)
            XCTAssertEqual(block.length, reference[0].count / width)
            for r in 0..<rows {
                let start = r * block.tensor.shape[1] * width
                XCTAssertEqual(Array(block.tensor.storage[start..<(start + reference[r].count)]), reference[r], "step \(step) row \(r)")
            }
        }
        XCTAssertGreaterThanOrEqual(cache.capacity, 7)
    }
}
