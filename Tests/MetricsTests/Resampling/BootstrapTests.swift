import XCTest
@testable import Metrics

/// A synthetic system: per-item scores whose corpus value is their mean (like VQA accuracy).
private struct MeanScores: ResamplableScores {
    var values: [Double]
    var itemIDs: [String]
    var itemCount: Int { values.count }

    init(values: [Double]) {
        self.values = values
        itemIDs = values.indices.map { "item\($0)" }
    }

    func corpusScores(over indices: [Int]) -> [String: Double] {
        let sum = indices.reduce(0.0) { $0 + values[$1] }
        return ["accuracy": sum / Double(indices.count)]
    }
}

final class BootstrapTests: XCTestCase {
    private func randomScores(count: Int, mean: Double, seed: UInt64) -> [Double] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in mean + Double.random(in: -0.5...0.5, using: &generator) }
    }

    func testIntervalsAreDeterministicAndContainThePointEstimate() {
        let scores = MeanScores(values: randomScores(count: 400, mean: 0.6, seed: 7))
        let first = Bootstrap.intervals(for: scores, replicates: 500, seed: 42)
        let second = Bootstrap.intervals(for: scores, replicates: 500, seed: 42)
        XCTAssertEqual(first, second)
        let point = scores.corpusScores(over: Array(0..<scores.itemCount))["accuracy"]!
        let interval = first["accuracy"]!
        XCTAssertTrue(interval.contains(point), "\(interval) should contain \(point)")
        // The standard error of a mean of U(-0.5, 0.5) noise over 400 items is 0.2887/20 ≈ 0.0144,
        // so a 95% interval is about ±0.028 wide on each side.
        XCTAssertEqual(interval.upper - interval.lower, 2 * 1.96 * 0.2887 / 20, accuracy: 0.012)
        let otherSeed = Bootstrap.intervals(for: scores, replicates: 500, seed: 43)
        XCTAssertNotEqual(otherSeed, first)
    }

    func testPercentileInterpolatesLikeNumpy() {
        let sorted = [1.0, 2.0, 3.0, 4.0]
        XCTAssertEqual(Bootstrap.percentile(sorted, 0.5), 2.5)
        XCTAssertEqual(Bootstrap.percentile(sorted, 0.025), 1.075, accuracy: 1e-12)
        XCTAssertEqual(Bootstrap.percentile(sorted, 1.0), 4.0)
    }

    func testPairedComparisonFindsAPlantedDifference() throws {
        let base = randomScores(count: 300, mean: 0.5, seed: 1)
        let better = base.map { $0 + 0.05 + 0.02 * sin($0 * 50) }
        let result = try PairedComparison.compare(baseline: MeanScores(values: base),
                                                  current: MeanScores(values: better),
                                                  replicates: 1000, seed: 3)
        XCTAssertEqual(result.count, 1)
        XCTAssertEqual(result[0].delta, 0.05, accuracy: 0.01)
        XCTAssertLessThan(result[0].pValue, 0.01)
        XCTAssertGreaterThan(result[0].interval.lower, 0)
    }

    func testPairedComparisonFindsNoDifferenceBetweenResamplesOfOneSystem() throws {
        // Two noisy "runs" of the same system: per-item scores drawn from the same distribution.
        let truth = randomScores(count: 300, mean: 0.5, seed: 11)
        var generator = SeededGenerator(seed: 12)
        let runA = truth.map { $0 + Double.random(in: -0.1...0.1, using: &generator) }
        let runB = truth.map { $0 + Double.random(in: -0.1...0.1, using: &generator) }
        let result = try PairedComparison.compare(baseline: MeanScores(values: runA),
                                                  current: MeanScores(values: runB),
                                                  replicates: 1000, seed: 3)
        XCTAssertGreaterThan(result[0].pValue, 0.05)
        XCTAssertTrue(result[0].interval.contains(0))
    }

    func testPairedComparisonRejectsDifferentItemSets() {
        let a = MeanScores(values: [0.1, 0.2, 0.3])
        var b = MeanScores(values: [0.1, 0.2, 0.3])
        b.itemIDs[2] = "other"
        XCTAssertThrowsError(try PairedComparison.compare(baseline: a, current: b, replicates: 10, seed: 1))
    }
}
