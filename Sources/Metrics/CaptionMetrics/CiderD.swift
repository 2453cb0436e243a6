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
        CiderImageStats(candidate: NGramCounts(caption: sample.candidate),
                        references: sample.references.map(NGramCounts.init(caption:)))
    }

    /// The document frequencies of the references of `stats` (each image counts once per n-gram).
    public static func documentFrequencies(of stats: [CiderImageStats]) -> CiderDocumentFrequencies {
        let corpus = CiderCorpus(stats, fixed: nil, referenceLength: 0, keepFrequencies: true)
        corpus.deallocate()
        return CiderDocumentFrequencies(documentCount: stats.count, frequencies: corpus.frequencies)
    }

    public func scores(_ stats: [CiderImageStats]) -> CaptionScores {
        let referenceLength = log(Double(documentFrequencies?.documentCount ?? stats.count))
        let corpus = CiderCorpus(stats, fixed: documentFrequencies, referenceLength: referenceLength, keepFrequencies: false)
        defer { corpus.deallocate() }
        let perImage = corpus.imageScores(sigma: Self.sigma)
        return CaptionScores(names: scoreNames, corpus: [numpyMean(perImage)], perImage: perImage.map { [$0] })
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

/// The tf-idf vectors of every caption of the scored images, as integer-coded n-grams.
///
/// Captions are numbered: first the references of every image (image order, then annotation
/// order), then the candidates (image order). The n-gram occurrences of one order are stored as
/// *entries* grouped into partitions by fingerprint bits (references first, then candidates; each
/// group in image order); `position` maps a caption's n-grams, in the caption's key order (first
/// occurrence, which fixes pycocoevalcap's summation order), to their entries.
///
/// Every entry gets an integer id, equal for equal n-grams of one order, and its tf-idf value.
/// Each (order, partition) is interned in a hash table small enough for the processor cache and
/// its document frequencies counted in dense arrays, concurrently with the others.
private struct CiderCorpus {
    /// Partitions per order: 1, 2, 4, … up to 2^`maxPartitionBits`, aiming at this many reference
    /// occurrences per partition (its hash table then stays in the L2 cache).
    private static let occurrencesPerPartition = 1 << 15
    private static let maxPartitionBits = 5
    private static let orders = NGramCounts.maxOrder
    /// Images per chunk of the concurrent passes.
    private static let chunkSize = 256

    let imageCount: Int
    let referenceCaptionCount: Int
    /// Image i's references are captions `imageReferenceStart[i]..<imageReferenceStart[i + 1]`.
    let imageReferenceStart: UnsafeMutableBufferPointer<Int32>
    /// pycocoevalcap's `length` of each caption: the number of its bigrams (with repeats).
    let bigramCount: UnsafeMutableBufferPointer<Int32>
    /// Per order (index n − 1): the n-grams of caption c are `start[c]..<start[c + 1]`, the k-th
    /// of them (in key order) is entry `position[k]`.
    let start: [UnsafeMutableBufferPointer<Int32>]
    let position: [UnsafeMutableBufferPointer<Int32>]
    /// Per order and entry: `tf · (log N − log max(1, df))`.
    let values: [UnsafeMutableBufferPointer<Double>]
    /// Per order and entry: equal for equal n-grams; −1 for a candidate n-gram that no reference
    /// has (it matches nothing).
    let ids: [UnsafeMutableBufferPointer<Int32>]
    /// The most n-grams (all orders) of one caption.
    private(set) var maxCaptionNGrams = 0
    /// Document frequency of each reference n-gram (only with `keepFrequencies`).
    private(set) var frequencies: [UInt64: Int] = [:]

    /// Takes document frequencies from `fixed` or (nil, pycocoevalcap) counts them over the
    /// images' references, with `referenceLength` = log N. N-grams `fixed` lacks have df 0
    /// (pycocoevalcap's defaultdict).
    init(_ stats: [CiderImageStats], fixed: CiderDocumentFrequencies?, referenceLength: Double, keepFrequencies: Bool) {
        let orders = Self.orders
        imageCount = stats.count
        referenceCaptionCount = stats.reduce(0) { $0 + $1.references.count }
        let captionCount = referenceCaptionCount + stats.count
        let imageReferenceStart = UnsafeMutableBufferPointer<Int32>.allocate(capacity: stats.count + 1)
        let start = (0..<orders).map { _ in UnsafeMutableBufferPointer<Int32>.allocate(capacity: captionCount + 1) }
        // Caption boundaries per order (a prefix sum).
        var totals = [Int](repeating: 0, count: orders)
        var caption = 0
        var maxCaptionNGrams = 0
        func add(_ ngrams: NGramCounts) {
            maxCaptionNGrams = max(maxCaptionNGrams, ngrams.keys.count)
            for order in 0..<orders {
                start[order][caption] = Int32(totals[order])
                totals[order] += ngrams.range(ofOrder: order + 1).count
            }
            caption += 1
        }
        for (i, image) in stats.enumerated() {
            imageReferenceStart[i] = Int32(caption)
            image.references.forEach(add)
        }
        imageReferenceStart[stats.count] = Int32(caption)
        stats.forEach { add($0.candidate) }
        for order in 0..<orders { start[order][captionCount] = Int32(totals[order]) }
        precondition(totals.allSatisfy { $0 < Int(Int32.max) }, "CIDEr-D: too many n-grams for 32-bit offsets")
        self.imageReferenceStart = imageReferenceStart
        self.start = start
        self.maxCaptionNGrams = maxCaptionNGrams
        bigramCount = .allocate(capacity: captionCount)
        position = totals.map { .allocate(capacity: $0) }
        values = totals.map { .allocate(capacity: $0) }
        ids = totals.map { .allocate(capacity: $0) }
        let partitionBits = (0..<orders).map { order in
            let references = Int(start[order][referenceCaptionCount])
            return (0...Self.maxPartitionBits).first { references >> $0 <= Self.occurrencesPerPartition } ?? Self.maxPartitionBits
        }
        let entries = Entries(stats, corpus: self, partitionBits: partitionBits)
        defer { entries.deallocate() }

        // Per (order, partition), concurrently: intern, count document frequencies, weigh.
        let jobs = (0..<orders).flatMap { order in (0..<(1 << partitionBits[order])).map { (order: order, part: $0) } }
        var fixedByJob = [[(key: UInt64, count: Int32)]](repeating: [], count: jobs.count)
        if let fixed {
            let firstJob = (0..<orders).map { order in jobs.firstIndex { $0.order == order } ?? 0 }
            for (key, count) in fixed.frequencies {
                let order = Int(key >> 62)
                fixedByJob[firstJob[order] + Entries.partition(key, bits: partitionBits[order])].append((key, Int32(count)))
            }
        }
        let maxCount = max(stats.count, fixed?.frequencies.values.max() ?? 0)
        let logOfCount = (0...maxCount).map { log(max(1.0, Double($0))) }
        var jobFrequencies = [[UInt64: Int]](repeating: [:], count: jobs.count)
        let (values, ids) = (values, ids)
        jobFrequencies.withUnsafeMutableBufferPointer { jobFrequencies in
            let jobFrequencies = jobFrequencies
            DispatchQueue.concurrentPerform(iterations: jobs.count) { j in
                let (order, part) = jobs[j]
                let bits = partitionBits[order]
                let (values, ids, keys, images) = (values[order], ids[order], entries.keys[order], entries.images[order])
                let references = entries.references(order: order, part: part)
                let fixedKeys = fixedByJob[j]
                // Per distinct n-gram (dense local ids in first-seen order): fingerprint, df, last
                // image seen. Fixed-size scratch (at most one n-gram per occurrence).
                let capacity = references.count + fixedKeys.count
                let distinctKeys = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: capacity)
                let documentFrequency = UnsafeMutableBufferPointer<Int32>.allocate(capacity: capacity)
                let lastImage = UnsafeMutableBufferPointer<Int32>.allocate(capacity: capacity)
                defer { distinctKeys.deallocate(); documentFrequency.deallocate(); lastImage.deallocate() }
                var table = FingerprintTable(minimumCapacity: capacity / 2)
                var distinct = 0
                func intern(_ key: UInt64) -> Int {
                    let id = Int(table.insert(key, nextID: Int32(distinct)))
                    if id == distinct {
                        distinctKeys[id] = key
                        documentFrequency[id] = 0
                        lastImage[id] = -1
                        distinct += 1
                    }
                    return id
                }
                for (key, count) in fixedKeys { documentFrequency[intern(key)] = count }
                for e in references {
                    let id = intern(keys[e])
                    if fixed == nil && lastImage[id] != images[e] {
                        lastImage[id] = images[e]
                        documentFrequency[id] += 1
                    }
                    ids[e] = Int32(id)
                }
                let weight = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(1, distinct))
                defer { weight.deallocate() }
                for id in 0..<distinct { weight[id] = referenceLength - logOfCount[Int(documentFrequency[id])] }
                for e in references {
                    let id = Int(ids[e])
                    values[e] *= weight[id]   // the term frequency times its weight
                    ids[e] = Int32(id << bits | part)
                }
                for e in entries.candidates(order: order, part: part) {
                    let id = Int(table.find(keys[e]))
                    values[e] *= id < 0 ? referenceLength : weight[id]
                    ids[e] = id < 0 ? -1 : Int32(id << bits | part)
                }
                if keepFrequencies {
                    jobFrequencies[j] = Dictionary(uniqueKeysWithValues: (0..<distinct).map { (distinctKeys[$0], Int(documentFrequency[$0])) })
                }
            }
        }
        if keepFrequencies { frequencies = jobFrequencies.reduce(into: [:]) { $0.merge($1) { a, _ in a } } }
    }

    func deallocate() {
        imageReferenceStart.deallocate()
        bigramCount.deallocate()
        for columns in [start, position, ids] { columns.forEach { $0.deallocate() } }
        values.forEach { $0.deallocate() }
    }

    /// The CIDEr-D of every image (images in concurrent chunks).
    func imageScores(sigma: Double) -> [Double] {
        var scores = [Double](repeating: 0, count: imageCount)
        scores.withUnsafeMutableBufferPointer { scores in
            let scores = scores
            concurrentChunks(imageCount, chunkSize: Self.chunkSize) { range in
                var candidate = SentenceVector(capacity: maxCaptionNGrams), reference = SentenceVector(capacity: maxCaptionNGrams)
                defer { candidate.deallocate(); reference.deallocate() }
                for image in range {
                    candidate.fill(self, caption: referenceCaptionCount + image)
                    var orderSums = SIMD4<Double>()
                    let references = Int(imageReferenceStart[image])..<Int(imageReferenceStart[image + 1])
                    for caption in references {
                        reference.fill(self, caption: caption)
                        orderSums += candidate.similarity(to: reference, sigma: sigma)
                    }
                    // np.mean over the 4 orders: first element plus the sum of the rest, then / 4.
                    var score = (orderSums[0] + (((-0.0 + orderSums[1]) + orderSums[2]) + orderSums[3])) / 4
                    score /= Double(references.count)
                    scores[image] = score * 10.0
                }
            }
        }
        return scores
    }

    /// The n-gram entries of each order: fingerprint, image (references) and, until weighed, the
    /// term frequency in `values`. Two concurrent passes over images in chunks: count the
    /// occurrences per (chunk, order, partition), then write them (each chunk's share of a
    /// partition after the earlier chunks' shares, so a partition stays in image order).
    private struct Entries {
        /// Fingerprint bits above those that index the hash tables.
        @inline(__always)
        static func partition(_ key: UInt64, bits: Int) -> Int {
            Int(truncatingIfNeeded: key >> 48) & ((1 << bits) - 1)
        }

        let keys: [UnsafeMutableBufferPointer<UInt64>]
        let images: [UnsafeMutableBufferPointer<Int32>]
        /// Per order, where each partition's references start, then its candidates (then the end).
        private let partitionStart: [[Int]]

        func references(order: Int, part: Int) -> Range<Int> {
            partitionStart[order][part]..<partitionStart[order][part + 1]
        }

        func candidates(order: Int, part: Int) -> Range<Int> {
            let parts = (partitionStart[order].count - 1) / 2
            return partitionStart[order][parts + part]..<partitionStart[order][parts + part + 1]
        }

        init(_ stats: [CiderImageStats], corpus: CiderCorpus, partitionBits: [Int]) {
            let orders = CiderCorpus.orders, chunkSize = CiderCorpus.chunkSize
            let chunkCount = (stats.count + chunkSize - 1) / chunkSize
            let maxParts = 1 << CiderCorpus.maxPartitionBits
            // One counter (then cursor) per (chunk, order, kind, partition); kind 0 references, 1 candidates.
            let counters = orders * 2 * maxParts
            @inline(__always) func slot(_ chunk: Int, _ order: Int, _ kind: Int) -> Int { ((chunk * orders + order) * 2 + kind) * maxParts }
            /// Calls `body(kind, image, caption, ngrams)` for the captions of a chunk's images, in caption order.
            @inline(__always) func forEachCaption(ofChunk chunk: Int, _ body: (Int, Int, Int, NGramCounts) -> Void) {
                for image in (chunk * chunkSize)..<min(stats.count, (chunk + 1) * chunkSize) {
                    let first = Int(corpus.imageReferenceStart[image])
                    for (r, reference) in stats[image].references.enumerated() { body(0, image, first + r, reference) }
                    body(1, image, corpus.referenceCaptionCount + image, stats[image].candidate)
                }
            }
            let cursors = UnsafeMutableBufferPointer<Int>.allocate(capacity: chunkCount * counters)
            defer { cursors.deallocate() }
            cursors.initialize(repeating: 0)
            DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
                forEachCaption(ofChunk: chunk) { kind, _, _, ngrams in
                    ngrams.keys.withUnsafeBufferPointer { keys in
                        for order in 0..<orders {
                            let (counts, bits) = (cursors.baseAddress! + slot(chunk, order, kind), partitionBits[order])
                            for j in ngrams.range(ofOrder: order + 1) { counts[Self.partition(keys[j], bits: bits)] += 1 }
                        }
                    }
                }
            }
            // Counts → first entry of each (chunk, order, kind, partition): per order, kind by kind,
            // partition by partition, chunks in order.
            var partitionStart = [[Int]](repeating: [], count: orders)
            for order in 0..<orders {
                var entry = 0
                for kind in 0..<2 {
                    for part in 0..<(1 << partitionBits[order]) {
                        partitionStart[order].append(entry)
                        for chunk in 0..<chunkCount {
                            let s = slot(chunk, order, kind) + part
                            (cursors[s], entry) = (entry, entry + cursors[s])
                        }
                    }
                }
                partitionStart[order].append(entry)
            }
            self.partitionStart = partitionStart
            let keys = corpus.values.map { UnsafeMutableBufferPointer<UInt64>.allocate(capacity: $0.count) }
            let images = corpus.values.map { UnsafeMutableBufferPointer<Int32>.allocate(capacity: $0.count) }
            (self.keys, self.images) = (keys, images)
            DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
                forEachCaption(ofChunk: chunk) { kind, image, caption, ngrams in
                    ngrams.keys.withUnsafeBufferPointer { ngramKeys in
                        ngrams.counts.withUnsafeBufferPointer { counts in
                            for order in 0..<orders {
                                let (keys, images, values, position) = (keys[order], images[order], corpus.values[order], corpus.position[order])
                                let (cursor, bits) = (cursors.baseAddress! + slot(chunk, order, kind), partitionBits[order])
                                var k = Int(corpus.start[order][caption])
                                for j in ngrams.range(ofOrder: order + 1) {
                                    let key = ngramKeys[j]
                                    let part = Self.partition(key, bits: bits)
                                    let e = cursor[part]
                                    cursor[part] = e + 1
                                    keys[e] = key
                                    images[e] = Int32(image)
                                    values[e] = Double(counts[j])
                                    position[k] = Int32(e)
                                    k += 1
                                }
                            }
                            corpus.bigramCount[caption] = ngrams.range(ofOrder: 2).reduce(0) { $0 + counts[$1] }
                        }
                    }
                }
            }
        }

        func deallocate() {
            keys.forEach { $0.deallocate() }
            images.forEach { $0.deallocate() }
        }
    }
}

