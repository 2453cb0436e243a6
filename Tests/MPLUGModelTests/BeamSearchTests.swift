import Foundation
import XCTest
import TensorMath
@testable import MPLUGModel

/// The official beam-search bookkeeping (ARCHITECTURE.md §8) on a hand-computed toy model whose
/// next-token distribution depends only on the last token. Tokens: 0 = start, 2 = end; alpha 0
/// (no length penalty) so scores are plain log-probability sums. Tolerance 1e-5.
final class BeamSearchTests: XCTestCase {
    struct ToyModel: NextTokenLogits {
        /// last token → probabilities of tokens 0...3
        let table: [Int: [Float]]
        var calls: [[[Int]]] = []
        mutating func logits(sequences: [[Int]], parents: [Int]?, examples: [Int]) throws -> Tensor {
            calls.append(sequences)
            return Tensor(shape: [sequences.count, 4], storage: sequences.flatMap { seq in
                table[seq.last!]!.map { $0 > 0 ? logf($0) : -1000 }
            })
        }
    }

    private func settings(beam: Int, min: Int, max: Int, out: Int) -> GenerationSettings {
        var s = GenerationSettings(beamSize: beam, minLength: min, maxLength: max, outSize: out)
        s.alpha = 0; s.startToken = 0; s.endToken = 2
        return s
    }

    func testFinishedNonTopBeamIsRecordedAndKeptAlive() throws {
        var model = ToyModel(table: [0: [0, 0.5, 0.3, 0.2], 1: [0, 0, 0.1, 0.9], 2: [0, 0, 0.4, 0.6], 3: [0, 0.7, 0.3, 0]])
        let result = try beamSearch(examples: 1, settings: settings(beam: 2, min: 0, max: 3, out: 3), model: &model)[0]
        // Step 0: [0,1] (log .5) and [0,2] (log .3, ends, not top → recorded, stays alive).
        // Step 1: [0,2] is extended past the end token: alive [0,1,3] (log .45) and [0,2,3] (log .18).
        XCTAssertEqual(model.calls[1], [[0, 1], [0, 2]])
        XCTAssertEqual(model.calls[2], [[0, 1, 3], [0, 2, 3]])
        // Step 2 (last): both beams finish: [0,1,3,1] (log .315), [0,1,3,2] (log .135).
        XCTAssertEqual(result.map(\.ids), [[0, 1, 3, 1], [0, 2], [0, 1, 3, 2]])
        for (h, p) in zip(result, [0.315, 0.3, 0.135]) { XCTAssertEqual(Double(h.score), log(p), accuracy: 1e-5) }
    }

    func testExampleEndsWhenTopBeamEndsAndMinLengthBlocksTheEnd() throws {
        let table: [Int: [Float]] = [0: [0, 0.2, 0.6, 0.2], 1: [0, 0, 1, 0], 3: [0, 0, 1, 0], 2: [0, 0, 1, 0]]
        // min 0: the top beam ends at step 0, so every beam counts as finished at once.
        var model = ToyModel(table: table)
        var result = try beamSearch(examples: 1, settings: settings(beam: 2, min: 0, max: 5, out: 2), model: &model)[0]
        XCTAssertEqual(model.calls.count, 1)
        XCTAssertEqual(result.map(\.ids), [[0, 2], [0, 1]])
        // min 1: the end token gets −1e20 at step 0; ties (tokens 1 and 3) go to the lower id.
        model = ToyModel(table: table)
        result = try beamSearch(examples: 1, settings: settings(beam: 2, min: 1, max: 5, out: 1), model: &model)[0]
        XCTAssertEqual(model.calls[1], [[0, 1], [0, 3]])
        XCTAssertEqual(result.map(\.ids), [[0, 1, 2]])
        XCTAssertEqual(Double(result[0].score), log(0.2), accuracy: 1e-5)
    }

    /// The one-pass top-k with per-row probability cutoffs equals a stable sort of every candidate
    /// `(log p + running) / penalty` (score descending, flat index ascending), including ties
    /// (probabilities on a coarse grid), a row with running score −inf and the blocked end token.
    func testBestCandidatesEqualAFullSortOfEveryCandidate() {
        var rng = SeededGenerator(seed: 5)
        for trial in 0..<200 {
            let beam = Int.random(in: 1...5, using: &rng), vocab = Int.random(in: 5...300, using: &rng)
            let probabilities = Tensor(shape: [beam + 1, vocab], storage: (0..<((beam + 1) * vocab)).map { _ in
                Float(Int.random(in: 1...20, using: &rng)) / 20
            })
            let running = (0...beam).map { r in r == 2 ? -Float.infinity : Float.random(in: -3...0, using: &rng) }
            let penalty = Float.random(in: 1...2, using: &rng), blocked: Int? = trial % 2 == 0 ? 3 : nil
            let rows = 1..<(beam + 1)
            var all: [(score: Float, flat: Int)] = []
            for (j, r) in rows.enumerated() {
                for v in 0..<vocab {
                    let lp = v == blocked ? -1e20 : logf(probabilities.storage[r * vocab + v])
                    all.append(((lp + running[r]) / penalty, j * vocab + v))
                }
            }
            let expected = all.enumerated().sorted { a, b in
                a.element.score != b.element.score ? a.element.score > b.element.score : a.offset < b.offset
            }.prefix(beam).map(\.element)
            let actual = bestCandidates(probabilities: probabilities, rows: rows, running: running, penalty: penalty,
                                        blockedToken: blocked, count: beam)
            XCTAssertEqual(actual.map(\.flat), expected.map(\.flat), "trial \(trial)")
            XCTAssertEqual(actual.map(\.score), expected.map(\.score), "trial \(trial)")
        }
    }
}
