/// WordNet 3.0 as SPICE-lite needs it: which lemmas exist in each part of speech, the synsets
/// that contain each lemma, the morphological exception lists, and SemCor sense-tag counts.
///
/// It is built from the text of the WordNet dictionary files (`index.{noun,verb,adj,adv}`,
/// `{noun,verb,adj,adv}.exc`, `cntlist.rev`); reading them from disk is the job of
/// `MetricResources.WordNetLoader`. Synset identifiers are the byte offsets of the `data.*`
/// files combined with the part of speech, so they are unique across parts of speech.
public struct WordNetLexicon: Sendable {
    /// WordNet's four parts of speech (adjective satellites count as adjectives).
    public enum PartOfSpeech: Int, CaseIterable, Sendable {
        case noun = 0, verb, adjective, adverb
    }

    struct Entry: Sendable {
        /// The lemma's synsets are `synsetPool[pos][start ..< start + count]`.
        var start: Int32
        var count: Int32
        /// Total SemCor tag count over the lemma's senses (0 when untagged).
        var semcorCount: Int32
        /// The lexicographer file of the lemma's first sense (from its sense key), -1 when untagged.
        var firstSenseFile: Int8 = -1
    }

    /// WordNet's lexicographer file of nouns that denote man-made objects (`noun.artifact`).
    public static let artifactFile = 6

    var entries: [[String: Entry]]
    /// Synset identifiers, `offset * 4 + partOfSpeech`, in WordNet's sense order, one pool per part of speech.
    var synsetPool: [[Int32]]
    var exceptions: [[String: [String]]]

    /// The text of the dictionary files for one part of speech.
    public struct Files: Sendable {
        public var index: String
        public var exceptions: String
        public init(index: String, exceptions: String) {
            self.index = index
            self.exceptions = exceptions
        }
    }

    /// Builds the lexicon from file contents: `files[pos]` for each part of speech and the text of
    /// `cntlist.rev` (`sense_key sense_number tag_count` per line). Malformed lines are skipped.
    public init(files: [PartOfSpeech: Files], senseCounts: String) {
        entries = Array(repeating: [:], count: 4)
        exceptions = Array(repeating: [:], count: 4)
        synsetPool = Array(repeating: [], count: 4)
        for (pos, text) in files {
            (entries[pos.rawValue], synsetPool[pos.rawValue]) = Self.parseIndex(text.index, pos: pos)
            exceptions[pos.rawValue] = Self.parseExceptions(text.exceptions)
        }
        Self.addSenseCounts(senseCounts, to: &entries)
    }

    /// The number of lemmas in each part of speech (noun, verb, adjective, adverb).
    public var lemmaCounts: [Int] { entries.map(\.count) }

    /// Whether `lemma` (spaces written as `_`) is a WordNet lemma of `pos`.
    public func contains(_ lemma: String, _ pos: PartOfSpeech) -> Bool {
        entries[pos.rawValue][lemma] != nil
    }

    /// The SemCor tag count of `lemma` in `pos` (0 when absent or untagged).
    public func semcorCount(_ lemma: String, _ pos: PartOfSpeech) -> Int {
        Int(entries[pos.rawValue][lemma]?.semcorCount ?? 0)
    }

    /// The lexicographer file number (`lexnames`: 6 is `noun.artifact`) of the first sense of
    /// `lemma` in `pos`, read from its SemCor sense key; nil when that sense has no SemCor tag.
    public func firstSenseFile(_ lemma: String, _ pos: PartOfSpeech) -> Int? {
        guard let file = entries[pos.rawValue][lemma]?.firstSenseFile, file >= 0 else { return nil }
        return Int(file)
    }

    /// WordNet's morphy: the base forms of `word` in `pos`, best first.
    /// Candidates in order: the exception-list bases, the word itself if it is a lemma, and the
    /// results of the `morph.c` suffix-detachment rules that are lemmas of `pos`. For nouns the
    /// shortest candidate comes first (ties keep that order), so a plural that WordNet also lists
    /// as a lemma still gives its singular ("shoes" → "shoe"), as the PTB lemmatizer would; verbs keep
    /// the rule order, so "riding" gives "ride" (rule ing→e) before "rid" (rule ing→"").
    public func baseForms(_ word: String, _ pos: PartOfSpeech) -> [String] {
        var forms: [String] = []
        if let bases = exceptions[pos.rawValue][word] {
            forms.append(contentsOf: bases)
        }
        if contains(word, pos), !forms.contains(word) { forms.append(word) }
        for (suffix, ending) in Self.detachmentRules[pos.rawValue] where word.hasSuffix(suffix) {
            let stem = String(word.dropLast(suffix.count)) + ending
            if !stem.isEmpty, contains(stem, pos), !forms.contains(stem) { forms.append(stem) }
        }
        if pos == .noun, forms.count > 1 {
            forms = forms.enumerated().sorted { ($0.element.count, $0.offset) < ($1.element.count, $1.offset) }.map(\.element)
        }
        return forms
    }

    /// The lemma morphy picks for `word` in `pos` (nil when `word` is not a form of any lemma).
    public func lemma(_ word: String, _ pos: PartOfSpeech) -> String? {
        baseForms(word, pos).first
    }

