import Foundation
import XCTest
import DataIO
import TensorMath
import TestSupport
@testable import MPLUGModel

final class MPLUGModelTests: XCTestCase {
    static let configA = Fixtures.url("model/config_A_stride2/config.json")
    static let weightsA = Fixtures.url("model/config_A_stride2/weights.safetensors")

    // MARK: Config and schedules

    func testGoldenConfigAndFusionSchedules() throws {
        let config = try MPLUGConfig.load(goldenConfig: Self.configA)
        XCTAssertEqual(config.hiddenSize, 64)
        XCTAssertEqual(config.fusionStart, 1)
        XCTAssertEqual(config.visualTokens, 10)
        let meta = try XCTUnwrap(Fixtures.json("model/config_A_stride2/golden_meta.json") as? [String: Any])
        let kinds = try XCTUnwrap(meta["fusion_layer_kinds"] as? [String])
        let schedule = FusionSchedule.official(strideLayer: config.strideLayer)
        XCTAssertEqual((0..<config.fusionLayers).map { schedule.kind(ofLayer: $0).rawValue }, kinds)
        // ARCHITECTURE.md §4.6 table: stride 3 → one connected layer (j = 3); stride 6 → none.
        XCTAssertEqual((0..<6).filter { FusionSchedule.official(strideLayer: 3).kind(ofLayer: $0) == .connected }, [3])
        XCTAssertEqual((0..<6).filter { FusionSchedule.official(strideLayer: 6).kind(ofLayer: $0) == .connected }, [])
        XCTAssertEqual((0..<6).filter { FusionSchedule.connectedOnly.kind(ofLayer: $0) == .connected }.count, 6)
        XCTAssertEqual((0..<6).filter { FusionSchedule.coAttentionOnly.kind(ofLayer: $0) == .connected }.count, 0)
    }

    // MARK: Weight binding

    func testCaptionPartsSkipUnusedKeysAndReportProblems() throws {
        let config = try MPLUGConfig.load(goldenConfig: Self.configA)
        var dict = try SafeTensors.read(Self.weightsA)
        let caption = try MPLUGModel(config: config, stateDict: dict, parts: .caption)
        XCTAssertTrue(caption.skippedKeys.contains("text_encoder.encoder.layer.0.output.dense.weight"))
        XCTAssertTrue(caption.skippedKeys.contains("visual_encoder.token_embedding.weight"))
        XCTAssertFalse(caption.skippedKeys.contains { $0.hasPrefix("text_decoder.bert.encoder") })

        dict.removeValue(forKey: "text_decoder.bert.encoder.layer.1.crossattention.self.key.weight")
        dict["visual_encoder.visual.ln_post.bias"] = RawTensor(dtype: .float32, shape: [3], bytes: Data(count: 12))
        dict["text_decoder.bert.encoder.layer.7.output.dense.bias"] = dict["text_decoder.cls.predictions.bias"]
        dict["mystery.weight"] = dict["temp"]
        XCTAssertThrowsError(try MPLUGModel(config: config, stateDict: dict, parts: .caption)) { error in
            guard case let ModelError.weightMismatch(missing, wrongShape, unknown) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(missing, ["text_decoder.bert.encoder.layer.1.crossattention.self.key.weight"])
            XCTAssertEqual(wrongShape.count, 1)
            XCTAssertTrue(wrongShape[0].hasPrefix("visual_encoder.visual.ln_post.bias"))
            XCTAssertEqual(unknown, ["mystery.weight", "text_decoder.bert.encoder.layer.7.output.dense.bias"])
        }
    }

    // MARK: Official layout and the random base preset

    private func officialKeys(_ task: String) throws -> [String: ParameterSpec] {
        let json = try XCTUnwrap(Fixtures.json("model/base_state_dict_keys.json") as? [String: Any])
        let keys = try XCTUnwrap((json[task] as? [String: Any])?["keys"] as? [String: [Any]])
        return keys.mapValues { entry in
            let dtype: DType = (entry[1] as? String) == "int64" ? .int64 : .float32
            return ParameterSpec(shape: entry[0] as? [Int] ?? [-1], dtype: dtype)
        }
    }

