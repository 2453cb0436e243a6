import TensorMath

/// `y = x·Wᵀ + b` with PyTorch's `[out, in]` weight layout.
public struct Linear: Sendable {
    public var weight: Tensor
    public var bias: Tensor?
    /// Set by `MPLUGModel.withBF16Weights()`: the weight packed as bf16 (then `weight` is empty)
    /// and products go through the bf16 GEMM.
    public var packedWeight: PackedBF16Matrix?
    public var inWidth: Int { packedWeight?.inputCount ?? weight.shape[1] }
    public var outWidth: Int { packedWeight?.outputCount ?? weight.shape[0] }
    public func callAsFunction(_ x: Tensor) -> Tensor {
        if let packedWeight { return linear(x, packedWeight: packedWeight, bias: bias) }
        return linear(x, weight: weight, bias: bias)
    }
}

/// LayerNorm over the last dimension with learned `gamma`/`beta`.
public struct LayerNorm: Sendable {
    public var gamma: Tensor
    public var beta: Tensor
    public var eps: Float
    public func callAsFunction(_ x: Tensor) -> Tensor { x.layerNormalized(gamma: gamma, beta: beta, eps: eps) }
}

/// Additive key bias `[B, L]` from a 0/1 mask: `(1 − m) · masked` (−10000 for BERT text padding,
/// −1e9 for memory masks; ARCHITECTURE.md §4.2).
public func additiveKeyBias(mask: [[Int]], masked: Float) -> Tensor {
    let length = mask.first?.count ?? 0
    return Tensor(shape: [mask.count, length], storage: mask.flatMap { $0.map { $0 == 0 ? masked : 0 } })
}

/// Memory mask value of `invert_attention_mask` (transformers 4.14, fp32).
public let memoryMaskValue: Float = -1e9
/// Text padding mask value of `get_extended_attention_mask`.
public let textMaskValue: Float = -10000

/// A BERT post-LN attention sub-block: `LayerNorm(dense(attention) + query stream)` (§4.3).
/// Self-attention uses one fused `[3H, H]` Q|K|V projection; cross-attention a query projection and
/// a fused `[2H, encoder_width]` K|V projection of the memory.
struct BertAttention: Sendable {
    var queryKeyValue: Linear?      // self-attention
    var query: Linear?              // cross-attention
    var keyValue: Linear?           // cross-attention, applied to the memory
    var output: Linear
    var norm: LayerNorm
    var heads: Int

    var width: Int { output.outWidth }

    static func bindSelf(_ b: WeightBinder, _ prefix: String, hidden: Int, heads: Int, eps: Float) -> BertAttention {
        BertAttention(queryKeyValue: b.fusedLinear(["query", "key", "value"].map { "\(prefix).self.\($0)" }, out: hidden, in: hidden),
                      query: nil, keyValue: nil, output: b.linear("\(prefix).output.dense", out: hidden, in: hidden),
                      norm: b.layerNorm("\(prefix).output.LayerNorm", width: hidden, eps: eps), heads: heads)
    }

    static func bindCross(_ b: WeightBinder, _ prefix: String, hidden: Int, memoryWidth: Int, heads: Int, eps: Float) -> BertAttention {
        BertAttention(queryKeyValue: nil, query: b.linear("\(prefix).self.query", out: hidden, in: hidden),
                      keyValue: b.fusedLinear(["key", "value"].map { "\(prefix).self.\($0)" }, out: hidden, in: memoryWidth),
                      output: b.linear("\(prefix).output.dense", out: hidden, in: hidden),
                      norm: b.layerNorm("\(prefix).output.LayerNorm", width: hidden, eps: eps), heads: heads)
    }

    /// Self-attention over `x [B, L, H]`, reading K and V in place from the fused projection.
    func selfAttend(_ x: Tensor, keyBias: Tensor?, causal: Bool) -> Tensor {
        let h = width
        let qkv = queryKeyValue!(x)
        let context = multiHeadAttention(query: HeadBlock(qkv), key: HeadBlock(qkv, column: h), value: HeadBlock(qkv, column: 2 * h),
                                         heads: heads, headDim: h / heads, keyBias: keyBias, causal: causal)
        return finish(context, residual: x)
    }

    /// Causal self-attention of new positions `x [B, L, H]` that follow the positions in `cache`:
    /// their K|V are appended to `cache`, then they attend to every cached position.
    func selfAttend(_ x: Tensor, cache: inout KeyValueCache) -> Tensor {
        let h = width
        let qkv = queryKeyValue!(x)
        cache.append(qkv, fromColumn: h)
        let query = HeadBlock(qkv), key = cache.block(column: 0), value = cache.block(column: h)
        // One new position sees every cached one: no causal mask, so the decoding kernel applies.
        let context = x.shape[1] == 1
            ? decodingAttention(query: query, key: key, value: value, heads: heads, headDim: h / heads)
            : multiHeadAttention(query: query, key: key, value: value, heads: heads, headDim: h / heads, causal: true)
        return finish(context, residual: x)
    }

