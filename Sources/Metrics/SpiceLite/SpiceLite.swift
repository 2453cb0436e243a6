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
        let tokens = caption.split(separator: " ").map(String.init)
        return SpiceLiteTupleExtractor.tuples(SpiceLiteTagger(lexicon: lexicon).tag(tokens))
    }

    /// Per-image statistics of `candidate` against all `references` of the image.
    public func statistics(candidate: String, references: [String]) -> SpiceLiteStats {
        var cache = ConceptCache(lexicon: lexicon)
        return statistics(candidate: candidate, references: references, cache: &cache)
    }

    /// Per-image statistics for many images; `candidates[i]` is scored against `references[i]`.
    public func statistics(candidates: [String], references: [[String]]) throws -> [SpiceLiteStats] {
        guard candidates.count == references.count else {
            throw MetricError.invalidInput("SPICE-lite: \(candidates.count) candidates but \(references.count) reference lists")
        }
        var cache = ConceptCache(lexicon: lexicon)
        return zip(candidates, references).map { statistics(candidate: $0, references: $1, cache: &cache) }
    }

    private func statistics(candidate: String, references: [String], cache: inout ConceptCache) -> SpiceLiteStats {
        var referenceGraph = SpiceLiteSceneGraph()
        for reference in references {
            for tuple in tuples(reference) { referenceGraph.add(tuple) { cache.concept($0) } }
        }
        var candidateGraph = SpiceLiteSceneGraph()
        for tuple in tuples(candidate) { candidateGraph.add(tuple) { cache.concept($0) } }
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

    /// Memoizes concept synsets (WordNet lookups) within one scoring call.
    struct ConceptCache {
        let lexicon: WordNetLexicon
        var synsets: [String: [Int32]] = [:]

        mutating func concept(_ word: String) -> SpiceLiteConcept {
            if let s = synsets[word] { return SpiceLiteConcept(words: [word], synsets: s) }
            let s = lexicon.synsets(of: word)
            synsets[word] = s
            return SpiceLiteConcept(words: [word], synsets: s)
        }
    }
}