/// Scratch space for one caption's tf-idf vector: per n-gram its id and value, with per-order
/// norms and the caption's bigram count.
private struct SentenceVector {
    /// Room for `capacity` n-grams (the most any caption has).
    private let ids: UnsafeMutableBufferPointer<Int32>
    private let values: UnsafeMutableBufferPointer<Double>
    /// `orderStarts[n - 1]..<orderStarts[n]`: the n-grams of order n.
    private var orderStarts = SIMD8<Int32>()
    /// Euclidean norm per order (squares summed in key order, as pycocoevalcap does).
    private var norms = SIMD4<Double>()
    /// pycocoevalcap's `length`: the number of bigrams.
    private var length = 0

    init(capacity: Int) {
        ids = .allocate(capacity: max(1, capacity))
        values = .allocate(capacity: max(1, capacity))
    }

    func deallocate() {
        ids.deallocate()
        values.deallocate()
    }

    mutating func fill(_ corpus: CiderCorpus, caption: Int) {
        var j = 0
        for order in 0..<NGramCounts.maxOrder {
            orderStarts[order] = Int32(j)
            let (position, entryIDs, entryValues) = (corpus.position[order], corpus.ids[order], corpus.values[order])
            var squares = 0.0
            for k in Int(corpus.start[order][caption])..<Int(corpus.start[order][caption + 1]) {
                let e = Int(position[k])
                let value = entryValues[e]
                ids[j] = entryIDs[e]
                values[j] = value
                squares += value * value
                j += 1
            }
            norms[order] = squares.squareRoot()
        }
        orderStarts[NGramCounts.maxOrder] = Int32(j)
        length = Int(corpus.bigramCount[caption])
    }

