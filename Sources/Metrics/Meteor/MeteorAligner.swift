/// The features of one word that METEOR's matchers compare.
struct MeteorWordFeatures {
    /// `String.hashCode`: the exact matcher (and the "not already exact" tests) compare these.
    var hash: Int32
    /// `hashCode` of the Snowball stem.
    var stemHash: Int32
    /// Sorted synset ids (own and base form's).
    var synsets: [Int32]
    /// Paraphrase-table word id (-1 = unknown).
    var paraphraseID: Int32
    var isFunctionWord: Bool
    /// The paraphrase-table entries whose reference phrase is this word alone.
    var oneWordPhrases: [MeteorParaphrases.Phrase]

    init(_ word: String, resources: MeteorResources) {
        hash = javaHashCode(word)
        stemHash = javaHashCode(SnowballEnglishStemmer.stem(word))
        synsets = resources.synonyms.synsetIDs(for: word)
        paraphraseID = resources.paraphrases.wordID(word)
        isFunctionWord = resources.functionWords.contains(word.lowercased())
        oneWordPhrases = resources.paraphrases.oneWordPhrases(paraphraseID)
    }
}

/// The words of all sentences of a scoring run, numbered, with their features and the paraphrase-table bigram
/// ranges they need, computed once (captions repeat words a lot). Built in parallel chunks of sentences; the
/// word numbers depend on the chunking (fixed), not on the number of threads, and never on the results.
struct MeteorLexicon {
    /// The sentences given to `init`, as word numbers.
    let sentences: [[Int32]]
    let features: [MeteorWordFeatures]
    /// All words' synsets back to back; word `w`'s are `synsetStorage[synsetRanges[w]]`.
    let synsetStorage: [Int32]
    let synsetRanges: [Range<Int>]
    let bigrams: MeteorBigramRanges

    /// Sentences per chunk of the parallel passes.
    private static let chunkSize = 1024

    init(sentences tokenSentences: [[String]], resources: MeteorResources) {
        // Each chunk numbers its own words; the chunks' word lists are then merged in chunk order
        // (a few thousand dictionary operations per chunk instead of one per token).
        let chunks = (0..<((tokenSentences.count + Self.chunkSize - 1) / Self.chunkSize)).map {
            ($0 * Self.chunkSize)..<min(tokenSentences.count, ($0 + 1) * Self.chunkSize)
        }
        let numbered = concurrentResults(chunks.count) { c -> (words: [String], sentences: [[Int32]]) in
            var numbering = WordNumbering()
            let sentences = tokenSentences[chunks[c]].map { $0.map { numbering.number($0) } }
            return (numbering.words, sentences)
        }
        var numbering = WordNumbering()
        let globalNumbers = numbered.map { $0.words.map { numbering.number($0) } }
        let words = numbering.words
        sentences = concurrentResults(chunks.count) { c in
            numbered[c].sentences.map { $0.map { globalNumbers[c][Int($0)] } }
        }.flatMap { $0 }

        features = concurrentMap(words) { MeteorWordFeatures($0, resources: resources) }
        var storage: [Int32] = [], ranges: [Range<Int>] = []
        for f in features {
            ranges.append(storage.count..<(storage.count + f.synsets.count))
            storage += f.synsets
        }
        synsetStorage = storage
        synsetRanges = ranges

        // The distinct bigrams of known paraphrase words: per chunk, then merged.
        let (sentences, features) = (sentences, features)
        let chunkBigrams = concurrentResults(chunks.count) { c -> [MeteorParaphrases.Bigram] in
            var seen = Set<MeteorParaphrases.Bigram>()
            var found: [MeteorParaphrases.Bigram] = []
            for sentence in sentences[chunks[c]] where sentence.count > 1 {
                for k in 1..<sentence.count {
                    let bigram = MeteorParaphrases.Bigram(first: features[Int(sentence[k - 1])].paraphraseID,
                                                          second: features[Int(sentence[k])].paraphraseID)
                    if bigram.first >= 0, bigram.second >= 0, seen.insert(bigram).inserted { found.append(bigram) }
                }
            }
            return found
        }
        bigrams = MeteorBigramRanges(chunkBigrams.flatMap { $0 }, paraphrases: resources.paraphrases)
    }

