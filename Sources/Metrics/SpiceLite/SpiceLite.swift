import Dispatch

/// SPICE-lite: a deterministic, parser-free approximation of SPICE (Anderson et al. 2016).
///
/// Not SPICE: real SPICE parses captions with Stanford CoreNLP; SPICE-lite tags words from WordNet
/// and closed-class lists and extracts tuples with a shallow parse (`SpiceLiteTupleExtractor`).
/// Everything after extraction follows SPICE 1.0: the references of an image are merged into one
/// scene graph, the candidate gets its own graph, tuples match when each element shares a lemma or a
/// WordNet synset, true positives are counted on the candidate side, and per-image F1 is averaged
/// over images. Input captions are PTB-tokenized and lower-cased (as coco-caption passes them).
public struct SpiceLite: Sendable {
    public let lexicon: WordNetLexicon

    public init(lexicon: WordNetLexicon) { self.lexicon = lexicon }

    /// The tuples SPICE-lite extracts from one tokenized caption, in extraction order.
    public func tuples(_ caption: String) -> [SpiceLiteTuple] {
        var cache = Cache(lexicon: lexicon)
        return cache.tuples(caption)
    }

    /// Per-image statistics of `candidate` against all `references` of the image.
    public func statistics(candidate: String, references: [String]) -> SpiceLiteStats {
        var cache = Cache(lexicon: lexicon)
        return statistics(candidate: candidate, references: references, cache: &cache)
    }

    /// Per-image statistics for many images; `candidates[i]` is scored against `references[i]`.
    public func statistics(candidates: [String], references: [[String]]) throws -> [SpiceLiteStats] {
        guard candidates.count == references.count else {
            throw MetricError.invalidInput("SPICE-lite: \(candidates.count) candidates but \(references.count) reference lists")
        }
        return statistics(images: zip(candidates, references).map { (candidate: $0, references: $1) })
    }

    /// Per-image statistics of (candidate, references) pairs, in order.
    /// Batches of 1000 images or more are split into two halves scored concurrently, each with its
    /// own cache (more parts would repeat more WordNet lookups); the result does not depend on the split.
    public func statistics(images: [(candidate: String, references: [String])]) -> [SpiceLiteStats] {
        let partCount = images.count >= 1000 ? 2 : 1
        let partSize = (images.count + partCount - 1) / partCount
        var parts = [[SpiceLiteStats]](repeating: [], count: partCount)
        parts.withUnsafeMutableBufferPointer { output in
            let output = output
            DispatchQueue.concurrentPerform(iterations: partCount) { part in
                let range = (part * partSize)..<min(images.count, (part + 1) * partSize)
                var cache = Cache(lexicon: lexicon)
                cache.captionTuples.reserveCapacity(range.reduce(0) { $0 + 1 + images[$1].references.count })
                output[part] = range.map { statistics(candidate: images[$0].candidate, references: images[$0].references, cache: &cache) }
            }
        }
        return parts.flatMap { $0 }
    }

    private func statistics(candidate: String, references: [String], cache: inout Cache) -> SpiceLiteStats {
        var referenceGraph = SpiceLiteSceneGraph()
        for reference in references {
            for tuple in cache.wordTuples(reference) { referenceGraph.add(tuple, concepts: cache.concepts) }
        }
        var candidateGraph = SpiceLiteSceneGraph()
        for tuple in cache.wordTuples(candidate) { candidateGraph.add(tuple, concepts: cache.concepts) }
        // Each category is scored on its own filtered tuple sets, as SPICE does; a candidate tuple
        // counts as a true positive when some reference tuple of the same category is similar to it.
        let categories = SpiceLiteCategory.allCases
        func membership(_ element: SpiceLiteSceneGraph.Element, in graph: SpiceLiteSceneGraph) -> UInt8 {
            var lists = SpiceLiteAttributeLists()
            if let attribute = graph.attribute(of: element), attribute.words.count == 1 {
                lists = cache.attributeLists[Int(attribute.words[0])]
            }
            var mask: UInt8 = 0
            for (k, category) in categories.enumerated() where category.contains(size: element.size, attributeLists: lists) {
                mask |= 1 << k
            }
            return mask
        }
        let referenceElements = referenceGraph.elements()
        let referenceMasks = referenceElements.map { membership($0, in: referenceGraph) }
        var counts = [SpiceLiteCounts](repeating: SpiceLiteCounts(), count: categories.count)
        for mask in referenceMasks {
            for k in categories.indices where mask & (1 << k) != 0 { counts[k].referenceTuples += 1 }
        }
        for candidate in candidateGraph.elements() {
            let mask = membership(candidate, in: candidateGraph)
            // The categories a similar reference tuple shares with the candidate.
            var matchedMask: UInt8 = 0
            for (r, reference) in referenceElements.enumerated() where mask & referenceMasks[r] & ~matchedMask != 0 {
                if candidateGraph.isSimilar(candidate, to: reference, in: referenceGraph) {
                    matchedMask |= mask & referenceMasks[r]
                    if matchedMask == mask { break }
                }
            }
            for k in categories.indices where mask & (1 << k) != 0 {
                counts[k].candidateTuples += 1
                if matchedMask & (1 << k) != 0 { counts[k].truePositives += 1 }
            }
        }
        var stats = SpiceLiteStats()
        for (k, category) in categories.enumerated() { stats[category] = counts[k] }
        return stats
    }

    /// Memoizes WordNet lookups and per-caption work within one scoring call. Tuple words are
    /// interned: each distinct lemma or relation phrase gets an id, its concept and its category lists.
    struct Cache {
        let lexicon: WordNetLexicon
        var tagger: SpiceLiteTagger
        var wordIDs: [String: Int32] = [:]
        /// The concept of each interned word, by id.
        var concepts: [SpiceLiteConcept] = []
        var attributeLists: [SpiceLiteAttributeLists] = []
        /// Tuples per caption text: references and candidates repeat across images and systems.
        var captionTuples: [String: [SpiceLiteWordTuple]] = [:]

        init(lexicon: WordNetLexicon) {
            self.lexicon = lexicon
            tagger = SpiceLiteTagger(lexicon: lexicon)
        }

        mutating func tuples(_ caption: String) -> [SpiceLiteTuple] {
            SpiceLiteTupleExtractor.tuples(tagger.tag(caption))
        }

        mutating func wordTuples(_ caption: String) -> [SpiceLiteWordTuple] {
            if let known = captionTuples[caption] { return known }
            let tuples = self.tuples(caption).map { tuple -> SpiceLiteWordTuple in
                switch tuple {
                case let .object(o): return SpiceLiteWordTuple(count: 1, words: (id(o), 0, 0))
                case let .attribute(o, a): return SpiceLiteWordTuple(count: 2, words: (id(o), id(a), 0))
                case let .relation(s, r, o): return SpiceLiteWordTuple(count: 3, words: (id(s), id(r), id(o)))
                }
            }
            captionTuples[caption] = tuples
            return tuples
        }

        private mutating func id(_ word: String) -> Int32 {
            if let known = wordIDs[word] { return known }
            let id = Int32(concepts.count)
            concepts.append(SpiceLiteConcept(words: [id], synsets: lexicon.synsets(of: word)))
            attributeLists.append(SpiceLiteAttributeLists(word: word))
            wordIDs[word] = id
            return id
        }
    }
}