    /// The memory's fused K|V `[Bm, Lm, 2H]` for `crossAttend` (computed once per memory).
    func memoryKeyValues(_ memory: Tensor) -> Tensor { keyValue!(memory) }

    /// Cross-attention of `x [B, L, H]` to a memory given by its K|V; query batch `b` reads memory `keyBatch[b]`.
    /// A decoding step (L = 1) uses the few-query kernel `decodingAttention` (same result up to rounding).
    func crossAttend(_ x: Tensor, memoryKV: Tensor, memoryBias: Tensor?, keyBatch: [Int]? = nil) -> Tensor {
        let h = width
        let query = HeadBlock(query!(x)), key = HeadBlock(memoryKV), value = HeadBlock(memoryKV, column: h)
        let context = x.shape[1] == 1
            ? decodingAttention(query: query, key: key, value: value, heads: heads, headDim: h / heads,
                                keyBias: memoryBias, keyBatch: keyBatch)
            : multiHeadAttention(query: query, key: key, value: value, heads: heads, headDim: h / heads,
                                 keyBias: memoryBias, keyBatch: keyBatch)
        return finish(context, residual: x)
    }

    private func finish(_ context: Tensor, residual: Tensor) -> Tensor {
        var y = output(context)
        y.add(residual)
        return norm(y)
    }
}

/// BERT FFN sub-block: `LayerNorm(dense2(GELU(dense1(x))) + x)` (§4.4).
struct BertFeedForward: Sendable {
    var intermediate: Linear
    var output: Linear
    var norm: LayerNorm

    static func bind(_ b: WeightBinder, _ prefix: String, hidden: Int, intermediate: Int, eps: Float) -> BertFeedForward {
        BertFeedForward(intermediate: b.linear("\(prefix).intermediate.dense", out: intermediate, in: hidden),
                        output: b.linear("\(prefix).output.dense", out: hidden, in: intermediate),
                        norm: b.layerNorm("\(prefix).output.LayerNorm", width: hidden, eps: eps))
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        var a = intermediate(x)
        a.apply(.gelu)
        var y = output(a)
        y.add(x)
        return norm(y)
    }
}

/// One BERT layer: self-attention, optional cross-attention, FFN.
struct BertLayer: Sendable {
    var attention: BertAttention
    var crossAttention: BertAttention?
    var feedForward: BertFeedForward

    static func bind(_ b: WeightBinder, _ prefix: String, config c: MPLUGConfig, cross: Bool) -> BertLayer {
        BertLayer(attention: .bindSelf(b, "\(prefix).attention", hidden: c.hiddenSize, heads: c.attentionHeads, eps: c.layerNormEps),
                  crossAttention: cross ? .bindCross(b, "\(prefix).crossattention", hidden: c.hiddenSize, memoryWidth: c.encoderWidth,
                                                     heads: c.attentionHeads, eps: c.layerNormEps) : nil,
                  feedForward: .bind(b, prefix, hidden: c.hiddenSize, intermediate: c.intermediateSize, eps: c.layerNormEps))
    }
}

/// BERT embeddings: `LayerNorm(word[ids] + token_type[0] + position[offset + i])` (§4.1).
struct BertEmbeddings: Sendable {
    var word: Tensor       // [V, H]
    var position: Tensor   // [P, H]
    var tokenType: Tensor  // [2, H]
    var norm: LayerNorm

    static func bind(_ b: WeightBinder, _ prefix: String, config c: MPLUGConfig) -> BertEmbeddings {
        BertEmbeddings(word: b.tensor("\(prefix).word_embeddings.weight", [c.vocabSize, c.hiddenSize]),
                       position: b.tensor("\(prefix).position_embeddings.weight", [c.maxPositions, c.hiddenSize]),
                       tokenType: b.tensor("\(prefix).token_type_embeddings.weight", [2, c.hiddenSize]),
                       norm: b.layerNorm("\(prefix).LayerNorm", width: c.hiddenSize, eps: c.layerNormEps))
    }

    /// `ids` `[B][L]` (equal lengths) → `[B, L, H]`; positions start at `positionOffset`.
    func callAsFunction(_ ids: [[Int]], positionOffset: Int = 0) throws -> Tensor {
        let h = word.shape[1], vocab = word.shape[0], length = ids.first?.count ?? 0
        guard positionOffset + length <= position.shape[0] else {
            throw ModelError.invalidInput("sequence of \(positionOffset + length) tokens exceeds max_position_embeddings \(position.shape[0])")
        }
        var out = Tensor(shape: [ids.count, length, h])
        for (b, row) in ids.enumerated() {
            guard row.count == length else { throw ModelError.invalidInput("token rows of different lengths") }
            for (i, id) in row.enumerated() {
                guard id >= 0 && id < vocab else { throw ModelError.invalidInput("token id \(id) outside the vocabulary of \(vocab)") }
                let dst = (b * length + i) * h, p = (positionOffset + i) * h
                for j in 0..<h { out.storage[dst + j] = word.storage[id * h + j] + tokenType.storage[j] + position.storage[p + j] }
            }
        }
        return norm(out)
    }
}