    /// True when words `a` and `b` share a synset.
    func shareSynset(_ a: Int32, _ b: Int32) -> Bool {
        let ra = synsetRanges[Int(a)], rb = synsetRanges[Int(b)]
        if ra.isEmpty || rb.isEmpty { return false }
        return synsetStorage.withUnsafeBufferPointer { s in
            var i = ra.lowerBound, j = rb.lowerBound
            while i < ra.upperBound && j < rb.upperBound {
                if s[i] == s[j] { return true }
                if s[i] < s[j] { i += 1 } else { j += 1 }
            }
            return false
        }
    }
}

/// Numbers words in the order they are first seen.
private struct WordNumbering {
    private(set) var words: [String] = []
    private var numbers: [String: Int32] = [:]

    /// The number of `word`, giving it the next one if it is new.
    mutating func number(_ word: String) -> Int32 {
        if let n = numbers[word] { return n }
        let n = Int32(words.count)
        numbers[word] = n
        words.append(word)
        return n
    }
}

/// One sentence as METEOR's matchers see it: its words' features (struct of arrays) and, for each start
/// position, the paraphrase-table phrases of two or more words found there (the one-word phrases are the
/// word's, in the lexicon).
struct MeteorSentence {
    /// Word numbers in the lexicon.
    var words: [Int32] = []
    var hashes: [Int32] = []
    var stemHashes: [Int32] = []
    var paraphraseIDs: [Int32] = []
    var isFunctionWord: [Bool] = []
    /// The paraphrase-table phrases of two or more words starting at each position.
    var longerPhrasesAt: [[MeteorParaphrases.Phrase]] = []
    /// The positions of each synset (only when asked for, and for sentences of at most 64 words).
    var synsetPositions: SynsetPositions?

    var count: Int { words.count }

    /// `indexingSynsets`: also fill `synsetPositions` (worth it for a test sentence aligned with several
    /// references).
    init(words: [Int32], lexicon: MeteorLexicon, paraphrases: MeteorParaphrases, indexingSynsets: Bool = false) {
        self.words = words
        let features = words.map { lexicon.features[Int($0)] }
        hashes = features.map(\.hash)
        stemHashes = features.map(\.stemHash)
        paraphraseIDs = features.map(\.paraphraseID)
        isFunctionWord = features.map(\.isFunctionWord)
        longerPhrasesAt = words.indices.map { paraphrases.longerPhrases(in: paraphraseIDs, from: $0, bigrams: lexicon.bigrams) }
        if indexingSynsets { synsetPositions = SynsetPositions(words, lexicon: lexicon) }
    }
}

/// For a sentence of at most 64 words: synset id → bit mask of the positions whose word has that synset
/// (open addressing, at most half full). Replaces a synset-list intersection per word pair by one lookup per
/// synset of the other word.
struct SynsetPositions {
    private var keys: [Int32]
    private var positions: [UInt64]
    private let mask: Int

    /// Nil when the sentence has more than 64 words.
    init?(_ words: [Int32], lexicon: MeteorLexicon) {
        guard words.count <= 64 else { return nil }
        let total = words.reduce(0) { $0 + lexicon.synsetRanges[Int($1)].count }
        var capacity = 16
        while capacity < 2 * total { capacity <<= 1 }
        keys = [Int32](repeating: -1, count: capacity)
        positions = [UInt64](repeating: 0, count: capacity)
        mask = capacity - 1
        for (position, word) in words.enumerated() {
            for k in lexicon.synsetRanges[Int(word)] {
                let synset = lexicon.synsetStorage[k]
                var slot = Self.slot(synset, mask)
                while keys[slot] != -1 && keys[slot] != synset { slot = (slot + 1) & mask }
                keys[slot] = synset
                positions[slot] |= 1 << UInt64(position)
            }
        }
    }

    /// The positions whose word shares a synset with lexicon word `word`.
    func positions(sharingSynsetWith word: Int32, lexicon: MeteorLexicon) -> UInt64 {
        var found: UInt64 = 0
        for k in lexicon.synsetRanges[Int(word)] {
            let synset = lexicon.synsetStorage[k]
            var slot = Self.slot(synset, mask)
            while keys[slot] != -1 {
                if keys[slot] == synset {
                    found |= positions[slot]
                    break
                }
                slot = (slot + 1) & mask
            }
        }
        return found
    }

    @inline(__always)
    private static func slot(_ synset: Int32, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (UInt64(UInt32(bitPattern: synset)) &* 0x9e37_79b9_7f4a_7c15) >> 32) & mask
    }
}

