/// METEOR's paraphrase table (`paraphrase-en.gz`) as a sorted, memory-mappable structure.
///
/// The jar builds a trie over the reference-side phrases and, at each trie node, keeps the paraphrases in file
/// order. Here the entries are sorted by (reference phrase as word ids, file position), so every trie node is a
/// contiguous range of entries: the entries whose phrase ends at that node come first, in file order.
struct MeteorParaphrases {
    /// word -> id (no values)
    let vocabulary: MeteorKeyedTable
    /// entries whose reference phrase starts with word id `w` are `firstWordStart[w] ..< firstWordStart[w+1]`
    let firstWordStart: UnsafeBufferPointer<Int32>
    let referenceOffsets: UnsafeBufferPointer<Int32>
    let referenceWords: UnsafeBufferPointer<Int32>
    let paraphraseOffsets: UnsafeBufferPointer<Int32>
    let paraphraseWords: UnsafeBufferPointer<Int32>

    /// The vocabulary id of `word`, or -1 (the jar's `translate`).
    func wordID(_ word: String) -> Int32 {
        vocabulary.index(of: word).map { Int32($0) } ?? -1
    }

    /// The word ids of the paraphrase of entry `entry`.
    func paraphrase(_ entry: Int32) -> UnsafeBufferPointer<Int32> {
        UnsafeBufferPointer(rebasing: paraphraseWords[Int(paraphraseOffsets[Int(entry)])..<Int(paraphraseOffsets[Int(entry) + 1])])
    }

    /// Two consecutive word ids.
    struct Bigram: Hashable {
        var first: Int32
        var second: Int32
    }

    /// A table entry whose reference phrase occurs in a sentence.
    struct Phrase {
        /// Words of the sentence covered by the reference phrase.
        var length: Int
        var entry: Int32
        /// The first word of the paraphrase (matchers check it before reading the whole paraphrase).
        var paraphraseFirstWord: Int32
    }

    // The jar's `getReferencePaths` at a sentence position: the entries whose reference phrase equals
    // `words[start ..< start+length]`, ordered by length, then file order. It is split in two here: the one-word
    // phrases depend on one word only (so they are looked up once per distinct word), the longer ones on the
    // words that follow.

    /// The entries whose reference phrase is the single word `word`, in file order.
    func oneWordPhrases(_ word: Int32) -> [Phrase] {
        guard word >= 0, Int(word) + 1 < firstWordStart.count else { return [] }
        var found: [Phrase] = []
        var entry = Int(firstWordStart[Int(word)])
        let end = Int(firstWordStart[Int(word) + 1])
        while entry < end && phraseLength(entry) == 1 {
            found.append(phrase(entry, length: 1))
            entry += 1
        }
        return found
    }

    /// The entries whose reference phrase equals `words[start ..< start+length]` for some length ≥ 2, ordered by
    /// length then file order. `bigrams` may hold precomputed `secondWordRange` results.
    func longerPhrases(in words: [Int32], from start: Int, bigrams: MeteorBigramRanges? = nil) -> [Phrase] {
        var found: [Phrase] = []
        guard start + 1 < words.count, words[start] >= 0, words[start + 1] >= 0 else { return found }
        let bigram = Bigram(first: words[start], second: words[start + 1])
        let range = bigrams?.range(bigram) ?? secondWordRange(bigram)
        var lo = range.lowerBound, hi = range.upperBound
        var depth = 2
        while lo < hi {
            // Entries in lo..<hi share the first `depth` words; those of exactly that length come first.
            while lo < hi && phraseLength(lo) == depth {
                found.append(phrase(lo, length: depth))
                lo += 1
            }
            guard start + depth < words.count, lo < hi else { break }
            let next = words[start + depth]
            if next < 0 { break }
            let narrowed = narrow(lo..<hi, position: depth, to: next)
            lo = narrowed.lowerBound; hi = narrowed.upperBound
            depth += 1
        }
        return found
    }

    private func phrase(_ entry: Int, length: Int) -> Phrase {
        Phrase(length: length, entry: Int32(entry), paraphraseFirstWord: paraphraseWords[Int(paraphraseOffsets[entry])])
    }

    /// The entries whose reference phrase starts with the two words of `bigram`.
    func secondWordRange(_ bigram: Bigram) -> Range<Int> {
        guard bigram.first >= 0, Int(bigram.first) + 1 < firstWordStart.count else { return 0..<0 }
        let lo = Int(firstWordStart[Int(bigram.first)]), hi = Int(firstWordStart[Int(bigram.first) + 1])
        // One-word phrases sort before the longer ones.
        var a = lo, b = hi
        while a < b {
            let mid = (a + b) / 2
            if phraseLength(mid) > 1 { b = mid } else { a = mid + 1 }
        }
        return narrow(a..<hi, position: 1, to: bigram.second)
    }

