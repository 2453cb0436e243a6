/// The timed parts of the model. Each setting of each part is one row of the report.
public enum BenchPart: String, Sendable, Codable, CaseIterable {
    /// CLIP ViT on the image batch.
    case visualEncoder = "visual_encoder"
    /// Text encoder + fusion encoder (the part where the fusion variants differ).
    case textEncoderFusion = "text_encoder_fusion"
    /// VQA path from image tokens: text encoder + fusion + answer generation (beam 5).
    case vqa
    /// Caption generation from the image tokens, beam 5 (no text encoder, no fusion).
    case captionBeam5 = "caption_beam5"
    /// Caption generation from the image tokens, greedy (beam 1).
    case captionGreedy = "caption_greedy"

    /// Whether the fusion variant changes this part's work.
    public var dependsOnFusion: Bool { self == .textEncoderFusion || self == .vqa }
    /// Whether this part generates tokens (and so has a KV-cache memory setting).
    public var generates: Bool { self == .vqa || self == .captionBeam5 || self == .captionGreedy }
    /// Beam width of the generating parts (VQA and captioning beam 5, greedy 1).
    public var beam: Int { self == .captionGreedy ? 1 : 5 }
}

/// Weight and GEMM precision.
public enum Precision: String, Sendable, Codable, CaseIterable {
    /// fp32 weights, OpenBLAS sgemm.
    case fp32
    /// bf16 weights (packed once), linear layers through the bf16 GEMM; the ViT's attention products
    /// (QKᵀ, P·V) too, the text/fusion/decoder attention stays fp32.
    case bf16
}

/// How generation uses memory: a KV cache, or recomputing the whole prefix every step.
public enum MemorySetting: String, Sendable, Codable {
    case kvCache = "kv_cache"
    case recompute
    /// Parts that do not generate.
    case none
}

/// One row of the grid: what runs and how.
public struct BenchSetting: Sendable, Hashable, Codable {
    public var part: BenchPart
    /// The fusion variant; nil for parts that do not run the fusion (visual encoder, captioning).
    public var variant: FusionVariant?
    public var precision: Precision
    public var memory: MemorySetting
    /// Images (examples) per batch.
    public var batch: Int

    public init(part: BenchPart, variant: FusionVariant?, precision: Precision, memory: MemorySetting, batch: Int) {
        self.part = part
        self.variant = variant
        self.precision = precision
        self.memory = memory
        self.batch = batch
    }
}

import MPLUGModel

/// The sizes and grid of one suite run (what the CLI options set).
public struct SuiteOptions: Sendable {
    /// Preset name shown in the report ("base" or "tiny").
    public var preset: String
    /// The model sizes (FLOPs, memory estimate and the random model all follow it).
    public var config: MPLUGConfig
    /// Strides of the official skip-connected schedule to time (connected-only and
    /// co-attention-only are always added).
    public var strides: [Int]
    public var precisions: [Precision]
    public var batches: [Int]
    /// Question / text length in tokens (including [CLS]).
    public var textLength: Int
    /// Caption tokens generated per example (min = max = this, so every step runs).
    public var generationLength: Int
    /// VQA answer tokens generated per example (min = max; the official max_length is 10).
    public var answerLength: Int
    public var warmup: Int
    public var repetitions: Int
    /// The parts to time (all by default).
    public var parts: [BenchPart] = BenchPart.allCases
    /// The generation memory settings to time (both by default; parts that do not generate are kept).
    public var memorySettings: [MemorySetting] = [.kvCache, .recompute]

    public init(preset: String, config: MPLUGConfig, strides: [Int] = [1, 2, 3, 6],
                precisions: [Precision] = [.fp32, .bf16], batches: [Int] = [1, 8], textLength: Int = 16,
                generationLength: Int = 20, answerLength: Int = 10, warmup: Int = 1, repetitions: Int = 5) {
        self.preset = preset
        self.config = config
        self.strides = strides
        self.precisions = precisions
        self.batches = batches
        self.textLength = textLength
        self.generationLength = generationLength
        self.answerLength = answerLength
        self.warmup = warmup
        self.repetitions = repetitions
    }

