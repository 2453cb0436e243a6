/// A word or phrase with its WordNet synsets; SPICE's `SemanticConcept`.
/// Two concepts are similar when they share a word or a synset.
struct SpiceLiteConcept: Equatable {
    var words: [String]
    /// Sorted, unique synset identifiers.
    var synsets: [Int32]

    func isSimilar(to other: SpiceLiteConcept) -> Bool {
        if Self.sharesElement(synsets, other.synsets) { return true }
        for w in words where other.words.contains(w) { return true }
        return false
    }

    /// 1 when a word is shared, else the Jaccard overlap of the synsets (SPICE `similarity`).
    func similarity(to other: SpiceLiteConcept) -> Double {
        for w in words where other.words.contains(w) { return 1 }
        let shared = Self.intersectionCount(synsets, other.synsets)
        let union = synsets.count + other.synsets.count - shared
        return union == 0 ? 0 : Double(shared) / Double(union)
    }

    /// Set equality (SPICE compares the word and synset sets).
    func isEqual(to other: SpiceLiteConcept) -> Bool {
        synsets == other.synsets && words.count == other.words.count && words.allSatisfy(other.words.contains)
    }

    mutating func merge(_ other: SpiceLiteConcept) {
        for w in other.words where !words.contains(w) { words.append(w) }
        if !other.synsets.isEmpty, synsets != other.synsets {
            var merged = synsets + other.synsets
            merged.sort()
            synsets = []
            synsets.reserveCapacity(merged.count)
            for s in merged where synsets.last != s { synsets.append(s) }
        }
    }

    private static func sharesElement(_ a: [Int32], _ b: [Int32]) -> Bool {
        var i = 0, j = 0
        while i < a.count, j < b.count {
            if a[i] == b[j] { return true }
            if a[i] < b[j] { i += 1 } else { j += 1 }
        }
        return false
    }

    private static func intersectionCount(_ a: [Int32], _ b: [Int32]) -> Int {
        var i = 0, j = 0, n = 0
        while i < a.count, j < b.count {
            if a[i] == b[j] { n += 1; i += 1; j += 1 } else if a[i] < b[j] { i += 1 } else { j += 1 }
        }
        return n
    }
}

/// A scene graph that merges similar nodes, attributes and relations as tuples are added;
/// SPICE's `SceneGraph` with `allowConceptMerging` (the default).
struct SpiceLiteSceneGraph {
    struct Node {
        var object: SpiceLiteConcept
        var attributes: [SpiceLiteConcept] = []
    }
    struct Edge {
        var source: Int
        var target: Int
        var relation: SpiceLiteConcept
    }

    private(set) var nodes: [Node] = []
    private(set) var edges: [Edge] = []

    mutating func add(_ tuple: SpiceLiteTuple, concept: (String) -> SpiceLiteConcept) {
        switch tuple {
        case let .object(o):
            _ = node(for: concept(o))
        case let .attribute(o, a):
            let n = node(for: concept(o))
            let attribute = concept(a)
            if nodes[n].attributes.contains(where: { $0.isEqual(to: attribute) }) { return }
            if let k = nodes[n].attributes.firstIndex(where: { $0.isSimilar(to: attribute) }) {
                nodes[n].attributes[k].merge(attribute)
            } else {
                nodes[n].attributes.append(attribute)
            }
        case let .relation(s, r, o):
            let source = node(for: concept(s))
            let target = node(for: concept(o))
            let relation = concept(r)
            let sameEnds = edges.indices.filter { edges[$0].source == source && edges[$0].target == target }
            if sameEnds.contains(where: { edges[$0].relation.isEqual(to: relation) }) { return }
            if let k = sameEnds.first(where: { edges[$0].relation.isSimilar(to: relation) }) {
                edges[k].relation.merge(relation)
            } else {
                edges.append(Edge(source: source, target: target, relation: relation))
            }
        }
    }

    /// The node equal to `object`, else the most similar node (merged with it), else a new node.
    private mutating func node(for object: SpiceLiteConcept) -> Int {
        var best: Int?
        var bestSimilarity = 0.0
        for (k, node) in nodes.enumerated() {
            if node.object.isEqual(to: object) { return k }
            let s = object.similarity(to: node.object)
            if s > bestSimilarity { bestSimilarity = s; best = k }
        }
        if let k = best {
            nodes[k].object.merge(object)
            return k
        }
        nodes.append(Node(object: object))
        return nodes.count - 1
    }

    /// The graph's tuples: one per node, one per attribute, one per edge.
    func tuples() -> [[SpiceLiteConcept]] {
        var result: [[SpiceLiteConcept]] = []
        for node in nodes {
            result.append([node.object])
            for a in node.attributes { result.append([node.object, a]) }
        }
        for e in edges { result.append([nodes[e.source].object, e.relation, nodes[e.target].object]) }
        return result
    }
}
