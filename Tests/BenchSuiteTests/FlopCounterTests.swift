@testable import BenchSuite
import MPLUGModel
import TestSupport
import XCTest

final class FlopCounterTests: XCTestCase {
    /// A config small enough to count by hand: H = 8, FFN 16, 2 heads, 1 text layer, 2 fusion
    /// layers, 1 decoder layer, V = 10, ViT W = 4 with 1 layer, patch 2 on a 4-px image (Ni = 5).
    let small = MPLUGConfig(hiddenSize: 8, attentionHeads: 2, intermediateSize: 16, vocabSize: 10, maxPositions: 16,
                            fusionModules: 2, fusionLayers: 2, textEncoderLayers: 1, decoderLayers: 1, strideLayer: 2,
                            encoderWidth: 8, imageResolution: 4,
                            vision: VisionPreset(width: 4, layers: 1, heads: 1, patchSize: 2,
                                                 clip: CLIPTextTower(embedDim: 4, width: 4, layers: 1)), embedDim: 4)

    func testVisualEncoderByHand() {
        // patches 4 x (3·2·2 = 12) x 4: 2·4·4·12 = 384
        // QKV 5x12x4: 480; QKᵀ 5x5x4: 200; PV 200; out 5x4x4: 160; FFN up 5x16x4: 640, down 640
        // visn_fc (W 4 ≠ H 8) 5x8x4: 320
        let count = FlopCounter.visualEncoder(small, batch: 1)
        XCTAssertEqual(count.total, 384 + 480 + 200 + 200 + 160 + 640 + 640 + 320)
        XCTAssertEqual(FlopCounter.visualEncoder(small, batch: 3).total, 3 * count.total)
    }

    func testTextEncoderAndFusionByHand() {
        let lt = 3
        // text layer (L = 3, H = 8, FFN 16): QKV 2·3·24·8 = 1152, QKᵀ+PV 2·2·3·3·8 = 288,
        // out 2·3·8·8 = 384, FFN 2·2·3·8·16 = 1536 → 3360
        let textLayer = 1152.0 + 288 + 384 + 1536
        XCTAssertEqual(FlopCounter.textEncoder(small, batch: 1, textLength: lt).total, textLayer)
        // co-attention layer: text layer + cross (Q 384, K/V 2·5·16·8 = 1280, QKᵀ+PV 2·2·3·5·8 = 480, out 384)
        let coLayer = textLayer + 384 + 1280 + 480 + 384
        // connected layer over L = 8: QKV 2·8·24·8 = 3072, attn 2·2·8·8·8 = 2048, out 1024, FFN 4096
        let connectedLayer = 3072.0 + 2048 + 1024 + 4096
        func total(_ v: FusionVariant) -> Double {
            FlopCounter.textEncoderAndFusion(small, variant: v, batch: 1, textLength: lt).total
        }
        XCTAssertEqual(total(.coAttentionOnly), textLayer + 2 * coLayer)
        XCTAssertEqual(total(.connectedOnly), textLayer + 2 * connectedLayer)
        XCTAssertEqual(total(.skipConnected(stride: 1)), textLayer + coLayer + connectedLayer)
        XCTAssertEqual(total(.skipConnected(stride: 2)), textLayer + 2 * coLayer)   // j = 0, 1: both co
    }

    func testGenerationByHand() {
        // 1 example, beam 2, 2 steps, memory 5, H 8, heads 2 (hd 4), FFN 16, V 10, 1 layer.
        // KV cache: memory K/V once 2·5·16·8 = 1280. Per step t (prefix p = t+1, 2 rows, 1 new token each):
        // QKV 2·2·24·8 = 768, QKᵀ 2·1·p·4·(2·2) = 32p, PV 32p, out 256, cross Q 256, cross QKᵀ+PV 2·(2·1·5·4·4) = 320,
        // cross out 256, FFN 2·2·2·8·16 = 1024, LM transform 256, LM decoder 2·2·10·8 = 320.
        func cachedStep(_ p: Double) -> Double { 768 + 64 * p + 256 + 256 + 320 + 256 + 1024 + 256 + 320 }
        let cached = FlopCounter.generation(small, batch: 1, beam: 2, steps: 2, memoryLength: 5, kvCache: true)
        XCTAssertEqual(cached.total, 1280 + cachedStep(1) + cachedStep(2))
        // Recompute: step with prefix p runs p tokens per row and the memory K/V of both rows'
        // tiled memory copies (2·(2·5)·16·8 = 2560): QKV 768p, QKᵀ+PV 64p², out 256p, cross Q 256p,
        // cross K/V 2560, cross attn 320p, cross out 256p, FFN 1024p, LM 576p.
        func recomputeStep(_ p: Double) -> Double { 768 * p + 64 * p * p + 256 * p + 256 * p + 2560 + 320 * p + 256 * p + 1024 * p + 576 * p }
        let recompute = FlopCounter.generation(small, batch: 1, beam: 2, steps: 2, memoryLength: 5, kvCache: false)
        XCTAssertEqual(recompute.total, recomputeStep(1) + recomputeStep(2))
    }

    /// The issue's analytic figures for mplug-base, batch 1, text length 16 (text encoder included).
    func testBaseFiguresFromTheIssue() {
        func gflop(_ v: FusionVariant) -> Double {
            FlopCounter.textEncoderAndFusion(BenchPreset.base.config, variant: v, batch: 1, textLength: 16).total / 1e9
        }
        XCTAssertEqual(gflop(.connectedOnly), 58.2, accuracy: 0.05)
        XCTAssertEqual(gflop(.skipConnected(stride: 3)), 19.1, accuracy: 0.05)
        XCTAssertEqual(FlopCounter.textEncoderAndFusion(BenchPreset.base.config, variant: .connectedOnly, batch: 8, textLength: 16).total,
                       8 * gflop(.connectedOnly) * 1e9, accuracy: 1)
    }

    func testMainShapeIsTheLargestContributor() {
        let count = FlopCounter.visualEncoder(BenchPreset.base.config, batch: 1)
        XCTAssertEqual(count.mainShape, GEMMShape(m: 577, n: 3072, k: 768))
    }

    func testSchedulesFollowTheOfficialRule() {
        XCTAssertEqual(FusionVariant.skipConnected(stride: 3).connectedLayers(count: 6), [false, false, false, true, false, false])
        XCTAssertEqual(FusionVariant.skipConnected(stride: 2).connectedLayers(count: 6), [false, false, true, false, true, false])
        XCTAssertEqual(FusionVariant.skipConnected(stride: 6).connectedLayers(count: 6), Array(repeating: false, count: 6))
        XCTAssertEqual(FusionVariant.connectedOnly.connectedLayers(count: 3), [true, true, true])
    }

    func testTinyPresetHasTheSizesOfTheGoldenConfigA() throws {
        let fixture = try MPLUGConfig.load(goldenConfig: Fixtures.url("model/config_A_stride2/config.json"))
        XCTAssertEqual(BenchPreset.tiny.config, fixture)
        XCTAssertEqual(BenchPreset.tiny.config.visualTokens, 10)   // (48/16)² + 1
    }
}
