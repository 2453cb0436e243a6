import TensorMath

/// CLIP ViT `visual_encoder.visual` called with `skip_last_layer=True`, plus `visn_fc` +
/// `visn_layer_norm` when the ViT width differs from the BERT width (ARCHITECTURE.md §3).
struct VisionTransformer: Sendable {
    struct Block: Sendable {
        var norm1: LayerNorm
        var inProjection: Linear      // packed Q|K|V [3W, W]
        var outProjection: Linear
        var norm2: LayerNorm
        var fc: Linear
        var projection: Linear
    }
    var patchWeight: Tensor           // conv1 as [W, 3·p·p]
    var classEmbedding: Tensor        // [W]
    var positionalEmbedding: Tensor   // [Ni, W]
    var preNorm: LayerNorm
    var blocks: [Block]
    var postNorm: LayerNorm
    var adapter: (fc: Linear, norm: LayerNorm)?
    var heads: Int
    var patchSize: Int
    var resolution: Int

    static func bind(_ b: WeightBinder, config c: MPLUGConfig) -> VisionTransformer {
        let w = c.visionWidth, p = c.patchSize, eps = c.visionLayerNormEps, prefix = "visual_encoder.visual"
        let conv = b.tensor("\(prefix).conv1.weight", [w, 3, p, p]).reshaped([w, 3 * p * p])
        let blocks = (0..<c.visionLayers).map { i -> Block in
            let bp = "\(prefix).transformer.resblocks.\(i)"
            return Block(norm1: b.layerNorm("\(bp).ln_1", width: w, eps: eps),
                         inProjection: Linear(weight: b.tensor("\(bp).attn.in_proj_weight", [3 * w, w]),
                                              bias: b.tensor("\(bp).attn.in_proj_bias", [3 * w])),
                         outProjection: b.linear("\(bp).attn.out_proj", out: w, in: w),
                         norm2: b.layerNorm("\(bp).ln_2", width: w, eps: eps),
                         fc: b.linear("\(bp).mlp.c_fc", out: 4 * w, in: w),
                         projection: b.linear("\(bp).mlp.c_proj", out: w, in: 4 * w))
        }
        let adapter = c.usesVisionAdapter
            ? (fc: b.linear("visn_fc", out: c.hiddenSize, in: w), norm: b.layerNorm("visn_layer_norm", width: c.hiddenSize, eps: c.adapterLayerNormEps))
            : nil
        return VisionTransformer(patchWeight: conv, classEmbedding: b.tensor("\(prefix).class_embedding", [w]),
                                 positionalEmbedding: b.tensor("\(prefix).positional_embedding", [c.visualTokens, w]),
                                 preNorm: b.layerNorm("\(prefix).ln_pre", width: w, eps: eps), blocks: blocks,
                                 postNorm: b.layerNorm("\(prefix).ln_post", width: w, eps: eps), adapter: adapter,
                                 heads: c.visionHeads, patchSize: p, resolution: c.imageResolution)
    }

    /// Preprocessed images `[B, 3, R, R]` (CLIP-normalised) → image embeddings `[B, Ni, H]`.
    func callAsFunction(_ images: Tensor, trace: Trace? = nil) throws -> Tensor {
        let r = resolution, p = patchSize, g = r / p, w = classEmbedding.count
        guard images.shape.count == 4, images.shape[1] == 3, images.shape[2] == r, images.shape[3] == r else {
            throw ModelError.invalidInput("images have shape \(images.shape), expected [B, 3, \(r), \(r)]")
        }
        let batch = images.shape[0], tokens = g * g + 1
        // Patch embedding: each patch flattened in (channel, ky, kx) order times conv1 as [W, 3·p·p].
        var patches = Tensor(shape: [batch * g * g, 3 * p * p])
        for b in 0..<batch { for gy in 0..<g { for gx in 0..<g {
            let row = (b * g * g + gy * g + gx) * 3 * p * p
            for ch in 0..<3 { for ky in 0..<p { for kx in 0..<p {
                patches.storage[row + (ch * p + ky) * p + kx] = images.storage[((b * 3 + ch) * r + gy * p + ky) * r + gx * p + kx]
            } } }
        } } }
        let embedded = linear(patches, weight: patchWeight, bias: nil)
        var x = Tensor(shape: [batch, tokens, w])
        for b in 0..<batch {
            for t in 0..<tokens {
                for j in 0..<w {
                    let v = t == 0 ? classEmbedding.storage[j] : embedded.storage[(b * g * g + t - 1) * w + j]
                    x.storage[(b * tokens + t) * w + j] = v + positionalEmbedding.storage[t * w + j]
                }
            }
        }
        trace?.record("vis_patch_tokens", x)
        x = preNorm(x)
        trace?.record("vis_ln_pre", x)
        for (i, block) in blocks.enumerated() {
            let qkv = block.inProjection(block.norm1(x))
            // bf16 weights: QKᵀ and P·V go through the bf16 GEMM too (BF16Attention.swift).
            let context = block.inProjection.packedWeight != nil ? bf16SelfAttention(qkv, heads: heads)
                : multiHeadAttention(query: HeadBlock(qkv), key: HeadBlock(qkv, column: w), value: HeadBlock(qkv, column: 2 * w),
                                     heads: heads, headDim: w / heads)
            x.add(block.outProjection(context))
            var hidden = block.fc(block.norm2(x))
            hidden.apply(.quickGelu)
            x.add(block.projection(hidden))
            trace?.record("vis_block\(i)", x)
        }
        x = postNorm(x)
        trace?.record("vis_ln_post", x)
        if let adapter { x = adapter.norm(adapter.fc(x)) }
        trace?.record("image_embeds", x)
        return x
    }
}
