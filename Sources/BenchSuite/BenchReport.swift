import Foundation

/// One measured (or skipped) setting. Every field is always written to JSON (null when unknown).
public struct BenchRow: Sendable, Equatable, Codable {
    public var part: BenchPart
    /// "skip-connected", "connected-only", "co-attention-only", or nil for parts without fusion.
    public var variant: String?
    /// The stride of the skip-connected schedule (nil otherwise).
    public var stride: Int?
    public var precision: Precision
    public var memory: MemorySetting
    public var batch: Int
    /// Tokens generated per example (0 for parts that do not generate).
    public var generatedTokens: Int
    /// Analytic FLOPs of one run of the setting (see `FlopCounter`).
    public var flops: Double
    /// "ok", or why the setting was not measured ("does not fit in memory: …", "failed: …").
    public var status: String
    public var repetitions: Int
    /// Latency of one run, seconds.
    public var medianSeconds: Double?
    public var p95Seconds: Double?
    /// Median CPU seconds (user + system, all threads) per run; ≈ threads × median when the
    /// process had the cores to itself, much less on a loaded machine.
    public var medianCpuSeconds: Double?
    /// Examples (images / questions) per second: batch / median.
    public var imagesPerSecond: Double?
    /// Generated tokens per second: batch · generated tokens / median (nil for non-generating parts).
    public var tokensPerSecond: Double?
    /// Achieved GFLOP/s: flops / median / 1e9.
    public var gflopsPerSecond: Double?
    /// The GEMM shape with the most FLOPs in this part ("m x n x k") and sgemm's GFLOP/s on it.
    public var mainGemm: String
    public var sgemmPeakGflopsPerSecond: Double?
    /// 100 · achieved / sgemm peak.
    public var percentOfSgemmPeak: Double?
    /// Peak resident set in bytes and how it was measured ("child process VmHWM", "in-process VmHWM", "not measured").
    public var peakRssBytes: Int?
    public var peakRssSource: String
    /// High-water mark of live tensor bytes while the setting ran once (TensorMath counter).
    public var liveTensorHighWaterBytes: Int?
    /// The GEMM kernel of this precision ("openblas-sgemm:<core>" or "bf16:<kernel>").
    public var kernel: String
    /// Estimated bytes needed (weights + activations), checked against available memory.
    public var estimatedBytes: Int

    enum CodingKeys: String, CodingKey {
        case part, variant, stride, precision, memory, batch, generatedTokens, flops, status, repetitions
        case medianSeconds, p95Seconds, medianCpuSeconds, imagesPerSecond, tokensPerSecond, gflopsPerSecond, mainGemm
        case sgemmPeakGflopsPerSecond, percentOfSgemmPeak, peakRssBytes, peakRssSource
        case liveTensorHighWaterBytes, kernel, estimatedBytes
    }

    /// Writes every key, with null for absent values (synthesised Codable would drop them).
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(part, forKey: .part); try c.encode(variant, forKey: .variant)
        try c.encode(stride, forKey: .stride); try c.encode(precision, forKey: .precision)
        try c.encode(memory, forKey: .memory); try c.encode(batch, forKey: .batch)
        try c.encode(generatedTokens, forKey: .generatedTokens); try c.encode(flops, forKey: .flops)
        try c.encode(status, forKey: .status); try c.encode(repetitions, forKey: .repetitions)
        try c.encode(medianSeconds, forKey: .medianSeconds); try c.encode(p95Seconds, forKey: .p95Seconds)
        try c.encode(medianCpuSeconds, forKey: .medianCpuSeconds)
        try c.encode(imagesPerSecond, forKey: .imagesPerSecond); try c.encode(tokensPerSecond, forKey: .tokensPerSecond)
        try c.encode(gflopsPerSecond, forKey: .gflopsPerSecond); try c.encode(mainGemm, forKey: .mainGemm)
        try c.encode(sgemmPeakGflopsPerSecond, forKey: .sgemmPeakGflopsPerSecond)
        try c.encode(percentOfSgemmPeak, forKey: .percentOfSgemmPeak); try c.encode(peakRssBytes, forKey: .peakRssBytes)
        try c.encode(peakRssSource, forKey: .peakRssSource)
        try c.encode(liveTensorHighWaterBytes, forKey: .liveTensorHighWaterBytes)
        try c.encode(kernel, forKey: .kernel); try c.encode(estimatedBytes, forKey: .estimatedBytes)
    }
}

/// A checked performance target (benchmarks, not tests: reported, never asserted).
public struct TargetCheck: Sendable, Equatable, Codable {
    public var name: String
    /// The measured quantity and the threshold it is compared with.
    public var value: Double?
    public var threshold: Double
    /// nil when a row it needs was not measured.
    public var met: Bool?
    public var detail: String
}

/// The whole suite result (`schema` "mplug-bench/1"); JSON keys are snake_case and sorted.
public struct BenchReport: Sendable, Equatable, Codable {
    public var schema = "mplug-bench/1"
    public var system: SystemInfo
    public var preset: String
    /// The model sizes (hidden_size, vision_width, visual_tokens, …).
    public var sizes: [String: Int]
    public var textLength: Int
    public var generationLength: Int
    public var answerLength: Int
    public var warmup: Int
    public var repetitions: Int
    /// Bytes of the weights loaded per precision (fp32 / bf16 packed).
    public var weightBytes: [String: Int]
    /// GEMM kernel per precision.
    public var kernels: [String: String]
    public var rows: [BenchRow]
    public var targets: [TargetCheck]
    /// The conventions a reader needs (FLOP counting, what each part includes).
    public var notes: [String]

    /// Pretty-printed JSON with sorted keys and snake_case names.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return try encoder.encode(self)
    }

    /// The notes every report carries.
    public static let standardNotes = [
        "FLOPs: 2·m·n·k per GEMM (multiply-add = 2), including the patch embedding and attention QKᵀ and P·V; "
            + "bias adds, LayerNorm, softmax, GELU, masks, residual/skip adds, embeddings and beam bookkeeping are ignored.",
        "text_encoder_fusion includes the text encoder; connected-only makes every fusion layer connected (layer 0 too); "
            + "co-attention layers project K/V of all image tokens in every layer.",
        "Captioning runs the decoder on the image tokens only and never runs the fusion, so its rows do not depend on the stride; "
            + "the visual encoder is not included in captioning or VQA rows.",
        "Generation: min = max length, so every step runs; beam rows = batch × beam. kv_cache computes memory K/V once per example "
            + "and layer; recompute is the official predictor's algorithm: the memory is tiled per beam row and re-selected with "
            + "the beam origins every step, and each step re-runs the whole prefix (memory K/V of every row in every layer) and "
            + "the LM head on every position.",
        "% of sgemm peak compares achieved GFLOP/s with OpenBLAS sgemm measured in the same run on the part's main GEMM shape.",
        "Peak RSS: each setting re-run once in a fresh child process that builds the model, resets VmHWM "
            + "(/proc/self/clear_refs) and reports VmHWM after one run: the inference peak, weights included, loading excluded.",
    ]
}
