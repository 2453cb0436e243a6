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
        var cache = Cache(lexicon: lexicon)
        return zip(candidates, references).map { statistics(candidate: $0, references: $1, cache: &cache) }
    }

    private func statistics(candidate: String, references: [String], cache: inout Cache) -> SpiceLiteStats {
        var referenceGraph = SpiceLiteSceneGraph()
        for reference in references {
            for tuple in cache.tuples(reference) { referenceGraph.add(tuple) { cache.concept($0) } }
        }
        var candidateGraph = SpiceLiteSceneGraph()
        for tuple in cache.tuples(candidate) { candidateGraph.add(tuple) { cache.concept($0) } }
        let candidateTuples = candidateGraph.tuples()
        let referenceTuples = referenceGraph.tuples()
        var stats = SpiceLiteStats()
        for category in SpiceLiteCategory.allCases {
            let cand = candidateTuples.filter(category.contains)
            let refs = referenceTuples.filter(category.contains)
            let matched = cand.filter { c in
                refs.contains { r in r.count == c.count && zip(c, r).allSatisfy { $0.isSimilar(to: $1) } }
            }.count
            stats[category] = SpiceLiteCounts(truePositives: matched, candidateTuples: cand.count, referenceTuples: refs.count)
        }
        return stats
    }

    /// Memoizes WordNet lookups (token readings, concept synsets) within one scoring call.
    struct Cache {
        let lexicon: WordNetLexicon
        var tagger: SpiceLiteTagger
        var synsets: [String: [Int32]] = [:]

        init(lexicon: WordNetLexicon) {
            self.lexicon = lexicon
            tagger = SpiceLiteTagger(lexicon: lexicon)
        }

        mutating func tuples(_ caption: String) -> [SpiceLiteTuple] {
            let tokens = caption.utf8.split(separator: UInt8(ascii: " ")).map { String(decoding: $0, as: UTF8.self) }
            return SpiceLiteTupleExtractor.tuples(tagger.tag(tokens))
        }

        mutating func concept(_ word: String) -> SpiceLiteConcept {
            if let s = synsets[word] { return SpiceLiteConcept(words: [word], synsets: s) }
            let s = lexicon.synsets(of: word)
            synsets[word] = s
            return SpiceLiteConcept(words: [word], synsets: s)
        }
    }
}