/// `MeteorParaphrases.secondWordRange` of every distinct bigram of a scoring run, computed once (in
/// parallel) and looked up through a `FingerprintTable`.
struct MeteorBigramRanges {
    private var table: FingerprintTable
    private let ranges: [Range<Int>]

    /// `bigrams` may repeat; each distinct one is looked up once.
    init(_ bigrams: [MeteorParaphrases.Bigram], paraphrases: MeteorParaphrases) {
        var table = FingerprintTable(minimumCapacity: bigrams.count)
        var distinct: [MeteorParaphrases.Bigram] = []
        for bigram in bigrams where table.insert(Self.key(bigram), nextID: Int32(distinct.count)) == Int32(distinct.count) {
            distinct.append(bigram)
        }
        self.table = table
        ranges = concurrentMap(distinct, paraphrases.secondWordRange)
    }

    /// The precomputed range of `bigram`, or nil when it was not given to `init`.
    @inline(__always)
    func range(_ bigram: MeteorParaphrases.Bigram) -> Range<Int>? {
        let id = table.find(Self.key(bigram))
        return id < 0 ? nil : ranges[Int(id)]
    }

    private static func key(_ bigram: MeteorParaphrases.Bigram) -> UInt64 {
        TokenFingerprints.mix(UInt64(UInt32(bitPattern: bigram.first)) << 32 | UInt64(UInt32(bitPattern: bigram.second)))
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
    let lexicon: MeteorLexicon

    /// The statistics of the best alignment of `test` against `reference`.
    func stats(test t: MeteorSentence, reference r: MeteorSentence) -> MeteorStats {
        let n1 = t.count, n2 = r.count
        var found: [MeteorMatch] = []
        var coverage1 = [Int](repeating: 0, count: n1), coverage2 = [Int](repeating: 0, count: n2)
        func add(_ m: MeteorMatch) {
            found.append(m)
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
                if let testSynsets = t.synsetPositions {
                    for j in 0..<n2 {
                        var shared = testSynsets.positions(sharingSynsetWith: r.words[j], lexicon: lexicon)
                        while shared != 0 {
                            let i = shared.trailingZeroBitCount
                            shared &= shared - 1
                            if t.hashes[i] != r.hashes[j] { add(.init(start: j, length: 1, matchStart: i, matchLength: 1, module: 2)) }
                        }
                    }
                } else {
                    for j in 0..<n2 { for i in 0..<n1 where t.hashes[i] != r.hashes[j] && lexicon.shareSynset(t.words[i], r.words[j]) {
                        add(.init(start: j, length: 1, matchStart: i, matchLength: 1, module: 2))
                    } }
                }
            default:
                // Reference-side phrases found in the reference, their paraphrases looked for in the test; then
                // the other way round.
                paraphraseOccurrences(from: r, in: t) { j, length, i, matchLength in
                    add(.init(start: j, length: length, matchStart: i, matchLength: matchLength, module: 3))
                }
                paraphraseOccurrences(from: t, in: r) { i, matchLength, j, length in
                    add(.init(start: j, length: length, matchStart: i, matchLength: matchLength, module: 3))
                }
            }
        }

        let candidates = MatchesByStart(found, referenceLength: n2)
        // Fix matches that are the only candidate at their position and overlap nothing else.
        var fixed = [MeteorMatch?](repeating: nil, count: n2)
        for i in 0..<n2 where candidates.offsets[i + 1] - candidates.offsets[i] == 1 {
            let m = candidates.matches[candidates.offsets[i]]
            let overlap = (0..<m.length).contains { coverage2[i + $0] != 1 }
                || (0..<m.matchLength).contains { coverage1[m.matchStart + $0] != 1 }
            if !overlap { fixed[i] = m }
        }
        let alignment = max(n1, n2) <= InlinePositionSet.capacity
            ? resolve(candidates, fixed: fixed, testLength: n1, positions: InlinePositionSet.self)
            : resolve(candidates, fixed: fixed, testLength: n1, positions: ArrayPositionSet.self)

        var stats = MeteorStats()
        stats.testLength = n1
        stats.referenceLength = n2
        stats.testFunctionWords = t.isFunctionWord.filter { $0 }.count
        stats.referenceFunctionWords = r.isFunctionWord.filter { $0 }.count
        for case let m? in alignment {
            for k in 0..<m.matchLength {
                if t.isFunctionWord[m.matchStart + k] { stats.stages[m.module].testFunction += 1 } else { stats.stages[m.module].testContent += 1 }
            }
            for k in 0..<m.length {
                if r.isFunctionWord[m.start + k] { stats.stages[m.module].referenceFunction += 1 } else { stats.stages[m.module].referenceContent += 1 }
            }
        }
        stats.chunks = chunkCount(alignment)
        stats.testWordMatches = stats.testTotalMatches
        stats.referenceWordMatches = stats.referenceTotalMatches
        return stats
    }

