import DataIO
import Foundation
import MPLUGModel
import TensorMath

/// Seeded random weights under the official state-dict names (ARCHITECTURE.md §12) for the parts
/// the suite runs (ViT, text encoder, the executed fusion modules, decoder + LM head). Only the
/// compute matters here; scales keep activations finite: matrices uniform with std 1/√fan_in,
/// embeddings std ≈ 0.3, biases ±0.05, LayerNorm γ = 1, β = 0.
public enum RandomWeights {
    public static func stateDict(config c: MPLUGConfig, seed: UInt64) -> StateDict {
        var shapes: [(String, [Int])] = []
        let h = c.hiddenSize, w = c.visionWidth, p = c.patchSize
        func layerNorm(_ prefix: String, _ width: Int) { shapes += [("\(prefix).weight", [width]), ("\(prefix).bias", [width])] }
        func linear(_ prefix: String, out: Int, in inWidth: Int) { shapes += [("\(prefix).weight", [out, inWidth]), ("\(prefix).bias", [out])] }

        let vit = "visual_encoder.visual"
        shapes += [("\(vit).conv1.weight", [w, 3, p, p]), ("\(vit).class_embedding", [w]),
                   ("\(vit).positional_embedding", [c.visualTokens, w])]
        layerNorm("\(vit).ln_pre", w)
        layerNorm("\(vit).ln_post", w)
        for i in 0..<c.visionLayers {
            let block = "\(vit).transformer.resblocks.\(i)"
            shapes += [("\(block).attn.in_proj_weight", [3 * w, w]), ("\(block).attn.in_proj_bias", [3 * w])]
            linear("\(block).attn.out_proj", out: w, in: w)
            layerNorm("\(block).ln_1", w)
            layerNorm("\(block).ln_2", w)
            linear("\(block).mlp.c_fc", out: 4 * w, in: w)
            linear("\(block).mlp.c_proj", out: w, in: 4 * w)
        }
        if c.usesVisionAdapter {
            linear("visn_fc", out: h, in: w)
            layerNorm("visn_layer_norm", h)
        }
        func embeddings(_ prefix: String) {
            shapes += [("\(prefix).word_embeddings.weight", [c.vocabSize, h]),
                       ("\(prefix).position_embeddings.weight", [c.maxPositions, h]),
                       ("\(prefix).token_type_embeddings.weight", [2, h])]
            layerNorm("\(prefix).LayerNorm", h)
        }
        func bertLayer(_ prefix: String, cross: Bool) {
            for name in ["query", "key", "value"] { linear("\(prefix).attention.self.\(name)", out: h, in: h) }
            linear("\(prefix).attention.output.dense", out: h, in: h)
            layerNorm("\(prefix).attention.output.LayerNorm", h)
            if cross {
                linear("\(prefix).crossattention.self.query", out: h, in: h)
                for name in ["key", "value"] { linear("\(prefix).crossattention.self.\(name)", out: h, in: c.encoderWidth) }
                linear("\(prefix).crossattention.output.dense", out: h, in: h)
                layerNorm("\(prefix).crossattention.output.LayerNorm", h)
            }
            linear("\(prefix).intermediate.dense", out: c.intermediateSize, in: h)
            linear("\(prefix).output.dense", out: h, in: c.intermediateSize)
            layerNorm("\(prefix).output.LayerNorm", h)
        }
        embeddings("text_encoder.embeddings")
        for i in 0..<c.textEncoderLayers { bertLayer("text_encoder.encoder.layer.\(i)", cross: false) }
        for i in c.fusionStart..<c.fusionModules { bertLayer("fusion_encoder.encoder.layer.\(i)", cross: true) }
        embeddings("text_decoder.bert.embeddings")
        for i in 0..<c.decoderLayers { bertLayer("text_decoder.bert.encoder.layer.\(i)", cross: true) }
        shapes.append(("text_decoder.cls.predictions.bias", [c.vocabSize]))
        linear("text_decoder.cls.predictions.transform.dense", out: h, in: h)
        layerNorm("text_decoder.cls.predictions.transform.LayerNorm", h)

        var generator = SeededGenerator(seed: seed)
        var dict: StateDict = [:]
        for (key, shape) in shapes {
            dict[key] = RawTensor(dtype: .float32, shape: shape, bytes: values(for: key, shape: shape, &generator))
        }
        return dict
    }

    /// Little-endian fp32 bytes for one tensor, uniform in ±half-width by the key's role.
    static func values(for key: String, shape: [Int], _ generator: inout SeededGenerator) -> Data {
        let count = shape.reduce(1, *)
        let isNorm = key.contains("LayerNorm") || key.contains("ln_") || key.contains("layer_norm")
        if isNorm {   // γ = 1, β = 0
            let value: Float = key.hasSuffix("weight") ? 1 : 0
            return [Float](repeating: value, count: count).withUnsafeBytes { Data($0) }
        }
        let halfWidth: Float
        if key.hasSuffix("bias") {
            halfWidth = 0.05
        } else if key.contains("embedding") {
            halfWidth = 0.5
        } else {
            let fanIn = shape.dropFirst().reduce(1, *)
            halfWidth = (3 / Float(max(fanIn, 1))).squareRoot()   // uniform std = 1/√fan_in
        }
        var data = Data(count: count * MemoryLayout<Float>.size)
        data.withUnsafeMutableBytes { raw in
            let floats = raw.bindMemory(to: Float.self)
            for i in 0..<count {   // uniform in [-1, 1) from the top 24 bits
                floats[i] = halfWidth * (Float(generator.next() >> 40) * 0x1p-23 - 1)
            }
        }
        return data
    }
}