    func testBasePresetLayoutEqualsOfficialCaptionAndVQAKeys() throws {
        let layout = MPLUGConfig.base.officialStateDictLayout()
        let caption = try officialKeys("caption")
        XCTAssertEqual(caption.count, 1047)
        XCTAssertEqual(Set(layout.keys).symmetricDifference(caption.keys).sorted(), [])
        for (key, spec) in caption { XCTAssertEqual(layout[key], spec, key) }
        let vqa = try officialKeys("vqa").filter { !$0.key.split(separator: ".")[0].hasSuffix("_m") }
        XCTAssertEqual(Set(layout.keys), Set(vqa.keys))
    }

    func testGoldenWeightsHaveTheOfficialLayout() throws {
        let config = try MPLUGConfig.load(goldenConfig: Self.configA)
        let layout = config.officialStateDictLayout(retrievalHeads: true)
        let dict = try SafeTensors.read(Self.weightsA).filter { !$0.key.hasPrefix("mlm_head.") }
        XCTAssertEqual(Set(layout.keys).symmetricDifference(dict.keys).sorted(), [])
        for (key, raw) in dict { XCTAssertEqual(layout[key]?.shape, raw.shape, key) }
    }

    /// A tiny random model: its written state dict loads back into the same model and generates.
    func testRandomStateDictRoundTrip() throws {
        var config = try MPLUGConfig.load(goldenConfig: Self.configA)
        config.strideLayer = 3
        let dict = MPLUGModel.randomStateDict(config: config, seed: 7)
        let loaded = try MPLUGModel(config: config, stateDict: dict, parts: .vqa)
        let direct = try MPLUGModel.random(config: config, parts: .vqa, seed: 7)
        var rng = SeededGenerator(seed: 3)
        let images = rng.normalTensor([1, 3, 48, 48], std: 1)
        let a = try loaded.encodeImages(images), b = try direct.encodeImages(images)
        XCTAssertEqual(a, b)
        let settings = GenerationSettings(beamSize: 3, minLength: 2, maxLength: 6)
        let hyps = try direct.generate(memory: DecoderMemory(states: b), settings: settings)
        XCTAssertEqual(hyps.count, 1)
        XCTAssertEqual(hyps[0].first?.ids.first, 101)
    }

    // MARK: Generation: K/V cache equals the official recomputation

    func testKVCacheMatchesRecomputation() throws {
        let config = try MPLUGConfig.load(goldenConfig: Self.configA)
        let model = try MPLUGModel(config: config, stateDict: SafeTensors.read(Self.weightsA), parts: .caption)
        var rng = SeededGenerator(seed: 11)
        let images = rng.normalTensor([3, 3, 48, 48], std: 1)
        let memory = DecoderMemory(states: try model.encodeImages(images))
        for settings in [GenerationSettings(beamSize: 4, minLength: 3, maxLength: 12, outSize: 4),
                         GenerationSettings(beamSize: 1, minLength: 0, maxLength: 9)] {
            let cached = try model.generate(memory: memory, settings: settings, useKVCache: true)
            let recomputed = try model.generate(memory: memory, settings: settings, useKVCache: false)
            XCTAssertEqual(cached.map { $0.map(\.ids) }, recomputed.map { $0.map(\.ids) })
            for (a, b) in zip(cached.joined(), recomputed.joined()) {
                XCTAssertTrue(isClose(Double(a.score), Double(b.score), rel: 1e-5), "\(a.score) vs \(b.score)")
            }
        }
    }

