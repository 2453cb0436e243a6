import Foundation
import MPLUGModel
import TensorMath

/// The real model as the suite's workload: mPLUG with random seeded weights for one precision
/// (fp32, or every linear layer packed as bf16) and seeded random inputs per setting.
public final class ModelWorkloads: BenchWorkloads {
    public let model: MPLUGModel
    public let weightBytes: Int

    /// Builds the VQA model (ViT, text encoder, fusion, decoder; captioning uses a subset) with
    /// `MPLUGModel.random`; `weightBytes` is the live tensor bytes the built model holds.
    public init(config: MPLUGConfig, precision: Precision, seed: UInt64 = 2205_12005) throws {
        let before = TensorMemory.liveBytes
        var model = try MPLUGModel.random(config: config, parts: .vqa, seed: seed)
        if precision == .bf16 { model = try model.withBF16Weights() }
        self.model = model
        weightBytes = TensorMemory.liveBytes - before
        ProcessMemory.releaseFreedMemory()   // hand the freed state dict back before memory is measured
    }

    public func prepare(_ setting: BenchSetting, options: SuiteOptions) throws -> () throws -> Void {
        let c = model.config, b = setting.batch
        var rng = SeededGenerator(seed: 1000 + UInt64(b))
        let model = self.model
        // Question tokens: [CLS] then random word pieces past the special ids; no padding.
        let ids = (0..<b).map { _ in [101] + (1..<options.textLength).map { _ in Int.random(in: 104..<c.vocabSize, using: &rng) } }
        let mask = Array(repeating: Array(repeating: 1, count: options.textLength), count: b)
        let imageEmbeds = { (rng: inout SeededGenerator) in rng.normalTensor([b, c.visualTokens, c.hiddenSize], std: 1) }
        func generation(_ length: Int) -> GenerationSettings {
            GenerationSettings(beamSize: setting.part.beam, minLength: length, maxLength: length)
        }
        switch setting.part {
        case .visualEncoder:
            let images = rng.normalTensor([b, 3, c.imageResolution, c.imageResolution], std: 1)
            return { _ = try model.encodeImages(images) }
        case .textEncoderFusion:
            let image = imageEmbeds(&rng), schedule = try Self.schedule(setting)
            return {
                let text = try model.encodeText(ids: ids, mask: mask)
                _ = try model.fuse(text: text, textMask: mask, image: image, schedule: schedule)
            }
        case .vqa:
            let image = imageEmbeds(&rng), schedule = try Self.schedule(setting)
            let settings = generation(options.answerLength)
            return {
                let memory = try model.vqaMemory(questionIds: ids, questionMask: mask, imageEmbeds: image, schedule: schedule)
                _ = try model.generate(memory: memory, settings: settings, useKVCache: setting.memory == .kvCache)
            }
        case .captionBeam5, .captionGreedy:
            let memory = DecoderMemory(states: imageEmbeds(&rng))
            let settings = generation(options.generationLength)
            return { _ = try model.generate(memory: memory, settings: settings, useKVCache: setting.memory == .kvCache) }
        }
    }

    static func schedule(_ setting: BenchSetting) throws -> FusionSchedule {
        guard let variant = setting.variant else {
            throw BenchError.invalidSetting("\(setting.part.rawValue) needs a fusion variant")
        }
        return variant.schedule
    }
}
