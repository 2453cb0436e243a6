import Foundation
import TensorMath

/// Per-token negative log-likelihoods of teacher forcing: `logits[:, t]` predicts `ids[:, t+1]`;
/// targets with mask 0 (padding → −100) get 0 and are not counted. Returns `[B][L−1]` NLLs and the
/// number of counted targets. Log-softmax in float64 over float32 logits.
public func tokenNegativeLogLikelihoods(logits: Tensor, ids: [[Int]], mask: [[Int]]) -> (nll: [[Double]], count: Int) {
    let length = logits.shape[1], vocab = logits.shape[2]
    var counted = 0
    let nll = ids.indices.map { b -> [Double] in
        (0..<(length - 1)).map { t -> Double in
            guard mask[b][t + 1] != 0 else { return 0 }
            counted += 1
            return negativeLogLikelihood(logits.storage, offset: (b * length + t) * vocab, count: vocab, target: ids[b][t + 1])
        }
    }
    return (nll, counted)
}

/// Caption loss (`BertPrefixModel`): mean NLL over every counted target token of the batch.
public func captionLoss(logits: Tensor, ids: [[Int]], mask: [[Int]]) -> Double {
    let (nll, counted) = tokenNegativeLogLikelihoods(logits: logits, ids: ids, mask: mask)
    return nll.joined().reduce(0, +) / Double(max(counted, 1))
}

/// VQA answer loss (`BertLMHeadModel`, reduction 'none'): per-sample sum of token NLLs `[B]`.
public func answerLossPerSample(logits: Tensor, ids: [[Int]], mask: [[Int]]) -> [Double] {
    tokenNegativeLogLikelihoods(logits: logits, ids: ids, mask: mask).nll.map { $0.reduce(0, +) }
}

/// MLM loss: mean cross-entropy of `logits [B, L, V]` over positions whose label is not −100.
public func maskedLanguageModelLoss(logits: Tensor, labels: [[Int]]) -> Double {
    let length = logits.shape[1], vocab = logits.shape[2]
    var total = 0.0, count = 0
    for (b, row) in labels.enumerated() {
        for (t, label) in row.enumerated() where label != -100 {
            total += negativeLogLikelihood(logits.storage, offset: (b * length + t) * vocab, count: vocab, target: label)
            count += 1
        }
    }
    return total / Double(max(count, 1))
}

/// `logsumexp(row) − row[target]` in float64 for the `count` logits at `offset`.
func negativeLogLikelihood(_ logits: [Float], offset: Int, count: Int, target: Int) -> Double {
    var m = -Double.infinity
    for v in 0..<count { m = max(m, Double(logits[offset + v])) }
    var s = 0.0
    for v in 0..<count { s += exp(Double(logits[offset + v]) - m) }
    return m + log(s) - Double(logits[offset + target])
}

extension MPLUGModel {
    /// ITC image features: `normalize(vision_proj(image_embeds[:, 0]))` → `[B, embedDim]`.
    public func imageFeatures(_ imageEmbeds: Tensor) throws -> Tensor {
        try require(visionProjection, "retrieval heads")(firstTokens(imageEmbeds)).l2NormalizedRows()
    }

    /// ITC text features: `normalize(text_proj(text_embeds[:, 0]))` → `[B, embedDim]`.
    public func textFeatures(_ textEmbeds: Tensor) throws -> Tensor {
        try require(textProjection, "retrieval heads")(firstTokens(textEmbeds)).l2NormalizedRows()
    }

    /// ITM logits `[B, 2]` from the fusion text stream's first token; column 1 = "match".
    public func itmLogits(fusedText: Tensor) throws -> Tensor {
        try require(itmHead, "retrieval heads")(firstTokens(fusedText))
    }

    /// MLM logits `[B, L, V]` of the (untied) `mlm_head` on the fusion text stream.
    public func mlmLogits(fusedText: Tensor) throws -> Tensor {
        try require(mlmHead, "MLM head")(fusedText)
    }