    /// The cached decoder's first step decodes one row per distinct (example, sequence) and copies
    /// it to the other beams: logits and the following step must equal decoding every row, bit for bit.
    func testFirstStepDecodesDistinctRowsOnceWithIdenticalResults() throws {
        let config = try MPLUGConfig.load(goldenConfig: Self.configA)
        let model = try MPLUGModel(config: config, stateDict: SafeTensors.read(Self.weightsA), parts: .caption)
        let decoder = try XCTUnwrap(model.decoder)
        var rng = SeededGenerator(seed: 12)
        let memory = DecoderMemory(states: try model.encodeImages(rng.normalTensor([2, 3, 48, 48], std: 1)))
        let examples = [0, 0, 0, 1, 1, 1]
        var shared = CachedDecoding(decoder: decoder, memory: memory)
        let sharedFirst = try shared.logits(sequences: examples.map { _ in [101] }, parents: nil, examples: examples)
        var everyRow = decoder.makeCache(memory: memory, memoryRow: examples)
        let everyRowFirst = try decoder.step(tokens: examples.map { _ in 101 }, cache: &everyRow)
        XCTAssertEqual(sharedFirst.shape, everyRowFirst.shape)
        XCTAssertEqual(sharedFirst.storage, everyRowFirst.storage)

        let parents = [2, 0, 0, 4, 3, 3], tokens = [7, 9, 11, 7, 13, 15]
        let sequences = zip(parents, tokens).map { [101, $1] }
        let sharedSecond = try shared.logits(sequences: sequences, parents: parents, examples: examples)
        everyRow.selectRows(parents, memoryRow: examples)
        let everyRowSecond = try decoder.step(tokens: tokens, cache: &everyRow)
        XCTAssertEqual(sharedSecond.storage, everyRowSecond.storage)
    }
}

final class ReleasedConfigTests: XCTestCase {
    /// The released-checkpoint path: official `config_bert_stride3.json` fields + `ViT-B-16` at 384
    /// give the base preset (ARCHITECTURE.md §1).
    func testBertJSONWithVisionPresetEqualsBase() throws {
        let json: [String: Any] = [
            "architectures": ["BertForMaskedLM"], "attention_probs_dropout_prob": 0.1, "hidden_act": "gelu",
            "hidden_dropout_prob": 0.1, "hidden_size": 768, "initializer_range": 0.02, "intermediate_size": 3072,
            "layer_norm_eps": 1e-12, "max_position_embeddings": 512, "model_type": "bert", "num_attention_heads": 12,
            "num_hidden_layers": 12, "pad_token_id": 0, "type_vocab_size": 2, "vocab_size": 30522, "encoder_width": 768,
            "add_cross_attention": true, "text_encoder_layers": 6, "fusion_layers": 6, "text_decode_layers": 12,
            "stride_layer": 3, "use_cache": false,
        ]
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("config_bert_stride3_\(getpid()).json")
        try JSONSerialization.data(withJSONObject: json).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let config = try MPLUGConfig.load(bertConfig: url, vision: try VisionPreset.named("ViT-B-16"), imageResolution: 384)
        XCTAssertEqual(config, MPLUGConfig.base)
        XCTAssertEqual(config.visualTokens, 577)
        let large = try MPLUGConfig.load(bertConfig: url, vision: try VisionPreset.named("ViT-L/14"), imageResolution: 336)
        XCTAssertTrue(large.usesVisionAdapter)
        XCTAssertEqual(large.visualTokens, 577)
        XCTAssertThrowsError(try VisionPreset.named("ViT-H-14"))
    }
}

final class CheckpointAdaptationTests: XCTestCase {
    private func raw(_ t: Tensor) -> RawTensor {
        RawTensor(dtype: .float32, shape: t.shape, bytes: t.storage.withUnsafeBytes { Data($0) })
    }

