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
        let index = CorpusIndex(stats)
        var frequencies: [UInt64: Int] = [:]
        frequencies.reserveCapacity(index.keys.count)
        for (id, key) in index.keys.enumerated() where index.documentFrequency[id] > 0 {
            frequencies[key] = Int(index.documentFrequency[id])
        }
        return CiderDocumentFrequencies(documentCount: stats.count, frequencies: frequencies)
    }

    public func scores(_ stats: [CiderImageStats]) -> CaptionScores {
        let index = documentFrequencies.map { CorpusIndex($0, referencesOf: stats) } ?? CorpusIndex(stats)
        let referenceLength = log(Double(documentFrequencies?.documentCount ?? stats.count))
        // weight[id] = log(N) − log(max(1, df)); n-grams absent from the index have df 0.
        let maxDF = Int(index.documentFrequency.max() ?? 0)
        let logOfCount = (0...maxDF).map { log(max(1.0, Double($0))) }
        let weights = index.documentFrequency.map { referenceLength - logOfCount[Int($0)] }
        // Where each image's reference n-grams start in index.referenceIDs.
        var referenceStart = [Int](repeating: 0, count: stats.count + 1)
        for (i, image) in stats.enumerated() {
            referenceStart[i + 1] = image.references.reduce(referenceStart[i]) { $0 + $1.keys.count }
        }
        var perImage = [Double](repeating: 0, count: stats.count)
        perImage.withUnsafeMutableBufferPointer { output in
            let output = output
            concurrentChunks(stats.count) { range in
                var candidate = SentenceVector(), reference = SentenceVector()
                for i in range {
                    let image = stats[i]
                    candidate.fill(image.candidate, weights: weights, absentWeight: referenceLength) { index.id(of: image.candidate.keys[$0]) }
                    var orderSums = SIMD4<Double>()
                    var cursor = referenceStart[i]
                    for ngrams in image.references {
                        let base = cursor
                        reference.fill(ngrams, weights: weights, absentWeight: referenceLength) { index.referenceIDs[base + $0] }
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
                let id = candidate.ids[j]
                guard id >= 0, let r = referenceRange.first(where: { reference.ids[$0] == id }) else { continue }
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

/// Reference n-grams numbered densely, with their document frequencies, and the id of every
/// reference n-gram of the scored images in order (images, references, keys).
///
/// The n-grams are split by one fingerprint bit into two partitions, indexed in parallel; the id of
/// an n-gram is `local id · 2 + partition`.
private struct CorpusIndex {
    private static let partitionCount = 2
    private var tables: [NGramTable] = []
    /// N-gram fingerprint by id (0 for the unused ids of the shorter partition).
    var keys: [UInt64] = []
    /// Document frequency by id (0 for unused ids).
    var documentFrequency: [Int32] = []
    /// Ids of the scored images' reference n-grams, in order (every reference n-gram has an id).
    var referenceIDs: [Int32] = []

    @inline(__always)
    private static func partition(_ key: UInt64) -> Int { Int(truncatingIfNeeded: key >> 32) & 1 }

    /// Document frequencies counted from the references of `stats`.
    init(_ stats: [CiderImageStats]) {
        self.init(stats, fixed: [:], countingDocuments: true)
    }

    /// Fixed document frequencies, with the reference n-grams of `stats` looked up. Reference
    /// n-grams missing from `frequencies` get df 0 (as pycocoevalcap's defaultdict would give them).
    init(_ frequencies: CiderDocumentFrequencies, referencesOf stats: [CiderImageStats]) {
        self.init(stats, fixed: frequencies.frequencies, countingDocuments: false)
    }

    /// The id of `key`, or −1.
    @inline(__always)
    func id(of key: UInt64) -> Int32 {
        let p = Self.partition(key)
        let local = tables[p].find(key)
        return local < 0 ? -1 : local << 1 | Int32(p)
    }

    private init(_ stats: [CiderImageStats], fixed: [UInt64: Int], countingDocuments: Bool) {
        let occurrences = stats.reduce(0) { total, image in image.references.reduce(total) { $0 + $1.keys.count } }
        // Sorted so that ids do not depend on dictionary order.
        let fixedEntries = fixed.sorted { $0.key < $1.key }
        var parts = [(table: NGramTable, keys: [UInt64], frequency: [Int32])](
            repeating: (NGramTable(minimumCapacity: 0), [], []), count: Self.partitionCount)
        referenceIDs = [Int32](repeating: 0, count: occurrences)
        referenceIDs.withUnsafeMutableBufferPointer { ids in
            parts.withUnsafeMutableBufferPointer { parts in
                let (ids, parts) = (ids, parts)
                DispatchQueue.concurrentPerform(iterations: Self.partitionCount) { p in
                    var table = NGramTable(minimumCapacity: 8 * stats.count + fixed.count / 2)
                    var keys: [UInt64] = [], frequency: [Int32] = []
                    for (key, count) in fixedEntries where Self.partition(key) == p {
                        _ = table.insert(key, nextID: Int32(keys.count))
                        keys.append(key)
                        frequency.append(Int32(count))
                    }
                    var lastImage = [Int32](repeating: -1, count: keys.count)
                    var cursor = 0
                    for (imageIndex, image) in stats.enumerated() {
                        for reference in image.references {
                            for key in reference.keys {
                                defer { cursor += 1 }
                                guard Self.partition(key) == p else { continue }
                                let id = table.insert(key, nextID: Int32(keys.count))
                                if id == keys.count {
                                    keys.append(key)
                                    frequency.append(0)
                                    lastImage.append(-1)
                                }
                                if countingDocuments && lastImage[Int(id)] != imageIndex {
                                    lastImage[Int(id)] = Int32(imageIndex)
                                    frequency[Int(id)] += 1
                                }
                                ids[cursor] = id << 1 | Int32(p)
                            }
                        }
                    }
                    parts[p] = (table, keys, frequency)
                }
            }
        }
        let idCount = Self.partitionCount * (parts.map(\.keys.count).max() ?? 0)
        keys = [UInt64](repeating: 0, count: idCount)
        documentFrequency = [Int32](repeating: 0, count: idCount)
        for (p, part) in parts.enumerated() {
            for local in part.keys.indices {
                keys[local << 1 | p] = part.keys[local]
                documentFrequency[local << 1 | p] = part.frequency[local]
            }
        }
        tables = parts.map(\.table)
    }
}

/// Scratch space for one sentence's tf-idf vector: per n-gram its dense id (−1 if absent from
/// the index) and weight `tf · (log N − log max(1, df))`, with per-order norms.
private struct SentenceVector {
    var ids: [Int32] = []
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

    /// Fills the vector of `ngrams`; `idOf(j)` is the id of `ngrams.keys[j]`. Norms are summed
    /// in key order, as pycocoevalcap does.
    @inline(__always)
    mutating func fill(_ ngrams: NGramCounts, weights: [Double], absentWeight: Double, idOf: (Int) -> Int32) {
        ids.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        var squares = SIMD4<Double>()
        length = 0
        for order in 0..<NGramCounts.maxOrder {
            let range = ngrams.range(ofOrder: order + 1)
            orderStarts[order] = Int32(range.lowerBound)
            for j in range {
                let id = idOf(j)
                let value = Double(ngrams.counts[j]) * (id >= 0 ? weights[Int(id)] : absentWeight)
                ids.append(id)
                values.append(value)
                squares[order] += value * value
                if order == 1 { length += Int(ngrams.counts[j]) }
            }
        }
        end = Int32(ids.count)
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
