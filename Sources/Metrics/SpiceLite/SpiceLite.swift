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
        // Each category is scored on its own filtered tuple sets, as SPICE does; a candidate tuple
        // counts as a true positive when some reference tuple of the same category is similar to it.
        let categories = SpiceLiteCategory.allCases
        let referenceMembership = referenceTuples.map { r in categories.map { $0.contains(r) } }
        var counts = [SpiceLiteCounts](repeating: SpiceLiteCounts(), count: categories.count)
        for membership in referenceMembership {
            for k in categories.indices where membership[k] { counts[k].referenceTuples += 1 }
        }
        for candidate in candidateTuples {
            var matchedAnyCategory: Bool?
            for (k, category) in categories.enumerated() where category.contains(candidate) {
                counts[k].candidateTuples += 1
                let matched: Bool
                if category == .all || category == .object || category == .attribute || category == .relation {
                    // These categories depend on tuple size alone, which matching requires anyway.
                    if matchedAnyCategory == nil {
                        matchedAnyCategory = referenceTuples.contains { Self.isSimilar(candidate, $0) }
                    }
                    matched = matchedAnyCategory!
                } else {
                    matched = referenceTuples.indices.contains {
                        referenceMembership[$0][k] && Self.isSimilar(candidate, referenceTuples[$0])
                    }
                }
                if matched { counts[k].truePositives += 1 }
            }
        }
        var stats = SpiceLiteStats()
        for (k, category) in categories.enumerated() { stats[category] = counts[k] }
        return stats
    }

    /// SPICE's `SemanticTuple.similarTo`: same size and every element similar.
    private static func isSimilar(_ a: [SpiceLiteConcept], _ b: [SpiceLiteConcept]) -> Bool {
        guard a.count == b.count else { return false }
        for i in a.indices where !a[i].isSimilar(to: b[i]) { return false }
        return true
    }

    /// Memoizes WordNet lookups (token readings, concept synsets) within one scoring call.
    struct Cache {
        let lexicon: WordNetLexicon
        var tagger: SpiceLiteTagger
        var concepts: [String: SpiceLiteConcept] = [:]
        /// Tuples per caption text: captioning systems repeat many captions verbatim.
        var captionTuples: [String: [SpiceLiteTuple]] = [:]

        init(lexicon: WordNetLexicon) {
            self.lexicon = lexicon
            tagger = SpiceLiteTagger(lexicon: lexicon)
        }

        mutating func tuples(_ caption: String) -> [SpiceLiteTuple] {
            if let known = captionTuples[caption] { return known }
            // PTB bracket tokens (-lrb- ...) survive coco-caption's punctuation filter; they carry no content.
            let tokens = caption.utf8.split(separator: UInt8(ascii: " ")).map { String(decoding: $0, as: UTF8.self) }
                .filter { !SpiceLiteWordLists.bracketTokens.contains($0) }
            let tuples = SpiceLiteTupleExtractor.tuples(tagger.tag(tokens))
            captionTuples[caption] = tuples
            return tuples
        }

        mutating func concept(_ word: String) -> SpiceLiteConcept {
            if let known = concepts[word] { return known }
            let concept = SpiceLiteConcept(words: [word], synsets: lexicon.synsets(of: word))
            concepts[word] = concept
            return concept
        }
    }
}
