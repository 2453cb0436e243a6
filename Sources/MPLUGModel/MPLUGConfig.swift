import Foundation

/// Sizes and switches of an mPLUG model (BERT side from the official bert json, vision side from
/// the CLIP model name and image resolution). See ARCHITECTURE.md §1, §4.6.
public struct MPLUGConfig: Sendable, Equatable {
    // BERT parts (text encoder, fusion encoder, decoder)
    public var hiddenSize: Int
    public var attentionHeads: Int
    public var intermediateSize: Int
    public var vocabSize: Int
    public var maxPositions: Int
    /// LayerNorm eps of every BERT LayerNorm and of `visn_layer_norm` (1e-12).
    public var layerNormEps: Float = 1e-12
    /// Fusion modules owned by the fusion encoder (`num_hidden_layers`); only the last `fusionLayers` run.
    public var fusionModules: Int
    public var fusionLayers: Int
    public var textEncoderLayers: Int
    public var decoderLayers: Int
    /// Executed fusion layer `j` is connected attention iff `j ≠ 0 && j % strideLayer == 0` (default 100).
    public var strideLayer: Int
    /// Width of the memory fed to cross-attention keys/values (= hiddenSize in released configs).
    public var encoderWidth: Int
    // Vision (CLIP ViT)
    public var imageResolution: Int
    public var visionWidth: Int
    public var visionLayers: Int
    public var visionHeads: Int
    public var patchSize: Int
    /// LayerNorm eps of the CLIP ViT (1e-5).
    public var visionLayerNormEps: Float = 1e-5
    /// LayerNorm eps of `visn_layer_norm` (1e-12, as every BERT LayerNorm).
    public var adapterLayerNormEps: Float = 1e-12
    /// ITC projection width.
    public var embedDim: Int
    /// The (unused) CLIP text tower and projections stored in every checkpoint.
    public var clip: CLIPTextTower

    /// Index of the first executed fusion module.
    public var fusionStart: Int { fusionModules - fusionLayers }
    /// Whether `visn_fc` + `visn_layer_norm` map the ViT width to the BERT width.
    public var usesVisionAdapter: Bool { visionWidth != hiddenSize }
    /// Visual tokens per image: patches + CLS.
    public var visualTokens: Int { (imageResolution / patchSize) * (imageResolution / patchSize) + 1 }

    public init(hiddenSize: Int, attentionHeads: Int, intermediateSize: Int, vocabSize: Int, maxPositions: Int,
                fusionModules: Int, fusionLayers: Int, textEncoderLayers: Int, decoderLayers: Int, strideLayer: Int,
                encoderWidth: Int, imageResolution: Int, vision: VisionPreset, embedDim: Int) {
        self.hiddenSize = hiddenSize; self.attentionHeads = attentionHeads; self.intermediateSize = intermediateSize
        self.vocabSize = vocabSize; self.maxPositions = maxPositions; self.fusionModules = fusionModules
        self.fusionLayers = fusionLayers; self.textEncoderLayers = textEncoderLayers; self.decoderLayers = decoderLayers
        self.strideLayer = strideLayer; self.encoderWidth = encoderWidth; self.imageResolution = imageResolution
        self.visionWidth = vision.width; self.visionLayers = vision.layers; self.visionHeads = vision.heads
        self.patchSize = vision.patchSize; self.embedDim = embedDim; self.clip = vision.clip
    }

    /// Checks the sizes that the forward pass relies on.
    public func validate() throws {
        func require(_ ok: Bool, _ message: String) throws { if !ok { throw ModelError.invalidConfig(message) } }
        try require(hiddenSize > 0 && hiddenSize % attentionHeads == 0, "hidden_size \(hiddenSize) is not a multiple of num_attention_heads \(attentionHeads)")
        try require(visionWidth % visionHeads == 0, "vision width \(visionWidth) is not a multiple of vision heads \(visionHeads)")
        try require(fusionLayers >= 0 && fusionLayers <= fusionModules, "fusion_layers \(fusionLayers) exceeds num_hidden_layers \(fusionModules)")
        try require(patchSize > 0 && imageResolution % patchSize == 0, "image_res \(imageResolution) is not a multiple of the patch size \(patchSize)")
        try require(strideLayer > 0, "stride_layer must be positive")
        try require(encoderWidth == hiddenSize, "encoder_width \(encoderWidth) must equal hidden_size \(hiddenSize) (the memory is always H wide)")
    }
}

/// Sizes of the CLIP parts that checkpoints contain but mPLUG never runs (text tower, `visual.proj`).
public struct CLIPTextTower: Sendable, Equatable {
    public var embedDim: Int, width: Int, layers: Int, contextLength: Int, vocabSize: Int
    public init(embedDim: Int, width: Int, layers: Int, contextLength: Int = 77, vocabSize: Int = 49408) {
        self.embedDim = embedDim; self.width = width; self.layers = layers; self.contextLength = contextLength; self.vocabSize = vocabSize
    }
}

