/// One sentence as METEOR's matchers see it: normalized lowercased tokens and, per token, everything the
/// four matchers compare. Computed once per sentence and reused for every hypothesis/reference pair.
struct MeteorSentence {
    var words: [String] = []
    /// `String.hashCode` of each word: the exact matcher (and the "not already exact" tests) compare these.
    var hashes: [Int32] = []
    /// `hashCode` of each word's Snowball stem.
    var stemHashes: [Int32] = []
    /// Sorted synset ids (own and base form's).
    var synsets: [[Int32]] = []
    /// Paraphrase-table word ids (-1 = unknown).
    var paraphraseIDs: [Int32] = []
    var isFunctionWord: [Bool] = []
    /// For each start position, the paraphrase-table phrases found there: (length, entry).
    var phrasesAt: [[(length: Int, entry: Int32)]] = []

    init(tokens: [String], resources: MeteorResources) {
        words = tokens
        hashes = tokens.map(javaHashCode)
        stemHashes = tokens.map { javaHashCode(SnowballEnglishStemmer.stem($0)) }
        synsets = tokens.map(resources.synonyms.synsetIDs)
        paraphraseIDs = tokens.map(resources.paraphrases.wordID)
        isFunctionWord = tokens.map { resources.functionWords.contains($0.lowercased()) }
        phrasesAt = tokens.indices.map { resources.paraphrases.phrases(in: paraphraseIDs, from: $0) }
    }
}

/// A candidate match: reference words `start ..< start+length` with test words `matchStart ..< matchStart+matchLength`.
struct MeteorMatch {
    var start: Int
    var length: Int
    var matchStart: Int
    var matchLength: Int
    /// 0 exact, 1 stem, 2 synonym, 3 paraphrase
    var module: Int
}

/// METEOR 1.5's aligner (`Aligner.align`): collects candidate matches from the exact, stem, synonym and paraphrase
/// matchers, fixes the unambiguous ones, and resolves the rest with a beam search (width 40) that prefers more
/// weighted matched words, then fewer chunks, then less distortion. Reproduces the jar's integer truncation of the
/// weighted match counts and its distance bookkeeping.
struct MeteorAligner {
    static let beamSize = 40
    /// Stage weights used while aligning (the scorer's `updateModuleWeights(1, 0.5, 0.5, 0.5)`).
    static let alignmentWeights: [Double] = [1.0, 0.5, 0.5, 0.5]
    let paraphrases: MeteorParaphrases

    /// The statistics of the best alignment of `test` against `reference`.
    func stats(test t: MeteorSentence, reference r: MeteorSentence) -> MeteorStats {
        let n1 = t.words.count, n2 = r.words.count
        var candidates = [[MeteorMatch]](repeating: [], count: n2)
        var coverage1 = [Int](repeating: 0, count: n1), coverage2 = [Int](repeating: 0, count: n2)
        func add(_ m: MeteorMatch) {
            candidates[m.start].append(m)
            for k in 0..<m.matchLength { coverage1[m.matchStart + k] += 1 }
            for k in 0..<m.length { coverage2[m.start + k] += 1 }
        }
        // Identical sentences (by hash) use the exact matcher only.
        let stageCount = (n1 == n2 && t.hashes == r.hashes) ? 1 : MeteorStats.stageCount
        for stage in 0..<stageCount {
            switch stage {
            case 0:
                for j in 0..<n2 { for i in 0..<n1 where t.hashes[i] == r.hashes[j] { add(.init(start: j, length: 1, matchStart: i, matchLength: 1, module: 0)) } }
            case 1:
                for j in 0..<n2 { for i in 0..<n1 where t.stemHashes[i] == r.stemHashes[j] && t.hashes[i] != r.hashes[j] {
                    add(.init(start: j, length: 1, matchStart: i, matchLength: 1, module: 1))
                } }
            case 2:
                for j in 0..<n2 { for i in 0..<n1 where t.hashes[i] != r.hashes[j] && sortedIntersect(t.synsets[i], r.synsets[j]) {
                    add(.init(start: j, length: 1, matchStart: i, matchLength: 1, module: 2))
                } }
            default:
                // Reference phrases found in the reference, their paraphrases looked for in the test ...
                for j in 0..<n2 {
                    for (length, entry) in r.phrasesAt[j] {
                        let words = paraphrases.paraphrase(entry)
                        for i in 0..<n1 where occurs(words, in: t.paraphraseIDs, at: i) {
                            add(.init(start: j, length: length, matchStart: i, matchLength: words.count, module: 3))
                        }
                    }
                }
                // ... and reference phrases found in the test, their paraphrases looked for in the reference.
                for i in 0..<n1 {
                    for (length, entry) in t.phrasesAt[i] {
                        let words = paraphrases.paraphrase(entry)
                        for j in 0..<n2 where occurs(words, in: r.paraphraseIDs, at: j) {
                            add(.init(start: j, length: words.count, matchStart: i, matchLength: length, module: 3))
                        }
                    }
                }
            }
        }

        // Fix matches that are the only candidate at their position and overlap nothing else.
        var initial = PartialAlignment(referenceLength: n2, testLength: n1)
        for i in 0..<n2 where candidates[i].count == 1 {
            let m = candidates[i][0]
            let overlap = (0..<m.length).contains { coverage2[i + $0] != 1 }
                || (0..<m.matchLength).contains { coverage1[m.matchStart + $0] != 1 }
            if !overlap {
                initial.matches[i] = m
                initial.setUsed(m)
            }
        }
        let best = resolve(candidates, initial)

        var stats = MeteorStats()
        stats.testLength = n1
        stats.referenceLength = n2
        stats.testFunctionWords = t.isFunctionWord.filter { $0 }.count
        stats.referenceFunctionWords = r.isFunctionWord.filter { $0 }.count
        for case let m? in best.matches {
            for k in 0..<m.matchLength {
                if t.isFunctionWord[m.matchStart + k] { stats.stages[m.module].testFunction += 1 } else { stats.stages[m.module].testContent += 1 }
            }
            for k in 0..<m.length {
                if r.isFunctionWord[m.start + k] { stats.stages[m.module].referenceFunction += 1 } else { stats.stages[m.module].referenceContent += 1 }
            }
        }
        stats.chunks = chunkCount(best.matches)
        stats.testWordMatches = stats.testTotalMatches
        stats.referenceWordMatches = stats.referenceTotalMatches
        return stats
    }