    /// Pre-trained key names are renamed like the official scripts; fine-tuned names are unchanged.
    func testKeyRenaming() throws {
        let config = try MPLUGConfig.load(goldenConfig: MPLUGModelTests.configA)
        let t = raw(Tensor(shape: [1], storage: [1]))
        let adapted = try config.adaptingCheckpoint([
            "text_encoder.bert.encoder.layer.0.output.dense.bias": t, "fusion_encoder.fusion.encoder.layer.3.output.dense.bias": t,
            "text_decoder.bert.embeddings.word_embeddings.weight": t, "fusion_encoder.encoder.layer.2.output.dense.bias": t,
        ])
        XCTAssertEqual(Set(adapted.keys), ["text_encoder.encoder.layer.0.output.dense.bias", "fusion_encoder.encoder.layer.3.output.dense.bias",
                                           "text_decoder.bert.embeddings.word_embeddings.weight", "fusion_encoder.encoder.layer.2.output.dense.bias"])
    }

    /// Bilinear resize (align_corners False) of the grid rows against a float64 evaluation of the
    /// PyTorch formula on a linear ramp, where bilinear interpolation is exact away from the clamped
    /// border; equal sizes copy exactly. Tolerance 1e-5.
    func testPositionalEmbeddingResize() throws {
        var rng = SeededGenerator(seed: 9)
        let same = rng.normalTensor([10, 4], std: 0.5)
        XCTAssertEqual(try resizedPositionalEmbedding(same, tokens: 10), same)
        // 2×2 grid → 4×4: values v(r, c) = r·10 + c on the source grid.
        var table = Tensor(shape: [5, 1], storage: [7, 0, 1, 10, 11])
        table = try resizedPositionalEmbedding(table, tokens: 17)
        XCTAssertEqual(table.storage[0], 7)
        let expected1D: [Double] = [0, 0.25, 0.75, 1]   // src = max((o + 0.5)·0.5 − 0.5, 0), clamped to 1
        for y in 0..<4 { for x in 0..<4 {
            XCTAssertEqual(Double(table.storage[1 + y * 4 + x]), expected1D[y] * 10 + expected1D[x], accuracy: 1e-5)
        } }
        XCTAssertThrowsError(try resizedPositionalEmbedding(Tensor(shape: [4, 1]), tokens: 17))
    }
}

final class VisionAdapterTests: XCTestCase {
    /// Vision width ≠ hidden size (the large models): `image_embeds = visn_layer_norm(visn_fc(ln_post))`
    /// with eps 1e-12, checked in float64 on a tiny random model. Tolerance 1e-5.
    func testAdapterMapsViTWidthToHidden() throws {
        var config = try MPLUGConfig.load(goldenConfig: MPLUGModelTests.configA)
        config.visionWidth = 96
        config.visionHeads = 3
        XCTAssertTrue(config.usesVisionAdapter)
        let dict = MPLUGModel.randomStateDict(config: config, seed: 5)
        XCTAssertEqual(dict["visn_fc.weight"]?.shape, [64, 96])
        let model = try MPLUGModel(config: config, stateDict: dict, parts: .caption)
        var rng = SeededGenerator(seed: 1)
        let trace = Trace()
        let embeds = try model.encodeImages(rng.normalTensor([2, 3, 48, 48], std: 1), trace: trace)
        XCTAssertEqual(embeds.shape, [2, 10, 64])
        let x = try XCTUnwrap(trace.tensors["vis_ln_post"]).storage.map(Double.init)
        let w = dict["visn_fc.weight"]!.doubles(), b = dict["visn_fc.bias"]!.doubles()
        let g = dict["visn_layer_norm.weight"]!.doubles(), beta = dict["visn_layer_norm.bias"]!.doubles()
        var worst = 0.0
        for r in 0..<20 {
            let y = (0..<64).map { o in b[o] + (0..<96).reduce(0.0) { $0 + x[r * 96 + $1] * w[o * 96 + $1] } }
            let mean = y.reduce(0, +) / 64, variance = y.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 64
            for o in 0..<64 {
                let expected = (y[o] - mean) / (variance + 1e-12).squareRoot() * g[o] + beta[o]
                worst = max(worst, abs(Double(embeds.storage[r * 64 + o]) - expected))
            }
        }
        XCTAssertLessThan(worst, 1e-5)
    }
}
