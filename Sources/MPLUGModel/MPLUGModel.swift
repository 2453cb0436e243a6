import Foundation
import DataIO
import TensorMath

/// What a model instance is loaded for; decides the required state-dict keys.
public struct ModelParts: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    public static let textEncoder = ModelParts(rawValue: 1)
    public static let fusion = ModelParts(rawValue: 2)
    public static let decoder = ModelParts(rawValue: 4)
    /// `vision_proj`, `text_proj`, `itm_head` (retrieval).
    public static let retrievalHeads = ModelParts(rawValue: 8)
    /// `mlm_head.predictions.*` (the goldens' untied `BertOnlyMLMHead`).
    public static let mlmHead = ModelParts(rawValue: 16)

    /// Captioning: ViT + decoder.
    public static let caption: ModelParts = [.decoder]
    /// VQA: ViT + text encoder + fusion + decoder.
    public static let vqa: ModelParts = [.textEncoder, .fusion, .decoder]
    /// Retrieval: ViT + text encoder + fusion + ITC/ITM heads.
    public static let retrieval: ModelParts = [.textEncoder, .fusion, .retrievalHeads]
    /// Everything (conformance against the goldens).
    public static let all: ModelParts = [.textEncoder, .fusion, .decoder, .retrievalHeads, .mlmHead]
}

/// The mPLUG model in float32: CLIP ViT, BERT text encoder, skip-connected fusion encoder, BERT
/// decoder with tied LM head, ITC/ITM/MLM heads (ARCHITECTURE.md, official alibaba/AliceMind code).
public struct MPLUGModel: Sendable {
    public let config: MPLUGConfig
    public let parts: ModelParts
    /// State-dict keys that are known but not used by `parts` (unused CLIP text tower, dead fusion
    /// modules, tied duplicates, momentum copies, ...).
    public let skippedKeys: [String]
    var vision: VisionTransformer
    var textEncoder: TextEncoder?
    var fusion: FusionEncoder?
    var decoder: TextDecoder?
    var visionProjection: Linear?
    var textProjection: Linear?
    var itmHead: Linear?
    var mlmHead: LanguageModelHead?
    /// The ITC temperature (`temp`), if present in the state dict.
    public let temperature: Float?

    /// Binds the weights `parts` needs. Throws `ModelError.weightMismatch` listing every missing
    /// required key, every wrong shape and every key that is neither used nor known.
    public init(config: MPLUGConfig, stateDict: [String: RawTensor], parts: ModelParts) throws {
        try self.init(config: config, source: StateDictSource(stateDict: stateDict), parts: parts)
    }

    init(config: MPLUGConfig, source: WeightSource, parts: ModelParts) throws {
        try config.validate()
        let b = WeightBinder(source)
        self.config = config
        self.parts = parts
        vision = .bind(b, config: config)
        if parts.contains(.textEncoder) { textEncoder = .bind(b, config: config) }
        if parts.contains(.fusion) { fusion = .bind(b, config: config) }
        if parts.contains(.decoder) { decoder = .bind(b, config: config) }
        if parts.contains(.retrievalHeads) {
            visionProjection = b.linear("vision_proj", out: config.embedDim, in: config.hiddenSize)
            textProjection = b.linear("text_proj", out: config.embedDim, in: config.hiddenSize)
            itmHead = b.linear("itm_head", out: 2, in: config.hiddenSize)
        }
        if parts.contains(.mlmHead) { mlmHead = .bind(b, "mlm_head.predictions", config: config, tiedWeight: nil) }
        temperature = source.shape(of: "temp") != nil ? source.values(of: "temp").first : nil
        var skipped: [String] = [], unknown: [String] = []
        for key in b.unconsumed {
            if isKnownUnused(key, config: config, parts: parts) { skipped.append(key) } else { unknown.append(key) }
        }
        guard b.missing.isEmpty && b.wrongShape.isEmpty && unknown.isEmpty else {
            throw ModelError.weightMismatch(missing: b.missing.sorted(), wrongShape: b.wrongShape.sorted(), unknown: unknown)
        }
        skippedKeys = skipped
    }

    /// One log line about the keys that were present but not needed.
    public var skippedKeysSummary: String {
        "loaded \(parts) weights; skipped \(skippedKeys.count) known-but-unused keys"
    }

    func require<T>(_ part: T?, _ name: String) throws -> T {
        guard let part else { throw ModelError.invalidInput("the model was loaded without the \(name); load it with the matching ModelParts") }
        return part
    }
}

/// Keys of official checkpoints that inference never reads (or that belong to parts not loaded).
private func isKnownUnused(_ key: String, config: MPLUGConfig, parts: ModelParts) -> Bool {
    let alwaysUnusedPrefixes = ["visual_encoder_m.", "text_encoder_m.", "fusion_encoder_m.", "text_decoder_m.",
                                "vision_proj_m.", "text_proj_m.", "visn_fc_m.", "visn_layer_norm_m.", "fusion_encoder.embeddings."]
    let alwaysUnusedKeys: Set<String> = ["temp", "image_queue", "text_queue", "idx_queue", "queue_ptr", "visual_encoder.visual.proj",
                                         "text_decoder.cls.predictions.decoder.weight", "text_decoder.cls.predictions.decoder.bias",
                                         "mlm_head.predictions.decoder.bias"]
    if alwaysUnusedKeys.contains(key) || alwaysUnusedPrefixes.contains(where: key.hasPrefix) { return true }
    if key.hasSuffix(".embeddings.position_ids") { return true }
    // The CLIP text tower: everything under visual_encoder. except the ViT.
    if key.hasPrefix("visual_encoder.") && !key.hasPrefix("visual_encoder.visual.") { return true }
    // Dead leading fusion modules.
    if key.hasPrefix("fusion_encoder.encoder.layer."),
       let index = Int(key.dropFirst("fusion_encoder.encoder.layer.".count).prefix { $0.isNumber }),
       index < config.fusionStart { return true }
    // Parts not loaded.
    let partPrefixes: [(ModelParts, [String])] = [
        (.textEncoder, ["text_encoder."]), (.fusion, ["fusion_encoder."]), (.decoder, ["text_decoder."]),
        (.retrievalHeads, ["vision_proj.", "text_proj.", "itm_head."]), (.mlmHead, ["mlm_head."]),
    ]
    for (part, prefixes) in partPrefixes where !parts.contains(part) && prefixes.contains(where: key.hasPrefix) { return true }
    return false
}

extension ModelParts: CustomStringConvertible {
    public var description: String {
        let names: [(ModelParts, String)] = [(.textEncoder, "text encoder"), (.fusion, "fusion"), (.decoder, "decoder"),
                                             (.retrievalHeads, "retrieval heads"), (.mlmHead, "MLM head")]
        return (["vision"] + names.filter { contains($0.0) }.map(\.1)).joined(separator: "+")
    }
}
