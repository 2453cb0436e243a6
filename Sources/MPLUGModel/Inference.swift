import Foundation
import TensorMath

/// Task-level entry points. Shapes: images `[B, 3, R, R]`; token ids and 0/1 masks `[B][L]`;
/// hidden states `[B, L, H]`.
extension MPLUGModel {
    /// Image embeddings `[B, Ni, H]` (ViT output after ln_post, plus visn_fc/LN for large models).
    public func encodeImages(_ images: Tensor, trace: Trace? = nil) throws -> Tensor {
        try vision(images, trace: trace)
    }

    /// Text-encoder output `[B, L, H]`; intermediate names `<tracePrefix>_embeddings`, `<tracePrefix>_layer<i>`.
    public func encodeText(ids: [[Int]], mask: [[Int]], trace: Trace? = nil, tracePrefix: String = "txt") throws -> Tensor {
        try require(textEncoder, "text encoder")(ids: ids, mask: mask, trace: trace, tracePrefix: tracePrefix)
    }

    /// The fusion encoder over a text stream and an image stream of the same batch size.
    /// `schedule` defaults to the official one from the config's `stride_layer`.
    public func fuse(text: Tensor, textMask: [[Int]], image: Tensor, schedule: FusionSchedule? = nil,
                     trace: Trace? = nil) throws -> (image: Tensor, text: Tensor) {
        guard text.shape[0] == image.shape[0], textMask.count == text.shape[0] else {
            throw ModelError.invalidInput("fusion batch sizes differ: text \(text.shape), image \(image.shape), mask rows \(textMask.count)")
        }
        return try require(fusion, "fusion encoder")(text: text, textMask: textMask, image: image,
                                                     schedule: schedule ?? .official(strideLayer: config.strideLayer), trace: trace)
    }

    /// The VQA decoder memory: `concat([I_final, T_final])` with mask `concat(ones(Ni), question mask)` (§6.2).
    public func vqaMemory(questionIds: [[Int]], questionMask: [[Int]], imageEmbeds: Tensor,
                          schedule: FusionSchedule? = nil, trace: Trace? = nil) throws -> DecoderMemory {
        let text = try encodeText(ids: questionIds, mask: questionMask, trace: trace, tracePrefix: "vqa_question")
        let fused = try fuse(text: text, textMask: questionMask, image: imageEmbeds, schedule: schedule)
        let ones = [Int](repeating: 1, count: imageEmbeds.shape[1])
        return DecoderMemory(states: Tensor.concatenateSequences([fused.image, fused.text]), mask: questionMask.map { ones + $0 })
    }

    /// Teacher-forced decoder logits `[B, L, V]`; row `b` reads memory row `memoryRow[b]` (identity if nil).
    public func decoderLogits(ids: [[Int]], mask: [[Int]]? = nil, memory: DecoderMemory, memoryRow: [Int]? = nil,
                              trace: Trace? = nil, tracePrefix: String = "dec") throws -> Tensor {
        try require(decoder, "decoder").logits(ids: ids, mask: mask, memory: memory, memoryRow: memoryRow,
                                               trace: trace, tracePrefix: tracePrefix)
    }

    /// Beam search (§8) over `memory` (one example per memory row). `useKVCache` selects the cached
    /// decoder (default; self-attention K/V cached, memory K/V computed once per layer) or the
    /// official full recomputation; both give the same ids and beam order.
    public func generate(memory: DecoderMemory, settings: GenerationSettings, useKVCache: Bool = true) throws -> [[Hypothesis]] {
        let decoder = try require(decoder, "decoder")
        let examples = memory.states.shape[0]
        if useKVCache {
            var model = CachedDecoding(decoder: decoder, memory: memory)
            return try beamSearch(examples: examples, settings: settings, model: &model)
        }
        var model = RecomputeDecoding(decoder: decoder, memory: memory)
        return try beamSearch(examples: examples, settings: settings, model: &model)
    }
}

/// Official generation (`_fast_translate_batch`), literally: the memory is tiled per beam
/// (`[rows, Lm, H]`, one copy per decoder row) and re-selected with the beam origins after every
/// step (`index_select`); each step runs the whole decoder on the full prefix of every row against
/// its own memory copy (so every layer projects K/V of rows·Lm memory tokens per step) and the LM
/// head on every position, of which the last is kept.
struct RecomputeDecoding: NextTokenLogits {
    let decoder: TextDecoder
    let memory: DecoderMemory
    /// The memory of each current decoder row: row `r` holds a copy of example `examples[r]`'s memory.
    var tiled: DecoderMemory?
    init(decoder: TextDecoder, memory: DecoderMemory) { self.decoder = decoder; self.memory = memory }

    mutating func logits(sequences: [[Int]], parents: [Int]?, examples: [Int]) throws -> Tensor {
        if let parents, let previous = tiled {
            tiled = previous.selectingRows(parents)
        } else {
            tiled = memory.selectingRows(examples)
        }
        let all = try decoder.logits(ids: sequences, memory: tiled!)
        let length = sequences[0].count, vocab = all.lastDimension
        return all.reshaped([sequences.count * length, vocab]).gathering(sequences.indices.map { $0 * length + length - 1 })
    }
}

/// Incremental generation with a K/V cache.
struct CachedDecoding: NextTokenLogits {
    let decoder: TextDecoder
    let memory: DecoderMemory
    var cache: DecoderCache?
    init(decoder: TextDecoder, memory: DecoderMemory) { self.decoder = decoder; self.memory = memory }
    mutating func logits(sequences: [[Int]], parents: [Int]?, examples: [Int]) throws -> Tensor {
        if cache != nil, let parents {
            cache!.selectRows(parents, memoryRow: examples)   // in place: no copy of the cache buffers
            return try decoder.step(tokens: sequences.map { $0.last! }, cache: &cache!)
        }
        // First call: the beams of an example all hold the start token, so only the distinct
        // (example, sequence) rows are decoded; the cache and the logits are then copied out to
        // every row. A step treats its rows independently, so the copies equal what decoding every
        // row would give.
        var distinctRow: [RowKey: Int] = [:]
        var distinct: [Int] = [], copyFrom: [Int] = []
        for (row, key) in zip(sequences, examples).map({ RowKey(sequence: $0, example: $1) }).enumerated() {
            if let first = distinctRow[key] { copyFrom.append(first); continue }
            distinctRow[key] = distinct.count
            copyFrom.append(distinct.count)
            distinct.append(row)
        }
        var fresh = decoder.makeCache(memory: memory, memoryRow: distinct.map { examples[$0] })
        let logits = try decoder.step(tokens: distinct.map { sequences[$0].last! }, cache: &fresh)
        fresh.selectRows(copyFrom, memoryRow: examples)
        cache = fresh
        return distinct.count == sequences.count ? logits : logits.gathering(copyFrom)
    }

    private struct RowKey: Hashable {
        var sequence: [Int]
        var example: Int
    }
}
