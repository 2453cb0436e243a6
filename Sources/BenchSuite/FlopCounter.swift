/// The shape of one matrix product C[m×n] = A[m×k]·B[k×n].
public struct GEMMShape: Sendable, Hashable, Codable, CustomStringConvertible {
    public var m: Int
    public var n: Int
    public var k: Int
    public init(m: Int, n: Int, k: Int) { self.m = m; self.n = n; self.k = k }
    public var description: String { "\(m)x\(n)x\(k)" }
}

/// Analytic FLOPs of one part of the model: a list of GEMMs, each counted as 2·m·n·k.
public struct FlopCount: Sendable, Equatable {
    /// One GEMM shape executed `count` times.
    public struct Term: Sendable, Equatable {
        public var label: String
        public var shape: GEMMShape
        public var count: Int
        public var flops: Double { 2 * Double(shape.m) * Double(shape.n) * Double(shape.k) * Double(count) }
    }

    public private(set) var terms: [Term] = []

    public init() {}

    /// Total FLOPs.
    public var total: Double { terms.reduce(0) { $0 + $1.flops } }

    /// The shape carrying the most FLOPs (ties: the first recorded); the suite measures the sgemm
    /// peak on it. Nil for an empty count.
    public var mainShape: GEMMShape? {
        var byShape: [GEMMShape: Double] = [:]
        var order: [GEMMShape] = []
        for term in terms {
            if byShape[term.shape] == nil { order.append(term.shape) }
            byShape[term.shape, default: 0] += term.flops
        }
        var best: GEMMShape?
        for shape in order where best == nil || byShape[shape]! > byShape[best!]! { best = shape }
        return best
    }

    mutating func add(_ label: String, m: Int, n: Int, k: Int, count: Int = 1) {
        guard m > 0, n > 0, k > 0, count > 0 else { return }
        terms.append(Term(label: label, shape: GEMMShape(m: m, n: n, k: k), count: count))
    }

    mutating func add(_ other: FlopCount) { terms += other.terms }

    static func + (lhs: FlopCount, rhs: FlopCount) -> FlopCount {
        var sum = lhs
        sum.add(rhs)
        return sum
    }
}

import MPLUGModel

/// Analytic FLOP counts of the mPLUG inference parts (ARCHITECTURE.md §3–§5, §8).
///
/// Conventions (these reproduce the figures for mplug-base, batch 1, text length 16:
/// text encoder + fusion ≈ 58.2 GFLOP connected-only and ≈ 19.1 GFLOP at stride 3):
/// * every GEMM counts 2·m·n·k (a multiply-add is 2 FLOPs), including the ViT patch embedding
///   (a GEMM over flattened patches), every linear projection, and attention's QKᵀ and P·V
///   (per head Lq×Lk×hd, i.e. 2·Lq·Lk·H per product over all heads);
/// * ignored (not GEMMs): bias adds, LayerNorm, softmax, the attention scale and masks, GELU /
///   QuickGELU, residual and skip adds, embedding look-ups, concatenation, top-k and beam bookkeeping;
/// * "text encoder + fusion" includes the text encoder (6 layers base);
/// * connected-only means all fusion layers are connected, including layer 0 (the official rule
///   keeps layer 0 co-attention at every stride); a connected layer runs self-attention and the
///   FFN over Ni + Lt tokens; a co-attention layer runs text self-attention, the text FFN and a
///   cross-attention whose K/V projections cover all Ni image tokens in every co-attention layer;
/// * generation runs `steps` decoder steps on batch·beam rows (min = max length, so no early
///   stop). Without a KV cache step t re-runs the whole prefix of t + 1 tokens, recomputes the
///   memory K/V of every row (the memory is tiled per beam, so each layer projects
///   rows·memoryLength memory tokens per step) and applies the LM head to every position, as the
///   official predictor (`_fast_translate_batch`) does. With the cache,
///   step t runs the new token only; memory K/V are computed once per example and layer and
///   reused by all beams and steps; the LM head runs on the new token only.
public enum FlopCounter {
    /// The visual encoder (CLIP ViT, `skip_last_layer`): patch embedding, `visionLayers` pre-LN
    /// blocks over Ni tokens, plus `visn_fc` when W ≠ H.
    public static func visualEncoder(_ d: MPLUGConfig, batch: Int) -> FlopCount {
        var count = FlopCount()
        let grid = d.imageResolution / d.patchSize, tokens = d.visualTokens, w = d.visionWidth
        count.add("patch embedding", m: batch * grid * grid, n: w, k: 3 * d.patchSize * d.patchSize)
        for _ in 0..<d.visionLayers {
            count.add(selfAttention(rows: batch, length: tokens, width: w, heads: d.visionHeads))
            count.add(feedForward(tokens: batch * tokens, width: w, inner: 4 * w))
        }
        if w != d.hiddenSize { count.add("visn_fc", m: batch * tokens, n: d.hiddenSize, k: w) }
        return count
    }

    /// The unimodal text encoder over `textLength` tokens.
    public static func textEncoder(_ d: MPLUGConfig, batch: Int, textLength: Int) -> FlopCount {
        var count = FlopCount()
        for _ in 0..<d.textEncoderLayers {
            count.add(selfAttention(rows: batch, length: textLength, width: d.hiddenSize, heads: d.attentionHeads))
            count.add(feedForward(tokens: batch * textLength, width: d.hiddenSize, inner: d.intermediateSize))
        }
        return count
    }

