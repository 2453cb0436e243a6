import MPLUGModel

/// Model sizes the suite can build with random weights.
public enum BenchPreset: String, Sendable, CaseIterable {
    /// mPLUG-base as released for captioning / VQA (`config_bert_stride3.json`, ViT-B/16 at 384 px,
    /// Ni = 577): H 768, 12 heads, FFN 3072, vocabulary 30522, 6 text-encoder layers, 12 fusion
    /// modules of which the last 6 run, 12 decoder layers, stride 3.
    case base
    /// The sizes of the golden `config_A_stride2/config.json` (H 64, 4 heads, ViT width 64 with
    /// 2 layers on 48-px images, Ni = 10): runs in seconds, for CI smoke tests.
    case tiny

    public var config: MPLUGConfig {
        switch self {
        case .base:
            return .base
        case .tiny:
            return MPLUGConfig(hiddenSize: 64, attentionHeads: 4, intermediateSize: 128, vocabSize: 289, maxPositions: 64,
                               fusionModules: 6, fusionLayers: 5, textEncoderLayers: 2, decoderLayers: 2, strideLayer: 2,
                               encoderWidth: 64, imageResolution: 48,
                               vision: VisionPreset(width: 64, layers: 2, heads: 2, patchSize: 16,
                                                    clip: CLIPTextTower(embedDim: 32, width: 32, layers: 1, contextLength: 8, vocabSize: 50)),
                               embedDim: 32)
        }
    }
}

extension MPLUGConfig {
    /// The sizes the report records.
    var reportedSizes: [String: Int] {
        ["hidden_size": hiddenSize, "attention_heads": attentionHeads, "intermediate_size": intermediateSize,
         "vocab_size": vocabSize, "text_encoder_layers": textEncoderLayers, "fusion_layers": fusionLayers,
         "decoder_layers": decoderLayers, "vision_width": visionWidth, "vision_layers": visionLayers,
         "vision_heads": visionHeads, "patch_size": patchSize, "image_resolution": imageResolution,
         "visual_tokens": visualTokens]
    }
}