    /// Calls `found(sourceStart, sourceLength, targetStart, targetLength)` for every table phrase of `source`
    /// whose paraphrase occurs in `target`, in the jar's order (source position, phrase, target position).
    private func paraphraseOccurrences(from source: MeteorSentence, in target: MeteorSentence,
                                       _ found: (Int, Int, Int, Int) -> Void) {
        // Bit k set when a target word's id has low bits k: most phrases are ruled out without a scan.
        let targetBits = target.paraphraseIDs.reduce(UInt64(0)) { $0 | Self.bit($1) }
        for s in 0..<source.count {
            func look(for phrase: MeteorParaphrases.Phrase) {
                guard targetBits & Self.bit(phrase.paraphraseFirstWord) != 0 else { return }
                for t in 0..<target.count where target.paraphraseIDs[t] == phrase.paraphraseFirstWord {
                    let words = paraphrases.paraphrase(phrase.entry)
                    if occurs(words, in: target.paraphraseIDs, at: t) { found(s, phrase.length, t, words.count) }
                }
            }
            lexicon.features[Int(source.words[s])].oneWordPhrases.forEach(look)
            source.longerPhrasesAt[s].forEach(look)
        }
    }

    @inline(__always)
    private static func bit(_ id: Int32) -> UInt64 { 1 << (UInt64(UInt32(bitPattern: id)) & 63) }

    /// A partial path of the beam search over reference positions. The matches a path chooses are kept in a
    /// shared list (`Choice`, linked through `lastChoice`), so paths are small values that copy without allocating.
    private struct PartialAlignment<Positions: PositionSet> {
        /// Weighted matched words (Java `int` fields updated with `+=` of a double, hence truncated).
        var matches1 = 0
        var matches2 = 0
        var chunks = 0
        var idx = 0
        var lastMatchEnd = -1
        var distance = 0
        var used1: Positions
        var used2: Positions
        /// Index of this path's latest choice in the shared choice list, or -1.
        var lastChoice: Int32 = -1

        init(testLength: Int, referenceLength: Int) {
            used1 = Positions(count: testLength)
            used2 = Positions(count: referenceLength)
        }

        func isUsed(_ m: MeteorMatch) -> Bool {
            (0..<m.length).contains { used2[m.start + $0] } || (0..<m.matchLength).contains { used1[m.matchStart + $0] }
        }

