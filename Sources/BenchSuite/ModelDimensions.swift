import Foundation

/// The sizes of an mPLUG model that decide its compute: what the FLOP counter and the memory
/// estimate read. Keys follow the official bert json (`config_bert_stride3.json`) and the
/// golden `config.json` files (`hidden_size`, `vision_width`, `image_res`, …).
public struct ModelDimensions: Sendable, Equatable, Codable {
    /// BERT hidden size H (768 base).
    public var hiddenSize: Int
    /// BERT FFN width (3072 base).
    public var intermediateSize: Int
    /// BERT attention heads (12 base).
    public var attentionHeads: Int
    /// Width of the memory seen by cross-attention K/V (`encoder_width`, = H in released configs).
    public var encoderWidth: Int
    public var textEncoderLayers: Int
    /// Fusion layers that run (`fusion_layers`; the leading `num_hidden_layers − fusion_layers` are dead).
    public var fusionLayers: Int
    public var decoderLayers: Int
    public var vocabularySize: Int
    /// ViT width W (768 ViT-B/16); a `visn_fc` W→H projection exists when W ≠ H.
    public var visionWidth: Int
    public var visionLayers: Int
    /// ViT heads (W / 64 for CLIP).
    public var visionHeads: Int
    public var patchSize: Int
    public var imageResolution: Int

    /// Visual tokens Ni = (image_res / patch)² + 1 (the CLS token).
    public var visualTokens: Int { (imageResolution / patchSize) * (imageResolution / patchSize) + 1 }

    public init(hiddenSize: Int, intermediateSize: Int, attentionHeads: Int, encoderWidth: Int,
                textEncoderLayers: Int, fusionLayers: Int, decoderLayers: Int, vocabularySize: Int,
                visionWidth: Int, visionLayers: Int, visionHeads: Int, patchSize: Int, imageResolution: Int) {
        self.hiddenSize = hiddenSize
        self.intermediateSize = intermediateSize
        self.attentionHeads = attentionHeads
        self.encoderWidth = encoderWidth
        self.textEncoderLayers = textEncoderLayers
        self.fusionLayers = fusionLayers
        self.decoderLayers = decoderLayers
        self.vocabularySize = vocabularySize
        self.visionWidth = visionWidth
        self.visionLayers = visionLayers
        self.visionHeads = visionHeads
        self.patchSize = patchSize
        self.imageResolution = imageResolution
    }

    /// mPLUG-base as released for captioning / VQA: ViT-B/16 at 384 px (Ni = 577), BERT-base,
    /// 6 text-encoder layers, 6 fusion layers, 12 decoder layers, vocabulary 30522.
    public static let base = ModelDimensions(
        hiddenSize: 768, intermediateSize: 3072, attentionHeads: 12, encoderWidth: 768, textEncoderLayers: 6,
        fusionLayers: 6, decoderLayers: 12, vocabularySize: 30522, visionWidth: 768, visionLayers: 12,
        visionHeads: 12, patchSize: 16, imageResolution: 384)

    /// Reads the sizes from a parsed bert/golden `config.json` dictionary.
    public init(configJSON json: [String: Any]) throws {
        func int(_ key: String, default fallback: Int? = nil) throws -> Int {
            if let value = json[key] as? Int { return value }
            if let fallback { return fallback }
            throw BenchError.invalidSetting("config.json: missing integer \"\(key)\"")
        }
        let hidden = try int("hidden_size")
        self.init(hiddenSize: hidden, intermediateSize: try int("intermediate_size"),
                  attentionHeads: try int("num_attention_heads"), encoderWidth: try int("encoder_width", default: hidden),
                  textEncoderLayers: try int("text_encoder_layers"), fusionLayers: try int("fusion_layers"),
                  decoderLayers: try int("text_decode_layers"), vocabularySize: try int("vocab_size"),
                  visionWidth: try int("vision_width"), visionLayers: try int("vision_layers"),
                  visionHeads: try int("vision_heads", default: max(1, ((json["vision_width"] as? Int) ?? 64) / 64)),
                  patchSize: try int("vision_patch_size"), imageResolution: try int("image_res"))
    }
}
