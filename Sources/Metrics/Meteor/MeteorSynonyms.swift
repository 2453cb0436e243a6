/// WordNet synonym lookup as METEOR 1.5's `SynonymDictionary` does it: a word's synsets are its own
/// (`english.synsets`) plus those of its base form, found through the irregular-form list (`english.exceptions`)
/// or, failing that, WordNet's detachment rules (`morph`).
struct MeteorSynonyms {
    /// word -> sorted synset ids
    let synsets: MeteorKeyedTable
    /// irregular form -> sorted union of the synsets of its base forms
    let exceptions: MeteorKeyedTable

    /// The sorted, unique synset ids that METEOR's synonym matcher compares for `word`.
    func synsetIDs(for word: String) -> [Int32] {
        var ids: [Int32] = []
        if let k = synsets.index(of: word) { ids += synsets.values(at: k) }
        if let k = exceptions.index(of: word) {
            ids += exceptions.values(at: k)
        } else if let base = morph(word), let k = synsets.index(of: base) {
            ids += synsets.values(at: k)
        }
        return Array(Set(ids)).sorted()
    }

    /// WordNet 3's morphological detachment as in METEOR: the first suffix rule whose result is a known word.
    /// Words ending in "ss" or of at most two UTF-16 units map to themselves.
    private func morph(_ word: String) -> String? {
        if word.utf16.count <= 2 || word.utf8.reversed().starts(with: [0x73, 0x73]) { return word }
        let utf8 = Array(word.utf8)
        for (suffix, ending) in MeteorSynonyms.detachmentRules where utf8.count >= suffix.count
            && utf8[(utf8.count - suffix.count)...].elementsEqual(suffix) {
            let candidate = String(decoding: utf8[..<(utf8.count - suffix.count)] + ending, as: UTF8.self)
            if synsets.index(of: candidate) != nil { return candidate }
        }
        return nil
    }

    /// (suffix, replacement) for nouns, verbs and adjectives, in WordNet's order.
    private static let detachmentRules: [([UInt8], [UInt8])] = [
        ("s", ""), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"), ("men", "man"), ("ies", "y"),
        ("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", ""),
        ("er", ""), ("est", ""), ("er", "e"), ("est", "e"),
    ].map { (Array($0.0.utf8), Array($0.1.utf8)) }

    /// Builds the two keyed tables from the text of `english.synsets` (word line, then a line of synset ids)
    /// and `english.exceptions` (base line, then a line of irregular forms).
    static func buildTables(synsetsText: String, exceptionsText: String)
        -> (synsets: MeteorKeyedTableBuilder, exceptions: MeteorKeyedTableBuilder) {
        var wordSynsets: [String: [Int32]] = [:]
        var wordOrder: [String] = []
        var lines = javaLines(synsetsText)
        var i = 0
        while i < lines.count {
            let word = lines[i]
            let ids = i + 1 < lines.count ? javaTokenize(lines[i + 1]).compactMap { Int32($0) } : []
            if wordSynsets[word] == nil { wordOrder.append(word) }
            wordSynsets[word] = Array(Set(ids)).sorted()
            i += 2
        }
        var formBases: [String: [String]] = [:]
        var formOrder: [String] = []
        lines = javaLines(exceptionsText)
        i = 0
        while i < lines.count {
            let base = lines[i]
            for form in i + 1 < lines.count ? javaTokenize(lines[i + 1]) : [] {
                if formBases[form] == nil { formOrder.append(form) }
                formBases[form, default: []].append(base)
            }
            i += 2
        }
        var synsets = MeteorKeyedTableBuilder()
        for word in wordOrder { synsets.append(key: word, values: wordSynsets[word] ?? []) }
        var exceptions = MeteorKeyedTableBuilder()
        for form in formOrder {
            let ids = (formBases[form] ?? []).flatMap { wordSynsets[$0] ?? [] }
            exceptions.append(key: form, values: Array(Set(ids)).sorted())
        }
        return (synsets, exceptions)
    }
}

/// Splits text into lines like `BufferedReader.readLine` (`\n`, `\r` or `\r\n`; no trailing empty line).
func javaLines(_ text: String) -> [String] {
    var lines: [String] = []
    var current: [UInt8] = []
    var previousCR = false
    for b in text.utf8 {
        if b == 0x0A && previousCR { previousCR = false; continue }
        previousCR = b == 0x0D
        if b == 0x0A || b == 0x0D {
            lines.append(String(decoding: current, as: UTF8.self)); current = []
        } else {
            current.append(b)
        }
    }
    if !current.isEmpty { lines.append(String(decoding: current, as: UTF8.self)) }
    return lines
}