    /// The fusion encoder under `variant` (image tokens Ni from the visual encoder).
    public static func fusion(_ d: MPLUGConfig, variant: FusionVariant, batch: Int, textLength: Int) -> FlopCount {
        var count = FlopCount()
        let h = d.hiddenSize, ni = d.visualTokens
        for connected in variant.connectedLayers(count: d.fusionLayers) {
            if connected {
                count.add(selfAttention(rows: batch, length: ni + textLength, width: h, heads: d.attentionHeads))
                count.add(feedForward(tokens: batch * (ni + textLength), width: h, inner: d.intermediateSize))
            } else {
                count.add(selfAttention(rows: batch, length: textLength, width: h, heads: d.attentionHeads))
                count.add(crossAttention(rows: batch, queries: textLength, memory: ni, d))
                count.add(feedForward(tokens: batch * textLength, width: h, inner: d.intermediateSize))
            }
        }
        return count
    }

    /// Text encoder + fusion: the part where the fusion variants differ.
    public static func textEncoderAndFusion(_ d: MPLUGConfig, variant: FusionVariant, batch: Int,
                                            textLength: Int) -> FlopCount {
        textEncoder(d, batch: batch, textLength: textLength) + fusion(d, variant: variant, batch: batch, textLength: textLength)
    }

    /// `steps` decoder steps generating for `batch` examples × `beam` rows over a memory of
    /// `memoryLength` tokens (Ni for captioning, Ni + Lq for VQA), with or without the KV cache.
    public static func generation(_ d: MPLUGConfig, batch: Int, beam: Int, steps: Int, memoryLength: Int,
                                  kvCache: Bool) -> FlopCount {
        var count = FlopCount()
        let rows = batch * beam, h = d.hiddenSize, heads = d.attentionHeads, hd = h / max(heads, 1)
        if kvCache {
            for _ in 0..<d.decoderLayers {   // memory K/V once per example and layer
                count.add("cross K/V (once)", m: batch * memoryLength, n: 2 * h, k: d.encoderWidth)
            }
        }
        for step in 0..<steps {
            let prefix = step + 1
            let newTokens = kvCache ? 1 : prefix
            let tokens = rows * newTokens
            for _ in 0..<d.decoderLayers {
                count.add("self QKV", m: tokens, n: 3 * h, k: h)
                count.add("self QKᵀ", m: newTokens, n: prefix, k: hd, count: rows * heads)
                count.add("self PV", m: newTokens, n: hd, k: prefix, count: rows * heads)
                count.add("self out", m: tokens, n: h, k: h)
                count.add("cross Q", m: tokens, n: h, k: h)
                if !kvCache { count.add("cross K/V (tiled memory)", m: rows * memoryLength, n: 2 * h, k: d.encoderWidth) }
                count.add("cross QKᵀ", m: newTokens, n: memoryLength, k: hd, count: rows * heads)
                count.add("cross PV", m: newTokens, n: hd, k: memoryLength, count: rows * heads)
                count.add("cross out", m: tokens, n: h, k: h)
                count.add(feedForward(tokens: tokens, width: h, inner: d.intermediateSize))
            }
            count.add("LM transform", m: tokens, n: h, k: h)
            count.add("LM decoder", m: tokens, n: d.vocabSize, k: h)
        }
        return count
    }

    // MARK: building blocks

    /// Fused QKV projection, QKᵀ and P·V per head, output projection over `rows` sequences of `length`.
    static func selfAttention(rows: Int, length: Int, width: Int, heads: Int) -> FlopCount {
        var count = FlopCount()
        let hd = width / max(heads, 1)
        count.add("QKV", m: rows * length, n: 3 * width, k: width)
        count.add("QKᵀ", m: length, n: length, k: hd, count: rows * heads)
        count.add("PV", m: length, n: hd, k: length, count: rows * heads)
        count.add("attention out", m: rows * length, n: width, k: width)
        return count
    }

    /// Text→image cross-attention of `rows` sequences: Q and output on the queries, K/V on each row's memory.
    static func crossAttention(rows: Int, queries: Int, memory: Int, _ d: MPLUGConfig) -> FlopCount {
        var count = FlopCount()
        let h = d.hiddenSize, hd = h / max(d.attentionHeads, 1)
        count.add("cross Q", m: rows * queries, n: h, k: h)
        count.add("cross K/V", m: rows * memory, n: 2 * h, k: d.encoderWidth)
        count.add("cross QKᵀ", m: queries, n: memory, k: hd, count: rows * d.attentionHeads)
        count.add("cross PV", m: queries, n: hd, k: memory, count: rows * d.attentionHeads)
        count.add("cross out", m: rows * queries, n: h, k: h)
        return count
    }

    /// Two-layer MLP width → inner → width over `tokens` rows.
    static func feedForward(tokens: Int, width: Int, inner: Int) -> FlopCount {
        var count = FlopCount()
        count.add("FFN up", m: tokens, n: inner, k: width)
        count.add("FFN down", m: tokens, n: width, k: inner)
        return count
    }
}
