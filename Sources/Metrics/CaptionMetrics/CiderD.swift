import Foundation

/// CIDEr-D as pycocoevalcap 1.2 computes it (`Cider`, n = 4, σ = 6).
///
/// Each sentence becomes, per order n, a vector of n-gram weights `tf · (log(N) − log(max(1, df)))`
/// where df counts the images whose references contain the n-gram and N is the number of images.
/// For each reference the per-order similarity is `Σ min(cand, ref)·ref / (‖cand‖·‖ref‖)` (clipped;
/// no division when a norm is 0), times the Gaussian length penalty `e^(−δ²/2σ²)` where δ is the
/// difference of the **bigram** counts (pycocoevalcap's `length`). The image score is the mean
/// over orders, averaged over references, ×10; the corpus score is the mean over images.
///
/// Document frequencies: by default from the references of the evaluated images (pycocoevalcap);
/// `documentFrequencies` fixes them instead (for example to the full reference set when scoring
/// a subset or a bootstrap resample). A one-image set scores 0 (every weight is log 1 − log 1).
/// Tolerance against pycocoevalcap: rel 1e-9 (float64 `log`/`sqrt`/`pow`, same summation order).
public struct CiderD: CaptionMetric {
    public static let sigma = 6.0
    /// Fixed document frequencies, or nil to use those of the scored images' references.
    public var documentFrequencies: CiderDocumentFrequencies?

    public init(documentFrequencies: CiderDocumentFrequencies? = nil) {
        self.documentFrequencies = documentFrequencies
    }

    public var scoreNames: [String] { ["CIDEr"] }

    public func imageStats(_ sample: CaptionSample) -> CiderImageStats {
        CiderImageStats(candidate: sample.candidate.ngrams, references: sample.references.map(\.ngrams))
    }

    /// The document frequencies of the references of `stats` (each image counts once per n-gram).
    public static func documentFrequencies(of stats: [CiderImageStats]) -> CiderDocumentFrequencies {
        let weights = CorpusWeights(stats, fixed: nil, referenceLength: 0, keepFrequencies: true)
        return CiderDocumentFrequencies(documentCount: stats.count, frequencies: weights.frequencies)
    }

    public func scores(_ stats: [CiderImageStats]) -> CaptionScores {
        let referenceLength = log(Double(documentFrequencies?.documentCount ?? stats.count))
        let weights = CorpusWeights(stats, fixed: documentFrequencies, referenceLength: referenceLength, keepFrequencies: false)
        // Where each image's n-grams start in weights.reference and weights.candidate.
        var referenceStart = [Int](repeating: 0, count: stats.count + 1)
        var candidateStart = [Int](repeating: 0, count: stats.count + 1)
        for (i, image) in stats.enumerated() {
            referenceStart[i + 1] = image.references.reduce(referenceStart[i]) { $0 + $1.keys.count }
            candidateStart[i + 1] = candidateStart[i] + image.candidate.keys.count
        }
        var perImage = [Double](repeating: 0, count: stats.count)
        perImage.withUnsafeMutableBufferPointer { output in
            let output = output
            concurrentChunks(stats.count) { range in
                var candidate = SentenceVector(), reference = SentenceVector()
                for i in range {
                    let image = stats[i]
                    candidate.fill(image.candidate, weights: weights.candidate, from: candidateStart[i])
                    var orderSums = SIMD4<Double>()
                    var cursor = referenceStart[i]
                    for ngrams in image.references {
                        reference.fill(ngrams, weights: weights.reference, from: cursor)
                        cursor += ngrams.keys.count
                        orderSums += similarity(candidate, reference)
                    }
                    // np.mean over the 4 orders: first element plus the sum of the rest, then / 4.
                    var score = (orderSums[0] + (((-0.0 + orderSums[1]) + orderSums[2]) + orderSums[3])) / 4
                    score /= Double(image.references.count)
                    score *= 10.0
                    output[i] = score
                }
            }
        }
        return CaptionScores(names: scoreNames, corpus: [numpyMean(perImage)], perImage: perImage.map { [$0] })
    }

