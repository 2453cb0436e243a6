/// A word or phrase with its WordNet synsets; SPICE's `SemanticConcept`.
/// Two concepts are similar when they share a word or a synset. Words are interned
/// (`SpiceLiteVocabulary` ids), so comparing concepts never touches strings.
struct SpiceLiteConcept: Equatable {
    /// Interned word ids, in the order they were merged in.
    var words: [Int32]
    /// Sorted, unique synset identifiers.
    var synsets: [Int32]

    func isSimilar(to other: SpiceLiteConcept) -> Bool {
        for w in words where other.words.contains(w) { return true }
        return Self.sharesElement(synsets, other.synsets)
    }

    /// 1 when a word is shared, else the Jaccard overlap of the synsets (SPICE `similarity`).
    func similarity(to other: SpiceLiteConcept) -> Double {
        similarity(to: other, above: -1)
    }

    /// `similarity(to:)` when it exceeds `threshold`; otherwise some value not above `threshold`
    /// (it skips the synset overlap when even a full overlap could not exceed the threshold).
    func similarity(to other: SpiceLiteConcept, above threshold: Double) -> Double {
        for w in words where other.words.contains(w) { return 1 }
        let smaller = min(synsets.count, other.synsets.count), larger = max(synsets.count, other.synsets.count)
        guard smaller > 0, Double(smaller) / Double(larger) > threshold,
              synsets[0] <= other.synsets[other.synsets.count - 1], other.synsets[0] <= synsets[synsets.count - 1]
        else { return 0 }
        let shared = Self.intersectionCount(synsets, other.synsets)
        return Double(shared) / Double(synsets.count + other.synsets.count - shared)
    }

    /// Set equality (SPICE compares the word and synset sets).
    func isEqual(to other: SpiceLiteConcept) -> Bool {
        words.count == other.words.count && synsets.count == other.synsets.count
            && synsets == other.synsets && words.allSatisfy(other.words.contains)
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

/// A tuple of interned word ids: (object), (object, attribute) or (subject, relation, object).
struct SpiceLiteWordTuple {
    var count: Int
    var words: (Int32, Int32, Int32)
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

    /// One tuple of the graph, by position: a node, one attribute of a node, or an edge.
    enum Element {
        case object(node: Int)
        case attribute(node: Int, index: Int)
        case relation(edge: Int)

        /// Tuple size: 1, 2 or 3 concepts.
        var size: Int {
            switch self {
            case .object: return 1
            case .attribute: return 2
            case .relation: return 3
            }
        }
    }

    private(set) var nodes: [Node] = []
    private(set) var edges: [Edge] = []

    /// Adds a tuple whose words are looked up in `concepts` (the concept of word id `i` is `concepts[i]`).
    mutating func add(_ tuple: SpiceLiteWordTuple, concepts: [SpiceLiteConcept]) {
        switch tuple.count {
        case 1:
            _ = node(for: concepts[Int(tuple.words.0)])
        case 2:
            let n = node(for: concepts[Int(tuple.words.0)])
            let attribute = concepts[Int(tuple.words.1)]
            if nodes[n].attributes.contains(where: { $0.isEqual(to: attribute) }) { return }
            if let k = nodes[n].attributes.firstIndex(where: { $0.isSimilar(to: attribute) }) {
                nodes[n].attributes[k].merge(attribute)
            } else {
                nodes[n].attributes.append(attribute)
            }
        default:
            let source = node(for: concepts[Int(tuple.words.0)])
            let target = node(for: concepts[Int(tuple.words.2)])
            let relation = concepts[Int(tuple.words.1)]
            var firstSimilar: Int?
            for k in edges.indices where edges[k].source == source && edges[k].target == target {
                if edges[k].relation.isEqual(to: relation) { return }
                if firstSimilar == nil, edges[k].relation.isSimilar(to: relation) { firstSimilar = k }
            }
            if let k = firstSimilar {
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
        for k in nodes.indices {
            if nodes[k].object.isEqual(to: object) { return k }
            // Once a node shares a word (similarity 1), later nodes matter only if equal.
            guard bestSimilarity < 1 else { continue }
            let s = object.similarity(to: nodes[k].object, above: bestSimilarity)
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
    func elements() -> [Element] {
        var result: [Element] = []
        for (n, node) in nodes.enumerated() {
            result.append(.object(node: n))
            for k in node.attributes.indices { result.append(.attribute(node: n, index: k)) }
        }
        for e in edges.indices { result.append(.relation(edge: e)) }
        return result
    }

    /// The attribute concept of an attribute element; nil for objects and relations.
    func attribute(of element: Element) -> SpiceLiteConcept? {
        if case let .attribute(n, k) = element { return nodes[n].attributes[k] }
        return nil
    }

    /// SPICE's `SemanticTuple.similarTo`: same size and every element similar.
    func isSimilar(_ a: Element, to b: Element, in other: SpiceLiteSceneGraph) -> Bool {
        switch (a, b) {
        case let (.object(n), .object(m)):
            return nodes[n].object.isSimilar(to: other.nodes[m].object)
        case let (.attribute(n, k), .attribute(m, l)):
            return nodes[n].object.isSimilar(to: other.nodes[m].object)
                && nodes[n].attributes[k].isSimilar(to: other.nodes[m].attributes[l])
        case let (.relation(e), .relation(f)):
            let x = edges[e], y = other.edges[f]
            return nodes[x.source].object.isSimilar(to: other.nodes[y.source].object)
                && x.relation.isSimilar(to: y.relation)
                && nodes[x.target].object.isSimilar(to: other.nodes[y.target].object)
        default:
            return false
        }
    }
}
