import TensorMath

/// The unimodal BERT text encoder `text_encoder` (embeddings + self-attention/FFN layers; §4.5).
struct TextEncoder: Sendable {
    var embeddings: BertEmbeddings
    var layers: [BertLayer]

    static func bind(_ b: WeightBinder, config c: MPLUGConfig) -> TextEncoder {
        TextEncoder(embeddings: .bind(b, "text_encoder.embeddings", config: c),
                    layers: (0..<c.textEncoderLayers).map { .bind(b, "text_encoder.encoder.layer.\($0)", config: c, cross: false) })
    }

    /// Token ids and 0/1 padding mask `[B][L]` → `text_embeds [B, L, H]`.
    func callAsFunction(ids: [[Int]], mask: [[Int]], trace: Trace? = nil, tracePrefix: String = "txt") throws -> Tensor {
        var x = try embeddings(ids)
        trace?.record("\(tracePrefix)_embeddings", x)
        let bias = additiveKeyBias(mask: mask, masked: textMaskValue)
        for (i, layer) in layers.enumerated() {
            x = layer.feedForward(layer.attention.selfAttend(x, keyBias: bias, causal: false))
            trace?.record("\(tracePrefix)_layer\(i)", x)
        }
        return x
    }
}

/// How the executed fusion layers are wired (ARCHITECTURE.md §4.6).
public enum FusionSchedule: Sendable, Equatable {
    /// Official: executed layer `j` is connected attention iff `j ≠ 0 && j % strideLayer == 0`.
    case official(strideLayer: Int)
    /// Every executed layer is connected attention (benchmarking variant).
    case connectedOnly
    /// Every executed layer is asymmetric co-attention (benchmarking variant).
    case coAttentionOnly

    public enum Kind: String, Sendable { case coattention, connected }

    /// The kind of executed layer `j`.
    public func kind(ofLayer j: Int) -> Kind {
        switch self {
        case let .official(stride): return j != 0 && j % stride == 0 ? .connected : .coattention
        case .connectedOnly: return .connected
        case .coAttentionOnly: return .coattention
        }
    }
}

/// The fusion encoder: one stack of the executed `FusionLayer`s driven by a schedule (§4.6).
struct FusionEncoder: Sendable {
    var layers: [BertLayer]   // executed modules start ..< num_hidden_layers

    static func bind(_ b: WeightBinder, config c: MPLUGConfig) -> FusionEncoder {
        FusionEncoder(layers: (c.fusionStart..<c.fusionModules).map {
            .bind(b, "fusion_encoder.encoder.layer.\($0)", config: c, cross: true)
        })
    }

    /// Text stream `[B, Lt, H]` with its 0/1 mask and image stream `[B, Ni, H]` (mask all ones) →
    /// `(image, text)` after all executed layers.
    /// Co-attention: `T ← FFN(CrossAttn(SelfAttn(T), I))`, I unchanged. Connected: `Y = FFN(SelfAttn([I, T]))`,
    /// `I ← I + Y_I`, `T ← Y_T`.
    func callAsFunction(text: Tensor, textMask: [[Int]], image: Tensor, schedule: FusionSchedule,
                        trace: Trace? = nil) -> (image: Tensor, text: Tensor) {
        var image = image, text = text
        let imageTokens = image.shape[1], textTokens = text.shape[1]
        let textBias = additiveKeyBias(mask: textMask, masked: textMaskValue)
        let joinedBias = additiveKeyBias(mask: textMask.map { [Int](repeating: 1, count: imageTokens) + $0 }, masked: textMaskValue)
        let imageBias = Tensor(shape: [image.shape[0], imageTokens])   // all ones → 0
        for (j, layer) in layers.enumerated() {
            switch schedule.kind(ofLayer: j) {
            case .coattention:
                let attended = layer.attention.selfAttend(text, keyBias: textBias, causal: false)
                let crossed = layer.crossAttention!.crossAttend(attended, memoryKV: layer.crossAttention!.memoryKeyValues(image),
                                                                memoryBias: imageBias)
                text = layer.feedForward(crossed)
                trace?.record("fusion_layer\(j)_out", text)
            case .connected:
                let joined = Tensor.concatenateSequences([image, text])
                let y = layer.feedForward(layer.attention.selfAttend(joined, keyBias: joinedBias, causal: false))
                trace?.record("fusion_layer\(j)_out", y)
                image.add(y.sequenceSlice(0..<imageTokens))
                text = y.sequenceSlice(imageTokens..<(imageTokens + textTokens))
            }
            trace?.record("fusion_img_after\(j)", image)
            trace?.record("fusion_txt_after\(j)", text)
        }
        return (image, text)
    }
}