    /// A partial path of the beam search over reference positions.
    private struct PartialAlignment {
        var matches: [MeteorMatch?]
        /// Weighted matched words (Java `int` fields updated with `+=` of a double, hence truncated).
        var matches1 = 0
        var matches2 = 0
        var chunks = 0
        var idx = 0
        var lastMatchEnd = -1
        var distance = 0
        var used1: [Bool]
        var used2: [Bool]

        init(referenceLength: Int, testLength: Int) {
            matches = [MeteorMatch?](repeating: nil, count: referenceLength)
            used1 = [Bool](repeating: false, count: testLength)
            used2 = [Bool](repeating: false, count: referenceLength)
        }

        func isUsed(_ m: MeteorMatch) -> Bool {
            (0..<m.length).contains { used2[m.start + $0] } || (0..<m.matchLength).contains { used1[m.matchStart + $0] }
        }

        mutating func setUsed(_ m: MeteorMatch) {
            for k in 0..<m.length { used2[m.start + k] = true }
            for k in 0..<m.matchLength { used1[m.matchStart + k] = true }
        }

        /// Counts `m` as the next match of this path (everything but the distance).
        mutating func advance(over m: MeteorMatch) {
            let weight = MeteorAligner.alignmentWeights[m.module]
            matches1 = Int(Double(matches1) + Double(m.matchLength) * weight)
            matches2 = Int(Double(matches2) + Double(m.length) * weight)
            if lastMatchEnd != -1 && m.matchStart != lastMatchEnd { chunks += 1 }
            idx = m.start + m.length
            lastMatchEnd = m.matchStart + m.matchLength
        }

        /// `Constants.PARTIAL_COMPARE_TOTAL`: negative when `self` ranks before `other`.
        func compare(_ other: PartialAlignment) -> Int {
            let matchDiff = (other.matches1 + other.matches2) - (matches1 + matches2)
            if matchDiff != 0 { return matchDiff > 0 ? 1 : -1 }
            if chunks != other.chunks { return chunks - other.chunks }
            return distance - other.distance
        }
    }

    /// Stable sort by `compare` (Java's `Collections.sort` is stable).
    private func ranked(_ paths: [PartialAlignment]) -> [PartialAlignment] {
        let order = paths.indices.sorted { a, b in
            let c = paths[a].compare(paths[b])
            return c != 0 ? c < 0 : a < b
        }
        return order.map { paths[$0] }
    }

    private func resolve(_ candidates: [[MeteorMatch]], _ start: PartialAlignment) -> PartialAlignment {
        var next = [start]
        for current in 0...candidates.count {
            let paths = ranked(next)
            next = []
            for rank in 0..<min(MeteorAligner.beamSize, paths.count) {
                var path = paths[rank]
                if current == candidates.count {
                    if path.lastMatchEnd != -1 { path.chunks += 1 }
                    next.append(path)
                    continue
                }
                if path.used2[current] {
                    if current < path.idx {
                        next.append(path)
                    } else if let m = path.matches[path.idx] {
                        path.advance(over: m)
                        path.distance += abs(m.start - m.matchStart)
                        next.append(path)
                    }
                    continue
                }
                for m in candidates[current] where !path.isUsed(m) {
                    var extended = path
                    extended.setUsed(m)
                    extended.matches[current] = m
                    extended.advance(over: m)
                    // The jar adds this distance to the path being extended, not to the new one.
                    path.distance += abs(m.start - m.matchStart)
                    next.append(extended)
                }
                if path.lastMatchEnd != -1 {
                    path.chunks += 1
                    path.lastMatchEnd = -1
                }
                path.idx += 1
                next.append(path)
            }
            if next.isEmpty, let first = paths.first { next.append(first) }
        }
        return ranked(next).first ?? start
    }

    /// The number of chunks of the final alignment (`getCountAndChunks`).
    private func chunkCount(_ matches: [MeteorMatch?]) -> Int {
        var chunks = 0, idx = 0, lastMatchEnd = -1
        while idx < matches.count {
            if let m = matches[idx] {
                if lastMatchEnd != -1 && m.matchStart != lastMatchEnd { chunks += 1 }
                idx = m.start + m.length
                lastMatchEnd = m.matchStart + m.matchLength
            } else {
                if lastMatchEnd != -1 { chunks += 1; lastMatchEnd = -1 }
                idx += 1
            }
        }
        if lastMatchEnd != -1 { chunks += 1 }
        return chunks
    }
}

/// True when `words` occurs in `line` starting at `position` (an empty phrase occurs everywhere, as in the jar).
private func occurs(_ words: UnsafeBufferPointer<Int32>, in line: [Int32], at position: Int) -> Bool {
    for k in 0..<words.count where position + k >= line.count || line[position + k] != words[k] { return false }
    return true
}

/// True when two sorted arrays share an element.
private func sortedIntersect(_ a: [Int32], _ b: [Int32]) -> Bool {
    var i = 0, j = 0
    while i < a.count && j < b.count {
        if a[i] == b[j] { return true }
        if a[i] < b[j] { i += 1 } else { j += 1 }
    }
    return false
}
