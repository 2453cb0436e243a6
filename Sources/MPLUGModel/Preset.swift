import DataIO
import TensorMath

/// Shape and element type of one state-dict entry.
public struct ParameterSpec: Sendable, Equatable {
    public var shape: [Int]
    public var dtype: DType
}

extension MPLUGConfig {
    /// `mplug-base` as released for captioning/VQA: ViT-B/16 at 384 px, `config_bert_stride3.json`
    /// (H 768, 12 heads, FFN 3072, vocab 30522, 6 text / 6 of 12 fusion / 12 decoder layers, stride 3).
    public static let base = MPLUGConfig(
        hiddenSize: 768, attentionHeads: 12, intermediateSize: 3072, vocabSize: 30522, maxPositions: 512,
        fusionModules: 12, fusionLayers: 6, textEncoderLayers: 6, decoderLayers: 12, strideLayer: 3,
        encoderWidth: 768, imageResolution: 384, vision: .vitB16, embedDim: 256)

    /// The official state-dict layout of a task model with this config (ARCHITECTURE.md §12):
    /// the whole CLIP (incl. the unused text tower), text encoder, fusion encoder (all modules),
    /// text decoder with its tied LM head entries, `visn_fc`/`visn_layer_norm` when the widths differ,
    /// plus `vision_proj`, `text_proj`, `itm_head`, `temp` when `retrievalHeads`. No momentum copies or queues.
    public func officialStateDictLayout(retrievalHeads: Bool = false) -> [String: ParameterSpec] {
        var layout: [String: ParameterSpec] = [:]
        func add(_ key: String, _ shape: [Int], _ dtype: DType = .float32) { layout[key] = ParameterSpec(shape: shape, dtype: dtype) }
        func linear(_ p: String, _ out: Int, _ inWidth: Int) { add("\(p).weight", [out, inWidth]); add("\(p).bias", [out]) }
        func norm(_ p: String, _ width: Int) { add("\(p).weight", [width]); add("\(p).bias", [width]) }
        func clipBlocks(_ p: String, width w: Int, layers: Int) {
            for i in 0..<layers {
                let b = "\(p).resblocks.\(i)"
                add("\(b).attn.in_proj_weight", [3 * w, w]); add("\(b).attn.in_proj_bias", [3 * w])
                linear("\(b).attn.out_proj", w, w); norm("\(b).ln_1", w); norm("\(b).ln_2", w)
                linear("\(b).mlp.c_fc", 4 * w, w); linear("\(b).mlp.c_proj", w, 4 * w)
            }
        }
        func bert(_ p: String, layers: Int, cross: Bool) {
            add("\(p).embeddings.position_ids", [1, maxPositions], .int64)
            add("\(p).embeddings.word_embeddings.weight", [vocabSize, hiddenSize])
            add("\(p).embeddings.position_embeddings.weight", [maxPositions, hiddenSize])
            add("\(p).embeddings.token_type_embeddings.weight", [2, hiddenSize])
            norm("\(p).embeddings.LayerNorm", hiddenSize)
            for i in 0..<layers {
                let l = "\(p).encoder.layer.\(i)"
                for (block, kvWidth) in [("attention", hiddenSize)] + (cross ? [("crossattention", encoderWidth)] : []) {
                    linear("\(l).\(block).self.query", hiddenSize, hiddenSize)
                    linear("\(l).\(block).self.key", hiddenSize, kvWidth)
                    linear("\(l).\(block).self.value", hiddenSize, kvWidth)
                    linear("\(l).\(block).output.dense", hiddenSize, hiddenSize)
                    norm("\(l).\(block).output.LayerNorm", hiddenSize)
                }
                linear("\(l).intermediate.dense", intermediateSize, hiddenSize)
                linear("\(l).output.dense", hiddenSize, intermediateSize)
                norm("\(l).output.LayerNorm", hiddenSize)
            }
        }
        // CLIP: text tower (unused) and ViT.
        add("visual_encoder.positional_embedding", [clip.contextLength, clip.width])
        add("visual_encoder.text_projection", [clip.width, clip.embedDim])
        add("visual_encoder.logit_scale", [])
        add("visual_encoder.token_embedding.weight", [clip.vocabSize, clip.width])
        norm("visual_encoder.ln_final", clip.width)
        clipBlocks("visual_encoder.transformer", width: clip.width, layers: clip.layers)
        let v = "visual_encoder.visual"
        add("\(v).class_embedding", [visionWidth])
        add("\(v).positional_embedding", [visualTokens, visionWidth])
        add("\(v).proj", [visionWidth, clip.embedDim])
        add("\(v).conv1.weight", [visionWidth, 3, patchSize, patchSize])
        norm("\(v).ln_pre", visionWidth); norm("\(v).ln_post", visionWidth)
        clipBlocks("\(v).transformer", width: visionWidth, layers: visionLayers)
        if usesVisionAdapter { linear("visn_fc", hiddenSize, visionWidth); norm("visn_layer_norm", hiddenSize) }
        // BERT parts.
        bert("text_encoder", layers: textEncoderLayers, cross: false)
        bert("fusion_encoder", layers: fusionModules, cross: true)
        bert("text_decoder.bert", layers: decoderLayers, cross: true)
        let head = "text_decoder.cls.predictions"
        add("\(head).bias", [vocabSize])
        linear("\(head).transform.dense", hiddenSize, hiddenSize)
        norm("\(head).transform.LayerNorm", hiddenSize)
        linear("\(head).decoder", vocabSize, hiddenSize)
        if retrievalHeads {
            linear("vision_proj", embedDim, hiddenSize); linear("text_proj", embedDim, hiddenSize)
            linear("itm_head", 2, hiddenSize); add("temp", [])
        }
        return layout
    }
}

