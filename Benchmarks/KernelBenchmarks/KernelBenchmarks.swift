// Micro-benchmarks of the tensor kernels at mPLUG-base shapes. Run: `swift package benchmark`
// (release build). Speed is measured here and in `mplug-bench`, never in unit tests.
import Benchmark
import COpenBLAS
import TensorMath

/// ViT-B/16 at 384 px: 577 tokens of width 768, MLP 3072, 12 heads of 64.
private let tokens = 577, width = 768, inner = 3072, heads = 12

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .throughput, .peakMemoryResident],
                                           maxDuration: .seconds(2))
    print("OpenBLAS core: \(Gemm.coreName); bf16 kernel: \(BF16GEMM.activeKernel.rawValue)")
    var rng = SeededGenerator(seed: 7)
    // The ViT's linear layers (577 tokens): Q|K|V 768→2304, attention output 768→768, MLP 768→3072
    // and 3072→768, each through OpenBLAS sgemm (fp32) and the bf16 GEMM with the weight packed once.
    let inputs = [width: rng.normalTensor([1, tokens, width], std: 1), inner: rng.normalTensor([1, tokens, inner], std: 1)]
    for (inWidth, outWidth) in [(width, 3 * width), (width, width), (width, inner), (inner, width)] {
        let x = inputs[inWidth]!
        let weight = rng.normalTensor([outWidth, inWidth], std: 0.03)   // nn.Linear layout [out, in]
        let bias = rng.normalTensor([outWidth], std: 0.05)
        let shape = "\(tokens)x\(inWidth)→\(outWidth)"
        Benchmark("linear fp32 \(shape) (sgemm)") { benchmark in
            for _ in benchmark.scaledIterations { blackHole(linear(x, weight: weight, bias: bias)) }
        }
        let packed = try! PackedBF16Matrix(weight.storage, inputCount: inWidth, outputCount: outWidth, layout: .outputsByInputs)
        Benchmark("linear bf16 \(shape) (\(BF16GEMM.activeKernel.rawValue))") { benchmark in
            for _ in benchmark.scaledIterations { blackHole(linear(x, packedWeight: packed, bias: bias)) }
        }
        guard inWidth == width, outWidth == inner else { continue }
        Benchmark("linear bf16 \(shape) (portable)") { benchmark in
            BF16GEMM.forcePortable(true)
            defer { BF16GEMM.forcePortable(false) }
            for _ in benchmark.scaledIterations { blackHole(linear(x, packedWeight: packed, bias: bias)) }
        }
    }
    let x = inputs[width]!

    // Row softmax over attention scores of one head (577 x 577).
    let scores = rng.normalTensor([tokens, tokens], std: 3)
    Benchmark("softmax rows 577x577") { benchmark in
        for _ in benchmark.scaledIterations {
            var s = scores
            s.softmaxRows()
            blackHole(s)
        }
    }

    let gamma = Tensor(shape: [width], repeating: 1), beta = Tensor(shape: [width])
    Benchmark("LayerNorm 577x768") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(x.layerNormalized(gamma: gamma, beta: beta, eps: 1e-5)) }
    }

    let hidden = rng.normalTensor([tokens, inner], std: 1)
    Benchmark("GELU (erf) 577x3072") { benchmark in
        for _ in benchmark.scaledIterations {
            var h = hidden
            h.apply(.gelu)
            blackHole(h)
        }
    }

    // Self-attention of one ViT layer: 12 heads over 577 tokens from a fused Q|K|V [1, 577, 2304].
    let qkv = rng.normalTensor([1, tokens, 3 * width], std: 1)
    Benchmark("attention 12 heads 577x577x64") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(multiHeadAttention(query: HeadBlock(qkv), key: HeadBlock(qkv, column: width),
                                         value: HeadBlock(qkv, column: 2 * width), heads: heads, headDim: width / heads))
        }
    }
    // The same attention with QKᵀ and P·V through the bf16 GEMM (the bf16 ViT path).
    Benchmark("attention bf16 12 heads 577x577x64") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(bf16SelfAttention(qkv, heads: heads)) }
    }
}