    /// Per-order clipped cosine similarity times the length penalty.
    private func similarity(_ candidate: SentenceVector, _ reference: SentenceVector) -> SIMD4<Double> {
        let delta = Double(candidate.length - reference.length)
        let penalty = pow(M_E, -(delta * delta) / (2 * Self.sigma * Self.sigma))
        var result = SIMD4<Double>()
        for order in 0..<NGramCounts.maxOrder {
            var value = 0.0
            let referenceRange = reference.range(order)
            for j in candidate.range(order) {
                // An n-gram missing from the reference adds min(v, 0)·0 = 0 (v ≥ 0): skipped.
                let key = candidate.keys[j]
                guard let r = referenceRange.first(where: { reference.keys[$0] == key }) else { continue }
                let referenceValue = reference.values[r]
                value += min(candidate.values[j], referenceValue) * referenceValue
            }
            if candidate.norms[order] != 0 && reference.norms[order] != 0 {
                value /= candidate.norms[order] * reference.norms[order]
            }
            result[order] = value * penalty
        }
        return result
    }
}

/// CIDEr-D sufficient statistics of one image: the n-gram counts of its candidate and references.
public struct CiderImageStats: Codable, Sendable, Equatable {
    public var candidate: NGramCounts
    public var references: [NGramCounts]
}

/// Document frequencies of reference n-grams over a set of images. Shards of disjoint images
/// merge by adding (`merging(_:)`).
public struct CiderDocumentFrequencies: Codable, Sendable, Equatable {
    /// Number of images (documents) N.
    public var documentCount: Int
    /// N-gram fingerprint → number of images whose references contain it.
    public var frequencies: [UInt64: Int]

    public init(documentCount: Int, frequencies: [UInt64: Int]) {
        self.documentCount = documentCount
        self.frequencies = frequencies
    }

    /// The frequencies of the union of two disjoint image sets.
    public func merging(_ other: CiderDocumentFrequencies) -> CiderDocumentFrequencies {
        CiderDocumentFrequencies(documentCount: documentCount + other.documentCount,
                                 frequencies: frequencies.merging(other.frequencies, uniquingKeysWith: +))
    }
}

/// The weight `log(N) − log(max(1, df))` of every n-gram occurrence of the scored images, in order
/// (reference occurrences: images, references, keys; candidate occurrences: images, keys).
///
/// Document frequencies are counted cache-blocked: occurrences are first split by fingerprint
/// bits into partitions small enough that each partition's hash table stays in the L2 cache;
/// the partitions are then processed concurrently.
private struct CorpusWeights {
    private static let partitionBits = 5
    private static let partitionCount = 1 << partitionBits

    var reference: [Double]
    var candidate: [Double]
    /// N-gram → document frequency (only with `keepFrequencies`).
    var frequencies: [UInt64: Int] = [:]

    @inline(__always)
    private static func partition(_ key: UInt64) -> Int { Int(truncatingIfNeeded: key >> 40) & (partitionCount - 1) }

