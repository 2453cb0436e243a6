import DataIO
import TensorMath
import TestSupport
import XCTest
@testable import MPLUGModel

/// The bf16 model path (`withBF16Weights`): every linear layer through the bf16 GEMM.
/// Reference: the same model in fp32 on the golden config-A weights. Tolerance: relative
/// Frobenius error ≤ 3e-2 per output (bf16 keeps 8 significant bits, ≈ 2⁻⁹ relative per rounding,
/// accumulated over a few layers; LayerNorms keep the scale bounded).
final class BF16WeightsTests: XCTestCase {
    static func relativeError(_ actual: Tensor, _ expected: Tensor) -> Double {
        var num = 0.0, den = 0.0
        for (a, e) in zip(actual.storage, expected.storage) {
            num += Double(a - e) * Double(a - e)
            den += Double(e) * Double(e)
        }
        return (num / den).squareRoot()
    }

    func testBF16ModelTracksTheFP32ModelOnImagesAndFusion() throws {
        let config = try MPLUGConfig.load(goldenConfig: Fixtures.url("model/config_A_stride2/config.json"))
        let weights = try SafeTensors.read(Fixtures.url("model/config_A_stride2/weights.safetensors"))
        let fp32 = try MPLUGModel(config: config, stateDict: weights, parts: .vqa)
        let bf16 = try fp32.withBF16Weights()
        var rng = SeededGenerator(seed: 11)
        let images = rng.normalTensor([2, 3, config.imageResolution, config.imageResolution], std: 1)

        let embeds32 = try fp32.encodeImages(images), embeds16 = try bf16.encodeImages(images)
        XCTAssertEqual(embeds16.shape, embeds32.shape)
        let imageError = Self.relativeError(embeds16, embeds32)
        XCTAssertLessThanOrEqual(imageError, 3e-2)
        XCTAssertGreaterThan(imageError, 1e-5, "the bf16 model must actually round (is the bf16 GEMM used?)")

        let ids = [[101, 120, 130, 140], [101, 150, 160, 170]], mask = [[1, 1, 1, 1], [1, 1, 1, 0]]
        let memory32 = try fp32.vqaMemory(questionIds: ids, questionMask: mask, imageEmbeds: embeds32)
        let memory16 = try bf16.vqaMemory(questionIds: ids, questionMask: mask, imageEmbeds: embeds32)
        XCTAssertLessThanOrEqual(Self.relativeError(memory16.states, memory32.states), 3e-2)
    }

    func testConversionReplacesEveryLinearWeight() throws {
        let config = try MPLUGConfig.load(goldenConfig: Fixtures.url("model/config_A_stride2/config.json"))
        let model = try MPLUGModel.random(config: config, parts: .vqa, seed: 3).withBF16Weights()
        var fp32Weights = 0
        var vision = model.vision
        vision.forEachLinear { if $0.packedWeight == nil { fp32Weights += 1 } }
        var layers = model.textEncoder!.layers + model.fusion!.layers + model.decoder!.layers
        layers.forEachLinear { if $0.packedWeight == nil { fp32Weights += 1 } }
        XCTAssertEqual(fp32Weights, 0)
        XCTAssertNotNil(model.decoder!.head.decoder.packedWeight)
        XCTAssertEqual(model.decoder!.head.decoder.outWidth, config.vocabSize)
    }
}
