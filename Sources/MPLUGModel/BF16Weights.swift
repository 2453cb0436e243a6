import TensorMath

/// bf16 weights: every `Linear` of the model packed once as bf16 (round-to-nearest-even) so its
/// products run through `BF16GEMM` (fp32 accumulation). The ViT blocks then also run their
/// attention products (QKᵀ, P·V) through it (`bf16SelfAttention`). Embedding tables, LayerNorms,
/// biases, softmax, the ViT patch embedding and the BERT-side attention stay fp32.
extension MPLUGModel {
    /// A copy whose linear layers hold packed bf16 weights (their fp32 weights are dropped).
    /// Outputs differ from fp32 by bf16 rounding (≈ 2⁻⁹ relative per weight and activation).
    public func withBF16Weights() throws -> MPLUGModel {
        var model = self
        var failure: Error?
        func convert(_ layer: inout Linear) {
            guard layer.packedWeight == nil, failure == nil else { return }
            do {
                layer.packedWeight = try PackedBF16Matrix(layer.weight.storage, inputCount: layer.weight.shape[1],
                                                          outputCount: layer.weight.shape[0], layout: .outputsByInputs)
                layer.weight = Tensor(shape: [0, 0])
            } catch { failure = error }
        }
        model.vision.forEachLinear(convert)
        model.textEncoder?.layers.forEachLinear(convert)
        model.fusion?.layers.forEachLinear(convert)
        if model.decoder != nil {
            model.decoder!.layers.forEachLinear(convert)
            convert(&model.decoder!.head.transform)
            convert(&model.decoder!.head.decoder)
        }
        for optional in [\MPLUGModel.visionProjection, \.textProjection, \.itmHead] where model[keyPath: optional] != nil {
            convert(&model[keyPath: optional]!)
        }
        if model.mlmHead != nil {
            convert(&model.mlmHead!.transform)
            convert(&model.mlmHead!.decoder)
        }
        if let failure { throw failure }
        return model
    }
}

extension VisionTransformer {
    mutating func forEachLinear(_ body: (inout Linear) -> Void) {
        for i in blocks.indices {
            body(&blocks[i].inProjection); body(&blocks[i].outProjection)
            body(&blocks[i].fc); body(&blocks[i].projection)
        }
        if adapter != nil { body(&adapter!.fc) }
    }
}

extension Array where Element == BertLayer {
    mutating func forEachLinear(_ body: (inout Linear) -> Void) {
        for i in indices {
            self[i].attention.forEachLinear(body)
            if self[i].crossAttention != nil { self[i].crossAttention!.forEachLinear(body) }
            body(&self[i].feedForward.intermediate)
            body(&self[i].feedForward.output)
        }
    }
}

extension BertAttention {
    mutating func forEachLinear(_ body: (inout Linear) -> Void) {
        if queryKeyValue != nil { body(&queryKeyValue!) }
        if query != nil { body(&query!) }
        if keyValue != nil { body(&keyValue!) }
        body(&output)
    }
}
