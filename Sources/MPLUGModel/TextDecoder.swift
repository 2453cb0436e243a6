import TensorMath

/// The memory a decoder cross-attends to: states `[Bm, Lm, H]` and a 0/1 mask per memory row.
public struct DecoderMemory: Sendable {
    public var states: Tensor
    /// Additive key bias `[Bm, Lm]` (0 or −1e9).
    public var bias: Tensor

    /// Memory with a 0/1 `mask` `[Bm][Lm]` (nil = all ones, e.g. image tokens).
    public init(states: Tensor, mask: [[Int]]? = nil) {
        self.states = states
        let rows = states.shape[0], length = states.shape[1]
        self.bias = additiveKeyBias(mask: mask ?? Array(repeating: Array(repeating: 1, count: length), count: rows),
                                    masked: memoryMaskValue)
    }

    private init(states: Tensor, bias: Tensor) { self.states = states; self.bias = bias }

    /// Memory rows `rows` (in this order; repeats allowed), copied: `index_select(0, rows)`.
    func selectingRows(_ rows: [Int]) -> DecoderMemory {
        DecoderMemory(states: states.gathering(rows), bias: bias.gathering(rows))
    }
}

/// BERT LM head: `dense → GELU → LayerNorm → Linear(H→V)` (decoder weight may be tied to an embedding).
struct LanguageModelHead: Sendable {
    var transform: Linear
    var norm: LayerNorm
    var decoder: Linear

    static func bind(_ b: WeightBinder, _ prefix: String, config c: MPLUGConfig, tiedWeight: Tensor?) -> LanguageModelHead {
        let decoderWeight = tiedWeight ?? b.tensor("\(prefix).decoder.weight", [c.vocabSize, c.hiddenSize])
        return LanguageModelHead(transform: b.linear("\(prefix).transform.dense", out: c.hiddenSize, in: c.hiddenSize),
                                 norm: b.layerNorm("\(prefix).transform.LayerNorm", width: c.hiddenSize, eps: c.layerNormEps),
                                 decoder: Linear(weight: decoderWeight, bias: b.tensor("\(prefix).bias", [c.vocabSize])))
    }

    /// Hidden states `[..., H]` → logits `[..., V]`.
    func callAsFunction(_ x: Tensor) -> Tensor {
        var t = transform(x)
        t.apply(.gelu)
        return decoder(norm(t))
    }
}

/// One layer's self-attention K|V of the positions decoded so far: `[rows, capacity, 2H]`, of which
/// the first `length` positions are filled. Appends write in place; the capacity doubles when full.
/// Beam reordering copies the filled positions into a second buffer of the same shape and swaps
/// the two, so a decoding step allocates nothing.
struct KeyValueCache: Sendable {
    private(set) var buffer: Tensor
    /// Scratch for `selectRows` (same shape as `buffer` when rows are kept).
    private var spare: Tensor
    private(set) var length = 0

    init(rows: Int, width: Int, capacity: Int = 32) {
        buffer = Tensor(shape: [rows, max(capacity, 1), width])
        spare = Tensor(shape: buffer.shape)
    }

    var rows: Int { buffer.shape[0] }
    var capacity: Int { buffer.shape[1] }
    var width: Int { buffer.shape[2] }

    /// Columns `column ..< column + width` of `source [rows, n, *]` appended as positions `length ..< length + n`.
    mutating func append(_ source: Tensor, fromColumn column: Int) {
        let n = source.shape[1], sourceWidth = source.shape[2]
        precondition(source.shape[0] == rows && column + width <= sourceWidth, "KeyValueCache: \(source.shape) vs \(buffer.shape)")
        if length + n > capacity {
            spare = Tensor(shape: [rows, max(2 * capacity, length + n), width])
            moveRows(Array(0..<rows))
            spare = Tensor(shape: buffer.shape)
        }
        let w = width, cap = capacity, start = length, rowCount = rows
        buffer.storage.withUnsafeMutableBufferPointer { dst in
            source.storage.withUnsafeBufferPointer { src in
                for r in 0..<rowCount {
                    for t in 0..<n {
                        (dst.baseAddress! + (r * cap + start + t) * w)
                            .update(from: src.baseAddress! + (r * n + t) * sourceWidth + column, count: w)
                    }
                }
            }
        }
        length += n
    }

    /// Keeps rows `parents` (in this order; repeats allowed): beam reordering and pruning.
    mutating func selectRows(_ parents: [Int]) {
        if parents == Array(0..<rows) { return }
        if parents.count != rows { spare = Tensor(shape: [parents.count, capacity, width]) }
        moveRows(parents)
        if spare.shape != buffer.shape { spare = Tensor(shape: buffer.shape) }
    }

    /// The filled positions as attention keys/values starting at `column`.
    func block(column: Int) -> HeadBlock { HeadBlock(buffer, column: column, length: length) }