    /// Counts document frequencies from the references of `stats` (`fixed == nil`, pycocoevalcap)
    /// or takes them from `fixed` (n-grams it lacks have df 0, as pycocoevalcap's defaultdict).
    init(_ stats: [CiderImageStats], fixed: CiderDocumentFrequencies?, referenceLength: Double, keepFrequencies: Bool) {
        let partitions = Self.partitionCount
        // Partition boundaries in flat arrays that hold each partition's occurrences in order.
        var referenceStart = [Int](repeating: 0, count: partitions + 1)
        var candidateStart = [Int](repeating: 0, count: partitions + 1)
        for image in stats {
            for ngrams in image.references {
                for key in ngrams.keys { referenceStart[Self.partition(key) + 1] += 1 }
            }
            for key in image.candidate.keys { candidateStart[Self.partition(key) + 1] += 1 }
        }
        for p in 0..<partitions {
            referenceStart[p + 1] += referenceStart[p]
            candidateStart[p + 1] += candidateStart[p]
        }
        var referenceKeys = [UInt64](repeating: 0, count: referenceStart[partitions])
        var referenceImages = [Int32](repeating: 0, count: referenceStart[partitions])
        var candidateKeys = [UInt64](repeating: 0, count: candidateStart[partitions])
        var referenceCursor = referenceStart, candidateCursor = candidateStart
        referenceKeys.withUnsafeMutableBufferPointer { referenceKeys in
            referenceImages.withUnsafeMutableBufferPointer { referenceImages in
                candidateKeys.withUnsafeMutableBufferPointer { candidateKeys in
                    for (imageIndex, image) in stats.enumerated() {
                        for ngrams in image.references {
                            for key in ngrams.keys {
                                let p = Self.partition(key)
                                referenceKeys[referenceCursor[p]] = key
                                referenceImages[referenceCursor[p]] = Int32(imageIndex)
                                referenceCursor[p] += 1
                            }
                        }
                        for key in image.candidate.keys {
                            let p = Self.partition(key)
                            candidateKeys[candidateCursor[p]] = key
                            candidateCursor[p] += 1
                        }
                    }
                }
            }
        }
        var fixedBuckets = [[(key: UInt64, count: Int32)]](repeating: [], count: partitions)
        for (key, count) in fixed?.frequencies ?? [:] { fixedBuckets[Self.partition(key)].append((key, Int32(count))) }
        let maxCount = max(stats.count, fixed?.frequencies.values.max() ?? 0)
        let logOfCount = (0...maxCount).map { log(max(1.0, Double($0))) }

        // Per partition (concurrently): document frequencies, then the weight of each occurrence.
        var referenceWeights = [Double](repeating: 0, count: referenceKeys.count)
        var candidateWeights = [Double](repeating: 0, count: candidateKeys.count)
        var partitionFrequencies = [[UInt64: Int]](repeating: [:], count: partitions)
        referenceWeights.withUnsafeMutableBufferPointer { referenceWeights in
            candidateWeights.withUnsafeMutableBufferPointer { candidateWeights in
                partitionFrequencies.withUnsafeMutableBufferPointer { partitionFrequencies in
                    let (referenceWeights, candidateWeights, partitionFrequencies) = (referenceWeights, candidateWeights, partitionFrequencies)
                    DispatchQueue.concurrentPerform(iterations: partitions) { p in
                        let references = referenceStart[p]..<referenceStart[p + 1]
                        var table = NGramTable(minimumCapacity: references.count / 2 + fixedBuckets[p].count)
                        // Per distinct n-gram (dense ids in first-seen order): key, df, last image seen;
                        // per reference occurrence: its id. Fixed-size scratch, no growth checks.
                        let capacity = references.count + fixedBuckets[p].count
                        let keys = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: capacity)
                        let documentFrequency = UnsafeMutableBufferPointer<Int32>.allocate(capacity: capacity)
                        let lastImage = UnsafeMutableBufferPointer<Int32>.allocate(capacity: capacity)
                        let ids = UnsafeMutableBufferPointer<Int32>.allocate(capacity: references.count)
                        defer { keys.deallocate(); documentFrequency.deallocate(); lastImage.deallocate(); ids.deallocate() }
                        var distinct = 0
                        func id(_ key: UInt64) -> Int {
                            let id = Int(table.insert(key, nextID: Int32(distinct)))
                            if id == distinct {
                                keys[id] = key
                                documentFrequency[id] = 0
                                lastImage[id] = -1
                                distinct += 1
                            }
                            return id
                        }
                        for (key, count) in fixedBuckets[p] { documentFrequency[id(key)] = count }
                        for (k, i) in references.enumerated() {
                            let id = id(referenceKeys[i])
                            if fixed == nil && lastImage[id] != referenceImages[i] {
                                lastImage[id] = referenceImages[i]
                                documentFrequency[id] += 1
                            }
                            ids[k] = Int32(id)
                        }
                                                let weight = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(1, distinct))
                        defer { weight.deallocate() }
                        for id in 0..<distinct { weight[id] = referenceLength - logOfCount[Int(documentFrequency[id])] }
                        for (k, i) in references.enumerated() { referenceWeights[i] = weight[Int(ids[k])] }
                        for i in candidateStart[p]..<candidateStart[p + 1] {
                            let id = table.find(candidateKeys[i])
                            candidateWeights[i] = id < 0 ? referenceLength : weight[Int(id)]
                        }
                        if keepFrequencies {
                            partitionFrequencies[p] = Dictionary(uniqueKeysWithValues: (0..<distinct).map { (keys[$0], Int(documentFrequency[$0])) })
                        }
                    }
                }
            }
        }

        // Back to occurrence order.
        var reference = [Double](repeating: 0, count: referenceWeights.count)
        var candidate = [Double](repeating: 0, count: candidateWeights.count)
        referenceCursor = referenceStart
        candidateCursor = candidateStart
        reference.withUnsafeMutableBufferPointer { reference in
            candidate.withUnsafeMutableBufferPointer { candidate in
                var (r, c) = (0, 0)
                for image in stats {
                    for ngrams in image.references {
                        for key in ngrams.keys {
                            let p = Self.partition(key)
                            reference[r] = referenceWeights[referenceCursor[p]]
                            referenceCursor[p] += 1
                            r += 1
                        }
                    }
                    for key in image.candidate.keys {
                        let p = Self.partition(key)
                        candidate[c] = candidateWeights[candidateCursor[p]]
                        candidateCursor[p] += 1
                        c += 1
                    }
                }
            }
        }
        self.reference = reference
        self.candidate = candidate
        if keepFrequencies {
            frequencies = partitionFrequencies.reduce(into: [:]) { $0.merge($1) { a, _ in a } }
        }
    }
}