        mutating func setUsed(_ m: MeteorMatch) {
            for k in 0..<m.length { used2.insert(m.start + k) }
            for k in 0..<m.matchLength { used1.insert(m.matchStart + k) }
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

    /// A match chosen by a path, linked to the path's previous choice.
    private struct Choice {
        var match: MeteorMatch
        var previous: Int32
    }

    /// Sorts `paths` stably by `compare` (Java's `Collections.sort` is stable), using `order` and
    /// `scratch` as reusable space.
    private func rank<P>(_ paths: inout [PartialAlignment<P>], order: inout [Int], scratch: inout [PartialAlignment<P>]) {
        guard paths.count > 1 else { return }
        order.removeAll(keepingCapacity: true)
        order.append(contentsOf: paths.indices)
        paths.withUnsafeBufferPointer { paths in
            order.sort { a, b in
                let c = paths[a].compare(paths[b])
                return c != 0 ? c < 0 : a < b
            }
        }
        scratch.removeAll(keepingCapacity: true)
        for i in order { scratch.append(paths[i]) }
        swap(&paths, &scratch)
    }

    /// The beam search (`Aligner.resolve`); returns the best path's match at each reference position.
    ///
    /// The jar reads a path's pending fixed match from the path's match array at `idx`; every match covers at
    /// least one word on each side, so a path's own choices all lie before `idx` and that entry is `fixed[idx]`.
    private func resolve<P: PositionSet>(_ candidates: MatchesByStart, fixed: [MeteorMatch?], testLength: Int,
                                         positions: P.Type) -> [MeteorMatch?] {
        let referenceLength = fixed.count
        var start = PartialAlignment<P>(testLength: testLength, referenceLength: referenceLength)
        for case let m? in fixed { start.setUsed(m) }
        var choices: [Choice] = []
        // Buffers reused across positions: the ranked paths, the next paths, sorting space.
        var paths: [PartialAlignment<P>] = [], next = [start], scratch: [PartialAlignment<P>] = []
        var order: [Int] = []
        for current in 0...referenceLength {
            rank(&next, order: &order, scratch: &scratch)
            swap(&paths, &next)
            next.removeAll(keepingCapacity: true)
            for rank in 0..<min(MeteorAligner.beamSize, paths.count) {
                var path = paths[rank]
                if current == referenceLength {
                    if path.lastMatchEnd != -1 { path.chunks += 1 }
                    next.append(path)
                    continue
                }
                if path.used2[current] {
                    if current < path.idx {
                        next.append(path)
                    } else if let m = fixed[path.idx] {
                        path.advance(over: m)
                        path.distance += abs(m.start - m.matchStart)
                        next.append(path)
                    }
                    continue
                }
                for k in candidates.offsets[current]..<candidates.offsets[current + 1] where !path.isUsed(candidates.matches[k]) {
                    let m = candidates.matches[k]
                    var extended = path
                    extended.setUsed(m)
                    choices.append(Choice(match: m, previous: path.lastChoice))
                    extended.lastChoice = Int32(choices.count - 1)
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
        rank(&next, order: &order, scratch: &scratch)
        var alignment = fixed
        var choice = (next.first ?? start).lastChoice
        while choice >= 0 {
            let c = choices[Int(choice)]
            alignment[c.match.start] = c.match
            choice = c.previous
        }
        return alignment
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

/// Candidate matches grouped by reference start position, each group in the order found:
/// position j's matches are `matches[offsets[j] ..< offsets[j + 1]]`.
struct MatchesByStart {
    let matches: [MeteorMatch]
    let offsets: [Int]

    /// Groups `found` (a stable counting sort by `start`).
    init(_ found: [MeteorMatch], referenceLength: Int) {
        var offsets = [Int](repeating: 0, count: referenceLength + 1)
        for m in found { offsets[m.start + 1] += 1 }
        for j in 0..<referenceLength { offsets[j + 1] += offsets[j] }
        var cursor = offsets
        var matches = found
        for m in found {
            matches[cursor[m.start]] = m
            cursor[m.start] += 1
        }
        self.matches = matches
        self.offsets = offsets
    }
}

/// A set of word positions (0 ..< count).
protocol PositionSet {
    init(count: Int)
    subscript(i: Int) -> Bool { get }
    mutating func insert(_ i: Int)
}

/// Positions below 256 as inline bits: paths that hold these copy without allocating.
struct InlinePositionSet: PositionSet {
    static let capacity = 256
    private var bits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    init(count: Int) {}

    subscript(i: Int) -> Bool {
        let mask: UInt64 = 1 << UInt64(i & 63)
        switch i >> 6 {
        case 0: return bits.0 & mask != 0
        case 1: return bits.1 & mask != 0
        case 2: return bits.2 & mask != 0
        default: return bits.3 & mask != 0
        }
    }

    mutating func insert(_ i: Int) {
        let mask: UInt64 = 1 << UInt64(i & 63)
        switch i >> 6 {
        case 0: bits.0 |= mask
        case 1: bits.1 |= mask
        case 2: bits.2 |= mask
        default: bits.3 |= mask
        }
    }
}

/// Positions of sentences longer than `InlinePositionSet.capacity`.
struct ArrayPositionSet: PositionSet {
    private var flags: [Bool]
    init(count: Int) { flags = [Bool](repeating: false, count: count) }
    subscript(i: Int) -> Bool { flags[i] }
    mutating func insert(_ i: Int) { flags[i] = true }
}

/// True when `words` occurs in `line` starting at `position` (an empty phrase occurs everywhere, as in the jar).
private func occurs(_ words: UnsafeBufferPointer<Int32>, in line: [Int32], at position: Int) -> Bool {
    for k in 0..<words.count where position + k >= line.count || line[position + k] != words[k] { return false }
    return true
}