    /// The sub-range of `range` (entries sorted by their word at `position`) whose word there is `word`.
    private func narrow(_ range: Range<Int>, position: Int, to word: Int32) -> Range<Int> {
        let lo = lowerBound(range.lowerBound, range.upperBound, position) { $0 >= word }
        return lo..<lowerBound(lo, range.upperBound, position) { $0 > word }
    }

    private func phraseLength(_ entry: Int) -> Int { Int(referenceOffsets[entry + 1] - referenceOffsets[entry]) }

    /// The first entry in lo..<hi whose word at `position` satisfies `predicate` (monotone in the sorted order).
    private func lowerBound(_ lo: Int, _ hi: Int, _ position: Int, _ predicate: (Int32) -> Bool) -> Int {
        var lo = lo, hi = hi
        while lo < hi {
            let mid = (lo + hi) / 2
            if predicate(referenceWords[Int(referenceOffsets[mid]) + position]) { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}

/// Collects paraphrase-table entries in file order and writes them sorted (see `MeteorParaphrases`).
public struct MeteorParaphraseTableBuilder {
    private var vocabulary: [String: Int32] = [:]
    private var words: [String] = []
    private var referenceOffsets: [Int32] = [0]
    private var referenceWords: [Int32] = []
    private var paraphraseOffsets: [Int32] = [0]
    private var paraphraseWords: [Int32] = []

    public init() {}

    public var entryCount: Int { referenceOffsets.count - 1 }

    /// Adds one entry (in file order): the words of the reference-side phrase and of its paraphrase.
    /// Entries with an empty side are skipped (the jar would never look up an empty reference phrase, and
    /// `paraphrase-en.gz` has no empty paraphrase).
    public mutating func add(reference: [String], paraphrase: [String]) {
        guard !reference.isEmpty, !paraphrase.isEmpty else { return }
        for w in reference { referenceWords.append(id(w)) }
        referenceOffsets.append(Int32(referenceWords.count))
        for w in paraphrase { paraphraseWords.append(id(w)) }
        paraphraseOffsets.append(Int32(paraphraseWords.count))
    }

    private mutating func id(_ word: String) -> Int32 {
        if let i = vocabulary[word] { return i }
        let i = Int32(words.count)
        vocabulary[word] = i
        words.append(word)
        return i
    }

    /// Writes the table's sections (vocabulary table, first-word ranges, sorted phrases) into `writer`.
    func write(into writer: inout MeteorIndexWriter) {
        func phrase(_ e: Int) -> ArraySlice<Int32> { referenceWords[Int(referenceOffsets[e])..<Int(referenceOffsets[e + 1])] }
        let order = (0..<entryCount).sorted { a, b in
            let pa = phrase(a), pb = phrase(b)
            if pa.elementsEqual(pb) { return a < b }
            return pa.lexicographicallyPrecedes(pb)
        }
        var vocabularyTable = MeteorKeyedTableBuilder()
        for w in words { vocabularyTable.append(key: w) }
        var firstWordStart = [Int32](repeating: 0, count: words.count + 1)
        var sortedReferenceOffsets: [Int32] = [0], sortedReferenceWords: [Int32] = []
        var sortedParaphraseOffsets: [Int32] = [0], sortedParaphraseWords: [Int32] = []
        sortedReferenceWords.reserveCapacity(referenceWords.count)
        sortedParaphraseWords.reserveCapacity(paraphraseWords.count)
        for e in order {
            let p = phrase(e)
            if let first = p.first { firstWordStart[Int(first) + 1] += 1 }
            sortedReferenceWords += p
            sortedReferenceOffsets.append(Int32(sortedReferenceWords.count))
            sortedParaphraseWords += paraphraseWords[Int(paraphraseOffsets[e])..<Int(paraphraseOffsets[e + 1])]
            sortedParaphraseOffsets.append(Int32(sortedParaphraseWords.count))
        }
        for w in 0..<words.count { firstWordStart[w + 1] += firstWordStart[w] }
        writer.add(vocabularyTable)
        writer.add(firstWordStart)
        writer.add(sortedReferenceOffsets)
        writer.add(sortedReferenceWords)
        writer.add(sortedParaphraseOffsets)
        writer.add(sortedParaphraseWords)
    }
}
