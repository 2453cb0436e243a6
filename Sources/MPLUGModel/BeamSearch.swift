import Foundation
import TensorMath

/// Settings of the official generator (`models/predictor.py`; ARCHITECTURE.md §8).
public struct GenerationSettings: Sendable, Equatable {
    public var beamSize: Int
    public var minLength: Int
    public var maxLength: Int
    /// Hypotheses returned per example (best first).
    public var outSize: Int
    /// Length penalty exponent: `((5 + step + 1) / 6) ** alpha`.
    public var alpha: Float = 0.6
    public var startToken: Int = 101
    public var endToken: Int = 102

    public init(beamSize: Int, minLength: Int, maxLength: Int, outSize: Int = 1) {
        self.beamSize = beamSize; self.minLength = minLength; self.maxLength = maxLength; self.outSize = outSize
    }
    /// Captioning scripts: beam 5, min 8, max 25.
    public static let caption = GenerationSettings(beamSize: 5, minLength: 8, maxLength: 25)
    /// VQA evaluation: beam 5, min 1, max 10.
    public static let vqa = GenerationSettings(beamSize: 5, minLength: 1, maxLength: 10)
}

/// A finished hypothesis: token ids starting with the start token, and its length-normalised score.
public struct Hypothesis: Sendable, Equatable {
    public var ids: [Int]
    public var score: Float
}

/// The model side of beam search: next-token logits for every alive row.
protocol NextTokenLogits {
    /// Logits `[rows, V]` for the last position of every row of `sequences`.
    /// `parents[r]` is the row of the previous call that row `r` extends (nil on the first call) and
    /// `examples[r]` the example (memory row) it belongs to.
    mutating func logits(sequences: [[Int]], parents: [Int]?, examples: [Int]) throws -> Tensor
}

/// The official beam search (`TextGenerator._fast_translate_batch`), float32 scores:
/// log(softmax) + running score, EOS blocked before `minLength`, length-normalised top-`beam` over
/// `beam·V`, an example ends when its top beam emits EOS (or at `maxLength`), finished non-top beams
/// are recorded but stay alive. Ties in top-k go to the lower flat index; hypothesis sorting is stable.
func beamSearch<Model: NextTokenLogits>(examples: Int, settings s: GenerationSettings, model: inout Model) throws -> [[Hypothesis]] {
    let beam = s.beamSize
    var alive: [Int] = Array(0..<examples)                          // example of each alive block of `beam` rows
    var sequences = [[Int]](repeating: [s.startToken], count: examples * beam)
    var running = [Float](repeating: 0, count: examples * beam)       // topk_log_probs
    for r in running.indices where r % beam != 0 { running[r] = -.infinity }
    var hypotheses = [[Hypothesis]](repeating: [], count: examples)
    var results = [[Hypothesis]](repeating: [], count: examples)
    var parents: [Int]? = nil

    for step in 0..<s.maxLength {
        let rowExamples = alive.flatMap { Array(repeating: $0, count: beam) }
        var logits = try model.logits(sequences: sequences, parents: parents, examples: rowExamples)
        let vocab = logits.lastDimension
        logits.softmaxRows()
        let penalty = Float(pow((5.0 + Double(step + 1)) / 6.0, Double(s.alpha)))
        var nextSequences: [[Int]] = [], nextRunning: [Float] = [], nextParents: [Int] = [], nextAlive: [Int] = []
        for (block, example) in alive.enumerated() {
            let top = bestCandidates(probabilities: logits, rows: (block * beam)..<((block + 1) * beam), running: running,
                                     penalty: penalty, blockedToken: step < s.minLength ? s.endToken : nil, count: beam)
            var blockSequences: [[Int]] = [], blockRunning: [Float] = [], blockParents: [Int] = []
            var finished: [Bool] = []
            for (score, flat) in top {
                let origin = block * beam + flat / vocab, token = flat % vocab
                blockSequences.append(sequences[origin] + [token])
                blockRunning.append(score * penalty)
                blockParents.append(origin)
                finished.append(token == s.endToken || step + 1 == s.maxLength)
            }
            let done = finished[0]
            for j in 0..<beam where finished[j] || done {
                hypotheses[example].append(Hypothesis(ids: blockSequences[j], score: top[j].score))
            }
            if done {
                let ranked = stableSortedDescending(hypotheses[example])
                results[example] = Array(ranked.prefix(s.outSize))
            } else {
                nextAlive.append(example)
                nextSequences += blockSequences; nextRunning += blockRunning; nextParents += blockParents
            }
        }
        if nextAlive.isEmpty { break }
        alive = nextAlive; sequences = nextSequences; running = nextRunning; parents = nextParents
    }
    return results
}

/// The `count` best candidates `(score, flat)` of one example: score `(log p + running[r]) / penalty`
/// for every row `r` of `rows` and word `v` (flat index `(r − rows.lowerBound)·V + v`), with
/// `log p = −1e20` for `blockedToken`. Higher score first, equal scores by lower flat index
/// (`torch.topk` over the flattened `beam·V` scores).
///
/// One pass, no per-candidate storage: a sorted list of the best `count` so far, and per row a
/// probability cutoff below which no candidate can enter (the score is non-decreasing in `p`
/// within a row, so once `f(p) ≤ threshold`, every `p' ≤ p` scores ≤ threshold too); `logf` runs
/// only on candidates above the cutoff.
func bestCandidates(probabilities: Tensor, rows: Range<Int>, running: [Float], penalty: Float,
                    blockedToken: Int?, count k: Int) -> [(score: Float, flat: Int)] {
    let vocab = probabilities.lastDimension
    var best: [(score: Float, flat: Int)] = []
    best.reserveCapacity(k + 1)
    func offer(_ score: Float, _ flat: Int) -> Bool {
        if best.count == k, !(score > best[k - 1].score) { return false }
        var i = best.count
        while i > 0 && score > best[i - 1].score { i -= 1 }
        best.insert((score, flat), at: i)
        if best.count > k { best.removeLast() }
        return true
    }
    probabilities.storage.withUnsafeBufferPointer { storage in
        for (j, r) in rows.enumerated() {
            let p = storage.baseAddress! + r * vocab, base = running[r], flat = j * vocab
            var cutoff = -Float.infinity
            for v in 0..<vocab {
                if v == blockedToken {
                    _ = offer((-1e20 + base) / penalty, flat + v)
                    continue
                }
                let prob = p[v]
                if prob <= cutoff && best.count == k { continue }
                if !offer((logf(prob) + base) / penalty, flat + v) { cutoff = max(cutoff, prob) }
            }
        }
    }
    return best
}

private func stableSortedDescending(_ hyps: [Hypothesis]) -> [Hypothesis] {
    hyps.enumerated().sorted { a, b in a.element.score != b.element.score ? a.element.score > b.element.score : a.offset < b.offset }
        .map(\.element)
}