    /// Retrieval evaluation (§6.3): ITC cosine similarities `[images, texts]` (no temperature), then
    /// for each image its `k` most similar texts re-scored by the ITM "match" logit of the fusion
    /// encoder (one fusion batch of `k` pairs per image), and symmetrically for each text its top-`k`
    /// images; every other entry is −100. Top-k ties go to the lower index.
    /// `imageEmbeds [I, Ni, H]`, `textEmbeds [T, L, H]` with `textMask [T][L]`.
    public func retrievalScores(imageEmbeds: Tensor, textEmbeds: Tensor, textMask: [[Int]], k: Int,
                                schedule: FusionSchedule? = nil) throws -> (similarity: Tensor, i2t: Tensor, t2i: Tensor) {
        let similarity = matmulTransposed(try imageFeatures(imageEmbeds), try textFeatures(textEmbeds))
        let images = similarity.shape[0], texts = similarity.shape[1]
        /// ITM match logits of the pairs (image[i], text[t]).
        func match(images imageRows: [Int], texts textRows: [Int]) throws -> [Float] {
            let fused = try fuse(text: textEmbeds.gathering(textRows), textMask: textRows.map { textMask[$0] },
                                 image: imageEmbeds.gathering(imageRows), schedule: schedule)
            let logits = try itmLogits(fusedText: fused.text)
            return (0..<textRows.count).map { logits.storage[$0 * 2 + 1] }
        }
        var i2t = Tensor(shape: [images, texts], repeating: -100), t2i = Tensor(shape: [texts, images], repeating: -100)
        for i in 0..<images {
            let top = topIndices((0..<texts).map { similarity.storage[i * texts + $0] }, k)
            for (t, score) in zip(top, try match(images: Array(repeating: i, count: top.count), texts: top)) { i2t.storage[i * texts + t] = score }
        }
        for t in 0..<texts {
            let top = topIndices((0..<images).map { similarity.storage[$0 * texts + t] }, k)
            for (i, score) in zip(top, try match(images: top, texts: Array(repeating: t, count: top.count))) { t2i.storage[t * images + i] = score }
        }
        return (similarity, i2t, t2i)
    }

    /// `rank_answer` (§6.2, unused by the released VQA eval): first-token probabilities of every
    /// candidate, top-`k`, then `log p_first − NLL(answer)` re-normalised by softmax over the k.
    /// `answerIds`/`answerMask` are the candidates `[A][La]` (`[CLS] a1 … [SEP]`).
    /// Returns, per question, `k` candidate indices and probabilities, best first.
    public func rankAnswers(memory: DecoderMemory, answerIds: [[Int]], answerMask: [[Int]], k: Int) throws -> [[(index: Int, probability: Float)]] {
        let questions = memory.states.shape[0]
        var start = try decoderLogits(ids: Array(repeating: [answerIds[0][0]], count: questions), memory: memory)
        start.softmaxRows()
        let vocab = start.lastDimension
        var topIds: [[Int]] = [], topProbabilities: [[Float]] = []
        for q in 0..<questions {
            let firstTokenProbabilities = answerIds.map { start.storage[q * vocab + $0[1]] }
            let top = topIndices(firstTokenProbabilities, k)
            topIds.append(top)
            topProbabilities.append(top.map { firstTokenProbabilities[$0] })
        }
        let rows = topIds.flatMap { $0 }
        let logits = try decoderLogits(ids: rows.map { answerIds[$0] }, mask: rows.map { answerMask[$0] }, memory: memory,
                                       memoryRow: (0..<questions).flatMap { Array(repeating: $0, count: k) })
        let nll = tokenNegativeLogLikelihoods(logits: logits, ids: rows.map { answerIds[$0] }, mask: rows.map { answerMask[$0] }).nll
        return (0..<questions).map { q in
            var scores = Tensor(shape: [1, k], storage: (0..<k).map { j in
                Float(Double(log(topProbabilities[q][j])) - nll[q * k + j].reduce(0, +))
            })
            scores.softmaxRows()
            return topIndices(scores.storage, k).map { (topIds[q][$0], scores.storage[$0]) }
        }
    }
}

/// Tokens at position 0: `[B, L, D]` → `[B, D]`.
func firstTokens(_ x: Tensor) -> Tensor { x.sequenceSlice(0..<1).reshaped([x.shape[0], x.shape[2]]) }

/// Indices of the `k` largest values, largest first, ties to the lower index.
func topIndices(_ values: [Float], _ k: Int) -> [Int] {
    Array(values.indices.sorted { values[$0] != values[$1] ? values[$0] > values[$1] : $0 < $1 }.prefix(k))
}