/// The CLIP vision towers used by mPLUG (`heads = width / 64`).
public struct VisionPreset: Sendable, Equatable {
    public var width: Int, layers: Int, heads: Int, patchSize: Int
    public var clip: CLIPTextTower
    public init(width: Int, layers: Int, heads: Int, patchSize: Int, clip: CLIPTextTower) {
        self.width = width; self.layers = layers; self.heads = heads; self.patchSize = patchSize; self.clip = clip
    }
    public static let vitB16 = VisionPreset(width: 768, layers: 12, heads: 12, patchSize: 16,
                                            clip: CLIPTextTower(embedDim: 512, width: 512, layers: 12))
    public static let vitL14 = VisionPreset(width: 1024, layers: 24, heads: 16, patchSize: 14,
                                            clip: CLIPTextTower(embedDim: 768, width: 768, layers: 12))

    /// `ViT-B-16` / `ViT-L-14` (also accepts `ViT-B/16`, `ViT-L/14`).
    public static func named(_ name: String) throws -> VisionPreset {
        switch name.replacingOccurrences(of: "/", with: "-") {
        case "ViT-B-16": return .vitB16
        case "ViT-L-14": return .vitL14
        default: throw ModelError.invalidConfig("unknown vision model '\(name)' (expected ViT-B-16 or ViT-L-14)")
        }
    }
}

extension MPLUGConfig {
    /// The flat `config.json` of the golden fixtures: official bert-config fields plus
    /// `image_res`, `vision_width`, `vision_layers`, `vision_heads`, `vision_patch_size`, `embed_dim`.
    public static func load(goldenConfig url: URL) throws -> MPLUGConfig {
        let json = try readJSONObject(url)
        let fields = JSONFields(json: json, file: url.lastPathComponent)
        var config = try bert(fields)
        config.imageResolution = try fields.int("image_res")
        config.visionWidth = try fields.int("vision_width")
        config.visionLayers = try fields.int("vision_layers")
        config.visionHeads = try fields.int("vision_heads")
        config.patchSize = try fields.int("vision_patch_size")
        config.embedDim = try fields.int("embed_dim", default: 256)
        if let eps = json["vision_layer_norm_eps"] as? Double { config.visionLayerNormEps = Float(eps) }
        if let eps = json["visn_layer_norm_eps"] as? Double { config.adapterLayerNormEps = Float(eps) }
        config.clip = CLIPTextTower(embedDim: try fields.int("clip_embed_dim", default: 512), width: try fields.int("clip_text_width", default: 512),
                                    layers: try fields.int("clip_text_layers", default: 12),
                                    contextLength: try fields.int("clip_context_length", default: 77),
                                    vocabSize: try fields.int("clip_vocab_size", default: 49408))
        try config.validate()
        return config
    }

    /// A released-checkpoint configuration: the official bert json (`config_bert*.json`), the CLIP
    /// vision model name and the image resolution of the task (e.g. 384 for ViT-B/16, 336 for ViT-L/14).
    public static func load(bertConfig url: URL, vision: VisionPreset, imageResolution: Int, embedDim: Int = 256) throws -> MPLUGConfig {
        var config = try bert(JSONFields(json: try readJSONObject(url), file: url.lastPathComponent))
        config.visionWidth = vision.width; config.visionLayers = vision.layers
        config.visionHeads = vision.heads; config.patchSize = vision.patchSize; config.clip = vision.clip
        config.imageResolution = imageResolution
        config.embedDim = embedDim
        try config.validate()
        return config
    }

    private static func bert(_ f: JSONFields) throws -> MPLUGConfig {
        let hidden = try f.int("hidden_size")
        var config = MPLUGConfig(
            hiddenSize: hidden, attentionHeads: try f.int("num_attention_heads"),
            intermediateSize: try f.int("intermediate_size"), vocabSize: try f.int("vocab_size"),
            maxPositions: try f.int("max_position_embeddings"), fusionModules: try f.int("num_hidden_layers"),
            fusionLayers: try f.int("fusion_layers"), textEncoderLayers: try f.int("text_encoder_layers"),
            decoderLayers: try f.int("text_decode_layers"), strideLayer: try f.int("stride_layer", default: 100),
            encoderWidth: try f.int("encoder_width", default: hidden), imageResolution: 0,
            vision: VisionPreset(width: 0, layers: 0, heads: 1, patchSize: 1,
                                 clip: CLIPTextTower(embedDim: 0, width: 0, layers: 0)), embedDim: 256)
        if let eps = f.json["layer_norm_eps"] as? Double { config.layerNormEps = Float(eps) }
        if let act = f.json["hidden_act"] as? String, act != "gelu" {
            throw ModelError.invalidConfig("\(f.file): hidden_act '\(act)' is not supported (only exact 'gelu')")
        }
        return config
    }
}

private func readJSONObject(_ url: URL) throws -> [String: Any] {
    guard let data = try? Data(contentsOf: url) else { throw ModelError.invalidConfig("cannot read \(url.path)") }
    guard let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
        throw ModelError.invalidConfig("\(url.lastPathComponent) is not a JSON object")
    }
    return json
}

private struct JSONFields {
    let json: [String: Any]
    let file: String
    func int(_ key: String, default fallback: Int? = nil) throws -> Int {
        if let v = json[key] as? Int { return v }
        if let fallback { return fallback }
        throw ModelError.invalidConfig("\(file): missing integer field '\(key)'")
    }
}