/// Seeded random weights over a layout, generated on demand per key (independent of binding order):
/// matrices N(0, 1/fan_in), embedding tables and CLIP class/positional embeddings N(0, 0.5²),
/// biases N(0, 0.05²), LayerNorm gamma 1 + N(0, 0.1²), beta N(0, 0.05²), `temp` 0.07,
/// `position_ids` = arange. The recipe of the golden fixtures (MANIFEST.md).
struct RandomWeights: WeightSource {
    let layout: [String: ParameterSpec]
    let seed: UInt64

    var keys: [String] { Array(layout.keys) }
    func shape(of key: String) -> [Int]? { layout[key]?.shape }

    func values(of key: String) -> [Float] {
        guard let spec = layout[key] else { return [] }
        let n = spec.shape.reduce(1, *)
        if key.hasSuffix("position_ids") { return (0..<n).map(Float.init) }
        if key == "temp" { return [0.07] }
        if key.hasSuffix("logit_scale") { return [Float(2.6592600)] }   // log(1/0.07), CLIP's init
        var rng = SeededGenerator(seed: seed ^ fnv1a(key))
        let isNorm = key.contains("LayerNorm") || key.contains("layer_norm") || key.contains(".ln_")
        let std: Float, mean: Float
        if isNorm { (mean, std) = key.hasSuffix("weight") ? (1, 0.1) : (0, 0.05) }
        else if key.contains("embedding") || key.hasSuffix("class_embedding") { (mean, std) = (0, 0.5) }
        else if spec.shape.count >= 2 { (mean, std) = (0, 1 / Float(spec.shape.dropFirst().reduce(1, *)).squareRoot()) }
        else { (mean, std) = (0, 0.05) }
        return rng.normalTensor(spec.shape, std: std, mean: mean).storage
    }

    /// The weights as a state dict (float32; `position_ids` int64), e.g. to write a checkpoint.
    func stateDict() -> [String: RawTensor] {
        var dict: [String: RawTensor] = [:]
        for (key, spec) in layout {
            let values = values(of: key)
            let bytes: Data
            if spec.dtype == .int64 { bytes = values.map { Int64($0) }.withUnsafeBytes { Data($0) } }
            else { bytes = values.withUnsafeBytes { Data($0) } }
            dict[key] = RawTensor(dtype: spec.dtype, shape: spec.shape, bytes: bytes)
        }
        return dict
    }
}

private func fnv1a(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    return hash
}

extension MPLUGModel {
    /// A model with seeded random weights in the official layout of `config` (only the tensors
    /// `parts` needs are generated). Used by the benchmarks (`MPLUGConfig.base`).
    public static func random(config: MPLUGConfig, parts: ModelParts, seed: UInt64 = 0) throws -> MPLUGModel {
        let layout = config.officialStateDictLayout(retrievalHeads: parts.contains(.retrievalHeads))
        return try MPLUGModel(config: config, source: RandomWeights(layout: layout, seed: seed), parts: parts)
    }

    /// The seeded random state dict of `config` in the official layout (all tensors materialised).
    public static func randomStateDict(config: MPLUGConfig, retrievalHeads: Bool = false, seed: UInt64 = 0) -> [String: RawTensor] {
        RandomWeights(layout: config.officialStateDictLayout(retrievalHeads: retrievalHeads), seed: seed).stateDict()
    }
}
import Foundation