    /// Synsets containing `concept` or one of its base forms, over all parts of speech, sorted.
    /// Multiword concepts ("sit in") are looked up with underscores, as WordNet spells them.
    /// This mirrors SPICE's `getSynSets(word) ∪ getStemSynSets(word)` through METEOR's WordNet tables.
    public func synsets(of concept: String) -> [Int32] {
        let key = concept.contains(" ") ? String(concept.map { $0 == " " ? "_" : $0 }) : concept
        var result: [Int32] = []
        for pos in PartOfSpeech.allCases {
            let table = entries[pos.rawValue]
            let pool = synsetPool[pos.rawValue]
            func add(_ entry: Entry) {
                result.append(contentsOf: pool[Int(entry.start) ..< Int(entry.start + entry.count)])
            }
            if let entry = table[key] { add(entry) }
            for base in baseForms(key, pos) where base != key {
                if let entry = table[base] { add(entry) }
            }
        }
        result.sort()
        var unique: [Int32] = []
        unique.reserveCapacity(result.count)
        for id in result where unique.last != id { unique.append(id) }
        return unique
    }

    // MARK: - Parsing

    /// `morph.c` suffix detachment rules per part of speech (adverbs have none).
    static let detachmentRules: [[(String, String)]] = [
        [("s", ""), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"),
         ("men", "man"), ("ies", "y")],
        [("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""),
         ("ing", "e"), ("ing", "")],
        [("er", ""), ("est", ""), ("er", "e"), ("est", "e")],
        [],
    ]

    /// Parses an `index.pos` file: `lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt
    /// tagsense_cnt synset_offset...`. License header lines start with two spaces.
    static func parseIndex(_ text: String, pos: PartOfSpeech) -> ([String: Entry], [Int32]) {
        var table: [String: Entry] = [:]
        table.reserveCapacity(pos == .noun ? 120_000 : 22_000)
        var pool: [Int32] = []
        pool.reserveCapacity(pos == .noun ? 150_000 : 30_000)
        var text = text
        text.withUTF8 { bytes in
            var lineStart = 0
            let count = bytes.count
            var fields: [Range<Int>] = []
            fields.reserveCapacity(64)
            while lineStart < count {
                var lineEnd = lineStart
                while lineEnd < count, bytes[lineEnd] != 10 { lineEnd += 1 }
                defer { lineStart = lineEnd + 1 }
                if lineEnd == lineStart || bytes[lineStart] == 32 { continue }
                fields.removeAll(keepingCapacity: true)
                var i = lineStart
                while i < lineEnd {
                    while i < lineEnd, bytes[i] == 32 { i += 1 }
                    let start = i
                    while i < lineEnd, bytes[i] != 32 { i += 1 }
                    if i > start { fields.append(start..<i) }
                }
                guard fields.count >= 6, let synsetCount = parseInt(bytes, fields[2]),
                      let pointerCount = parseInt(bytes, fields[3]) else { continue }
                let firstOffset = 4 + pointerCount + 2
                guard synsetCount > 0, fields.count >= firstOffset + synsetCount else { continue }
                let start = pool.count
                for field in fields[firstOffset..<(firstOffset + synsetCount)] {
                    if let offset = parseInt(bytes, field) {
                        pool.append(Int32(offset * 4 + pos.rawValue))
                    }
                }
                let lemma = String(decoding: UnsafeBufferPointer(rebasing: bytes[fields[0]]), as: UTF8.self)
                table[lemma] = Entry(start: Int32(start), count: Int32(pool.count - start), semcorCount: 0)
            }
        }
        return (table, pool)
    }

    private static func parseInt(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        var value = 0
        for i in range {
            let digit = Int(bytes[i]) - 48
            guard digit >= 0, digit <= 9 else { return nil }
            value = value * 10 + digit
        }
        return range.isEmpty ? nil : value
    }

    /// Parses a `pos.exc` file: `inflected base [base...]` per line.
    static func parseExceptions(_ text: String) -> [String: [String]] {
        var table: [String: [String]] = [:]
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ")
            guard words.count >= 2 else { continue }
            table[String(words[0])] = words.dropFirst().map(String.init)
        }
        return table
    }

    /// Adds `cntlist.rev` counts (`lemma%ss_type:lex_filenum:...  sense_number  tag_count`) to the
    /// entries, and the lexicographer file of sense number 1.
    /// `ss_type` is 1 noun, 2 verb, 3 adjective, 4 adverb, 5 adjective satellite.
    static func addSenseCounts(_ text: String, to entries: inout [[String: Entry]]) {
        var text = text
        text.withUTF8 { bytes in
            var lineStart = 0
            while lineStart < bytes.count {
                var lineEnd = lineStart
                while lineEnd < bytes.count, bytes[lineEnd] != 10 { lineEnd += 1 }
                defer { lineStart = lineEnd + 1 }
                // lemma%T...  sense_number  tag_count
                guard let percent = (lineStart..<lineEnd).first(where: { bytes[$0] == 37 }), percent + 1 < lineEnd,
                      let lastSpace = (lineStart..<lineEnd).last(where: { bytes[$0] == 32 }),
                      let count = parseInt(bytes, (lastSpace + 1)..<lineEnd) else { continue }
                let pos: PartOfSpeech
                switch bytes[percent + 1] {
                case 49: pos = .noun          // "1"
                case 50: pos = .verb          // "2"
                case 51, 53: pos = .adjective // "3", "5" (satellite)
                case 52: pos = .adverb        // "4"
                default: continue
                }
                let lemma = String(decoding: UnsafeBufferPointer(rebasing: bytes[lineStart..<percent]), as: UTF8.self)
                entries[pos.rawValue][lemma]?.semcorCount += Int32(count)
                // "... 1 48": the sense number is the field before the count.
                if let senseStart = (lineStart..<lastSpace).last(where: { bytes[$0] == 32 }),
                   parseInt(bytes, (senseStart + 1)..<lastSpace) == 1, percent + 4 < lineEnd, bytes[percent + 2] == 58,
                   let file = parseInt(bytes, (percent + 3)..<(percent + 5)) {
                    entries[pos.rawValue][lemma]?.firstSenseFile = Int8(file)
                }
            }
        }
    }
}