    /// Fusion variants timed: the official rule at each stride, then connected-only, co-attention-only.
    public var variants: [FusionVariant] {
        strides.map { FusionVariant.skipConnected(stride: $0) } + [.connectedOnly, .coAttentionOnly]
    }

    /// Every setting, in report order: per precision and batch, the visual encoder, text encoder +
    /// fusion and VQA for each variant, then captioning beam 5 / greedy with KV cache and recompute.
    public var settings: [BenchSetting] {
        var result: [BenchSetting] = []
        for precision in precisions {
            for batch in batches {
                result.append(BenchSetting(part: .visualEncoder, variant: nil, precision: precision, memory: .none, batch: batch))
                for variant in variants {
                    result.append(BenchSetting(part: .textEncoderFusion, variant: variant, precision: precision,
                                               memory: .none, batch: batch))
                }
                for variant in variants {
                    result.append(BenchSetting(part: .vqa, variant: variant, precision: precision, memory: .kvCache, batch: batch))
                }
                for part in [BenchPart.captionBeam5, .captionGreedy] {
                    for memory in [MemorySetting.kvCache, .recompute] {
                        result.append(BenchSetting(part: part, variant: nil, precision: precision, memory: memory, batch: batch))
                    }
                }
            }
        }
        return result.filter { parts.contains($0.part) && ($0.memory == .none || memorySettings.contains($0.memory)) }
    }

    /// Analytic FLOPs of one setting.
    public func flops(_ setting: BenchSetting) -> FlopCount {
        let d = config, b = setting.batch
        switch setting.part {
        case .visualEncoder:
            return FlopCounter.visualEncoder(d, batch: b)
        case .textEncoderFusion:
            return FlopCounter.textEncoderAndFusion(d, variant: setting.variant ?? .coAttentionOnly, batch: b, textLength: textLength)
        case .vqa:
            return FlopCounter.textEncoderAndFusion(d, variant: setting.variant ?? .coAttentionOnly, batch: b, textLength: textLength)
                + FlopCounter.generation(d, batch: b, beam: setting.part.beam, steps: answerLength,
                                         memoryLength: d.visualTokens + textLength, kvCache: setting.memory == .kvCache)
        case .captionBeam5, .captionGreedy:
            return FlopCounter.generation(d, batch: b, beam: setting.part.beam, steps: generationLength,
                                          memoryLength: d.visualTokens, kvCache: setting.memory == .kvCache)
        }
    }

    /// Tokens generated per example by a setting (0 for parts that do not generate).
    public func generatedTokens(_ setting: BenchSetting) -> Int {
        switch setting.part {
        case .vqa: return answerLength
        case .captionBeam5, .captionGreedy: return generationLength
        case .visualEncoder, .textEncoderFusion: return 0
        }
    }

    /// A rough upper estimate of the bytes a setting needs: the weights plus its largest live
    /// activations (several copies of the widest hidden state, one head's attention scores,
    /// caches and logits), with a 1.5× margin. Used to skip settings that cannot fit.
    public func estimatedBytes(_ setting: BenchSetting, weightBytes: Int) -> Int {
        let d = config, b = setting.batch, f = MemoryLayout<Float>.size
        let ni = d.visualTokens, h = d.hiddenSize
        var activations: Int
        switch setting.part {
        case .visualEncoder:
            activations = 6 * b * ni * 4 * d.visionWidth * f + ni * ni * f
        case .textEncoderFusion:
            activations = 6 * b * (ni + textLength) * d.intermediateSize * f + (ni + textLength) * (ni + textLength) * f
        case .vqa, .captionBeam5, .captionGreedy:
            let memory = setting.part == .vqa ? ni + textLength : ni
            let rows = b * setting.part.beam, steps = generatedTokens(setting)
            let memoryKV = d.decoderLayers * 2 * rows * memory * h * f
            let selfKV = d.decoderLayers * 2 * rows * steps * h * f
            let hidden = 6 * rows * steps * d.intermediateSize * f
            let logits = 3 * rows * steps * d.vocabSize * f
            activations = memoryKV + selfKV + hidden + logits
            if setting.part == .vqa {
                activations += 6 * b * (ni + textLength) * d.intermediateSize * f
            }
        }
        return weightBytes + activations * 3 / 2
    }
}