    /// Above this many n-grams of one order in both sentences, `similarity` indexes the reference's.
    private static let longSentenceNGrams = 64

    /// Per-order clipped cosine similarity (no division when a norm is 0) times the length
    /// penalty `e^(−δ²/2σ²)`, with this vector as the candidate.
    func similarity(to reference: SentenceVector, sigma: Double) -> SIMD4<Double> {
        let delta = Double(length - reference.length)
        let penalty = pow(M_E, -(delta * delta) / (2 * sigma * sigma))
        var result = SIMD4<Double>()
        for order in 0..<NGramCounts.maxOrder {
            var value = 0.0
            let referenceRange = Int(reference.orderStarts[order])..<Int(reference.orderStarts[order + 1])
            let range = Int(orderStarts[order])..<Int(orderStarts[order + 1])
            // Long sentences find the reference's entries through a dictionary (a scan per n-gram would
            // be quadratic); the summation order is the candidate's either way.
            let referenceIndex = referenceRange.count > Self.longSentenceNGrams && range.count > Self.longSentenceNGrams
                ? Dictionary(referenceRange.map { (reference.ids[$0], $0) }, uniquingKeysWith: { first, _ in first })
                : nil
            for j in range {
                // An n-gram missing from the reference adds min(v, 0)·0 = 0 (v ≥ 0): skipped.
                let id = ids[j]
                guard id >= 0,
                      let r = referenceIndex.map({ $0[id] }) ?? referenceRange.first(where: { reference.ids[$0] == id })
                else { continue }
                let referenceValue = reference.values[r]
                value += min(values[j], referenceValue) * referenceValue
            }
            if norms[order] != 0 && reference.norms[order] != 0 {
                value /= norms[order] * reference.norms[order]
            }
            result[order] = value * penalty
        }
        return result
    }
}