    /// Swaps `buffer` and `spare`, then fills row `i` of the new buffer (the old spare, of any row
    /// count and capacity ≥ `length`) with the filled positions of row `rowIndices[i]` of the old one.
    private mutating func moveRows(_ rowIndices: [Int]) {
        swap(&buffer, &spare)
        let w = width, oldCapacity = spare.shape[1], newCapacity = capacity, filled = length * width
        buffer.storage.withUnsafeMutableBufferPointer { dst in
            spare.storage.withUnsafeBufferPointer { src in
                for (i, r) in rowIndices.enumerated() {
                    (dst.baseAddress! + i * newCapacity * w).update(from: src.baseAddress! + r * oldCapacity * w, count: filled)
                }
            }
        }
    }
}

/// The decoder's incremental state: each layer's self-attention `KeyValueCache`, plus each layer's
/// memory K|V computed once (`[Bm, Lm, 2H]`, shared by the beams of one example through `memoryRow`).
public struct DecoderCache: Sendable {
    var selfKeyValues: [KeyValueCache]
    var memoryKeyValues: [Tensor]
    var memoryBias: Tensor
    /// For every decoder row, the memory row it reads.
    var memoryRow: [Int]
    /// Positions already in the cache.
    var length: Int { selfKeyValues.first?.length ?? 0 }

    /// Keeps rows `parents` (in this order; repeats allowed) — beam reordering and pruning.
    mutating func selectRows(_ parents: [Int], memoryRow newMemoryRow: [Int]) {
        for i in selfKeyValues.indices { selfKeyValues[i].selectRows(parents) }
        memoryRow = newMemoryRow
    }
}

/// The text decoder `text_decoder` (BertPrefixModel / BertLMHeadModel): causal self-attention →
/// cross-attention to the memory → FFN, post-LN, with the LM head tied to its word embeddings (§5).
struct TextDecoder: Sendable {
    var embeddings: BertEmbeddings
    var layers: [BertLayer]
    var head: LanguageModelHead

    static func bind(_ b: WeightBinder, config c: MPLUGConfig) -> TextDecoder {
        let embeddings = BertEmbeddings.bind(b, "text_decoder.bert.embeddings", config: c)
        return TextDecoder(embeddings: embeddings,
                           layers: (0..<c.decoderLayers).map { .bind(b, "text_decoder.bert.encoder.layer.\($0)", config: c, cross: true) },
                           head: .bind(b, "text_decoder.cls.predictions", config: c, tiedWeight: embeddings.word))
    }

    /// Teacher-forced logits `[B, L, V]` for `ids [B][L]` with padding `mask` (nil = all ones),
    /// every position attending causally; row `b` reads memory row `memoryRow[b]` (identity if nil).
    func logits(ids: [[Int]], mask: [[Int]]? = nil, memory: DecoderMemory, memoryRow: [Int]? = nil,
                trace: Trace? = nil, tracePrefix: String = "dec") throws -> Tensor {
        var x = try embeddings(ids)
        trace?.record("\(tracePrefix)_embeddings", x)
        let selfBias = mask.map { additiveKeyBias(mask: $0, masked: textMaskValue) }
        for (i, layer) in layers.enumerated() {
            let cross = layer.crossAttention!
            x = layer.attention.selfAttend(x, keyBias: selfBias, causal: true)
            x = cross.crossAttend(x, memoryKV: cross.memoryKeyValues(memory.states), memoryBias: memory.bias, keyBatch: memoryRow)
            x = layer.feedForward(x)
            trace?.record("\(tracePrefix)_layer\(i)", x)
        }
        return head(x)
    }

    /// An empty cache for decoding against `memory`, with the memory K|V of every layer computed once
    /// (large projections run concurrently, one layer per core).
    func makeCache(memory: DecoderMemory, memoryRow: [Int]) -> DecoderCache {
        // Multiply-adds of one layer's K|V projection: memory elements × K|V width.
        let projectionWork = memory.states.count * (layers.first?.crossAttention?.keyValue?.outWidth ?? 0)
        let memoryKeyValues = parallelTasksMap(layers, workPerItem: projectionWork) {
            $0.crossAttention!.memoryKeyValues(memory.states)
        }
        return DecoderCache(selfKeyValues: layers.map { KeyValueCache(rows: memoryRow.count, width: 2 * $0.attention.width) },
                            memoryKeyValues: memoryKeyValues, memoryBias: memory.bias, memoryRow: memoryRow)
    }

    /// Logits `[rows, V]` of the next token after feeding `tokens` (one per row) at position
    /// `cache.length`; the cache is extended by that position.
    func step(tokens: [Int], cache: inout DecoderCache) throws -> Tensor {
        var x = try embeddings(tokens.map { [$0] }, positionOffset: cache.length)
        for (i, layer) in layers.enumerated() {
            let y = layer.attention.selfAttend(x, cache: &cache.selfKeyValues[i])
            x = layer.crossAttention!.crossAttend(y, memoryKV: cache.memoryKeyValues[i], memoryBias: cache.memoryBias,
                                                  keyBatch: cache.memoryRow)
            x = layer.feedForward(x)
        }
        return head(x).reshaped([tokens.count, head.decoder.outWidth])
    }
}