/// Scratch space for one sentence's tf-idf vector: per n-gram its fingerprint and weight
/// `tf · (log N − log max(1, df))`, with per-order norms.
private struct SentenceVector {
    var keys: [UInt64] = []
    var values: [Double] = []
    var orderStarts = SIMD4<Int32>()
    var end: Int32 = 0
    /// Euclidean norm per order.
    var norms = SIMD4<Double>()
    /// pycocoevalcap's `length`: the number of bigrams.
    var length = 0

    @inline(__always)
    func range(_ order: Int) -> Range<Int> {
        Int(orderStarts[order])..<(order == 3 ? Int(end) : Int(orderStarts[order + 1]))
    }

    /// Fills the vector of `ngrams` whose weights start at `weights[start]`. Norms are summed in
    /// key order, as pycocoevalcap does.
    @inline(__always)
    mutating func fill(_ ngrams: NGramCounts, weights: [Double], from start: Int) {
        keys = ngrams.keys
        values.removeAll(keepingCapacity: true)
        var squares = SIMD4<Double>()
        length = 0
        for order in 0..<NGramCounts.maxOrder {
            let range = ngrams.range(ofOrder: order + 1)
            orderStarts[order] = Int32(range.lowerBound)
            for j in range {
                let value = Double(ngrams.counts[j]) * weights[start + j]
                values.append(value)
                squares[order] += value * value
                if order == 1 { length += Int(ngrams.counts[j]) }
            }
        }
        end = Int32(keys.count)
        norms = squares.squareRoot()
    }
}

/// Open-addressing hash table from n-gram fingerprint to a dense id (linear probing, at most 3/4
/// full; the fingerprints are already well mixed, so their low bits index the table directly).
struct NGramTable {
    private var slots: [(key: UInt64, id: Int32)]
    private var mask: Int
    private var count = 0

    init(minimumCapacity: Int) {
        var capacity = 1024
        while capacity < 2 * minimumCapacity { capacity <<= 1 }
        slots = Array(repeating: (0, -1), count: capacity)
        mask = capacity - 1
    }

    /// The id of `key`, inserting it with `nextID` if absent.
    mutating func insert(_ key: UInt64, nextID: Int32) -> Int32 {
        var i = Int(truncatingIfNeeded: key) & mask
        while true {
            let slot = slots[i]
            if slot.id < 0 { break }
            if slot.key == key { return slot.id }
            i = (i + 1) & mask
        }
        slots[i] = (key, nextID)
        count += 1
        if 4 * count > 3 * mask { grow() }
        return nextID
    }

    /// The id of `key`, or −1.
    func find(_ key: UInt64) -> Int32 {
        var i = Int(truncatingIfNeeded: key) & mask
        while true {
            let slot = slots[i]
            if slot.id < 0 { return -1 }
            if slot.key == key { return slot.id }
            i = (i + 1) & mask
        }
    }

    private mutating func grow() {
        let old = slots
        self = NGramTable(minimumCapacity: old.count)
        for slot in old where slot.id >= 0 { _ = insert(slot.key, nextID: slot.id) }
    }
}
