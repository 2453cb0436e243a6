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
}
