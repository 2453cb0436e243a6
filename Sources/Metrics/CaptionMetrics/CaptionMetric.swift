/// One image's candidate caption and its reference captions, already tokenized (tokens
/// separated by spaces, as `PTBTokenizer` returns them). Each metric reads from them what it needs
/// (`TokenFingerprints`, `NGramCounts`).
public struct CaptionSample: Sendable {
    public let candidate: String
    /// The references in annotation order (at least one).
    public let references: [String]

    public init(candidate: String, references: [String]) {
        self.candidate = candidate
        self.references = references
    }
}

/// A caption metric in two steps: sufficient statistics per image, then scores from the
/// statistics of any list of images.
///
/// Sharding is concatenation of the per-image statistics; bootstrap is scoring a resampled list.
/// Neither needs metric-specific code.
public protocol CaptionMetric: Sendable {
    /// Per-image sufficient statistics (Codable, so they can be cached and merged across processes).
    associatedtype ImageStats: Codable & Sendable
    /// pycocoevalcap's names of the scores, for example `["Bleu_1", "Bleu_2", "Bleu_3", "Bleu_4"]`.
    var scoreNames: [String] { get }
    /// The statistics of one image.
    func imageStats(_ sample: CaptionSample) -> ImageStats
    /// The statistics of every image, in order; equal to `samples.map(imageStats)`. The default
    /// computes them in parallel chunks; a metric that shares work across images overrides it.
    func imageStats(of samples: [CaptionSample]) -> [ImageStats]
    /// Corpus and per-image scores of a list of images (repeats allowed), in list order.
    func scores(_ stats: [ImageStats]) -> CaptionScores
}

extension CaptionMetric {
    public func imageStats(of samples: [CaptionSample]) -> [ImageStats] {
        concurrentMap(samples, imageStats)
    }
}

/// Scores of one caption metric: one corpus value and one value per image for each score name.
public struct CaptionScores: Sendable, Equatable {
    /// Score names, for example `["Bleu_1", …, "Bleu_4"]`.
    public var names: [String]
    /// Corpus value of each name (raw 0–1 scale; CIDEr-D is ×10 as in pycocoevalcap).
    public var corpus: [Double]
    /// `perImage[i][k]`: value of `names[k]` for image i.
    public var perImage: [[Double]]

    public init(names: [String], corpus: [Double], perImage: [[Double]]) {
        self.names = names
        self.corpus = corpus
        self.perImage = perImage
    }

    /// Corpus values keyed by name.
    public var corpusByName: [String: Double] {
        Dictionary(uniqueKeysWithValues: zip(names, corpus))
    }
}

/// The per-image statistics of one metric over a list of images: the unit that is cached,
/// sharded (`merged(with:)` concatenates) and resampled (`ResamplableScores`).
public struct CaptionMetricStats<Metric: CaptionMetric>: ResamplableScores, Sendable {
    public let metric: Metric
    /// Image identifiers, in image order.
    public private(set) var itemIDs: [String]
    /// Statistics of each image, in image order.
    public private(set) var images: [Metric.ImageStats]

    public init(metric: Metric, itemIDs: [String], images: [Metric.ImageStats]) {
        precondition(itemIDs.count == images.count, "one identifier per image")
        self.metric = metric
        self.itemIDs = itemIDs
        self.images = images
    }

    /// Computes the statistics of every sample (images in parallel chunks; the result does not
    /// depend on the number of threads).
    public init(metric: Metric, itemIDs: [String], samples: [CaptionSample]) {
        self.init(metric: metric, itemIDs: itemIDs, images: metric.imageStats(of: samples))
    }

    public var itemCount: Int { images.count }

    /// The statistics of two shards, this one first.
    public func merged(with other: Self) -> Self {
        Self(metric: metric, itemIDs: itemIDs + other.itemIDs, images: images + other.images)
    }

    /// Scores of all images.
    public func scores() -> CaptionScores { metric.scores(images) }

    public func corpusScores(over indices: [Int]) -> [String: Double] {
        metric.scores(indices.map { images[$0] }).corpusByName
    }
}

/// `numpy.mean` of a float64 vector: the first element plus numpy's pairwise sum of the rest
/// (8-way unrolled blocks of at most 128), divided by the count. Matches numpy bit for bit on
/// contiguous arrays, which keeps corpus values within an ulp or two of pycocoevalcap's.
/// Returns NaN for an empty vector, as numpy does.
public func numpyMean(_ values: [Double]) -> Double {
    guard let first = values.first else { return .nan }
    return values.withUnsafeBufferPointer { buffer in
        (first + pairwiseSum(buffer, from: 1, count: buffer.count - 1)) / Double(buffer.count)
    }
}

private func pairwiseSum(_ a: UnsafeBufferPointer<Double>, from start: Int, count n: Int) -> Double {
    if n < 8 {
        var sum = -0.0
        for i in start..<(start + n) { sum += a[i] }
        return sum
    }
    if n <= 128 {
        var r = (a[start], a[start + 1], a[start + 2], a[start + 3],
                 a[start + 4], a[start + 5], a[start + 6], a[start + 7])
        var i = 8
        while i < n - n % 8 {
            r.0 += a[start + i]; r.1 += a[start + i + 1]; r.2 += a[start + i + 2]; r.3 += a[start + i + 3]
            r.4 += a[start + i + 4]; r.5 += a[start + i + 5]; r.6 += a[start + i + 6]; r.7 += a[start + i + 7]
            i += 8
        }
        var sum = ((r.0 + r.1) + (r.2 + r.3)) + ((r.4 + r.5) + (r.6 + r.7))
        while i < n { sum += a[start + i]; i += 1 }
        return sum
    }
    var half = n / 2
    half -= half % 8
    return pairwiseSum(a, from: start, count: half) + pairwiseSum(a, from: start + half, count: n - half)
}
