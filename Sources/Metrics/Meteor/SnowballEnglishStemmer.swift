/// The Snowball English ("Porter2") stemmer, in the version compiled into `meteor-1.5.jar`
/// (`org.tartarus.snowball.ext.englishStemmer`, Snowball of about 2010: step 0 folded into step 1a,
/// the `gener/commun/arsen` R1 prefixes, and the `exception1`/`exception2` word lists).
///
/// Works on UTF-16 code units like the Java original; only `a e i o u y` are vowels, so non-ASCII letters are consonants.
/// Input is expected lowercased (METEOR stems lowercased tokens).
public enum SnowballEnglishStemmer {
    /// The stem of `word`.
    public static func stem(_ word: String) -> String {
        if let special = exception1[word] { return special }
        var w = Array(word.utf16)
        if w.count < 3 { return word }
        var state = State(word: &w)
        state.run()
        return String(decoding: state.w, as: UTF16.self)
    }

    /// Whole words with a fixed stem (checked before anything else).
    private static let exception1: [String: String] = [
        "skis": "ski", "skies": "sky", "dying": "die", "lying": "lie", "tying": "tie",
        "idly": "idl", "gently": "gentl", "ugly": "ugli", "early": "earli", "only": "onli", "singly": "singl",
        "sky": "sky", "news": "news", "howe": "howe", "atlas": "atlas", "cosmos": "cosmos", "bias": "bias",
        "andes": "andes",
    ]
    /// Whole words (after step 1a) that stop the algorithm.
    private static let exception2: Set<[UInt16]> = Set(
        ["inning", "outing", "canning", "herring", "earring", "proceed", "exceed", "succeed"].map { Array($0.utf16) })

    private struct State {
        var w: [UInt16]
        var p1 = 0
        var p2 = 0
        var yFound = false

        init(word: inout [UInt16]) { w = word }

        mutating func run() {
            prelude()
            markRegions()
            step1a()
            if SnowballEnglishStemmer.exception2.contains(w) { postlude(); return }
            step1b()
            step1c()
            step2()
            step3()
            step4()
            step5()
            postlude()
        }

        // MARK: Character classes
        static let y = UInt16(UInt8(ascii: "y")), capitalY = UInt16(UInt8(ascii: "Y"))
        static func isVowel(_ c: UInt16) -> Bool {
            switch c {
            case 0x61, 0x65, 0x69, 0x6F, 0x75, 0x79: return true   // a e i o u y
            default: return false
            }
        }
        /// Vowels plus `w`, `x`, `Y` (the "non-short-syllable" consonants).
        static func isVowelWXY(_ c: UInt16) -> Bool { isVowel(c) || c == 0x77 || c == 0x78 || c == capitalY }
        static func isValidLIEnding(_ c: UInt16) -> Bool {
            switch c {
            case 0x63, 0x64, 0x65, 0x67, 0x68, 0x6B, 0x6D, 0x6E, 0x72, 0x74: return true  // c d e g h k m n r t
            default: return false
            }
        }

        // MARK: Helpers
        func hasSuffix(_ s: [UInt16]) -> Bool {
            guard s.count <= w.count else { return false }
            let offset = w.count - s.count
            for k in 0..<s.count where w[offset + k] != s[k] { return false }
            return true
        }
        /// The index in `list` of the longest suffix of the word found in `list`.
        func longestSuffix(_ list: [[UInt16]]) -> Int? {
            var best: Int?
            var bestLength = -1
            for (i, s) in list.enumerated() where s.count > bestLength && hasSuffix(s) {
                best = i
                bestLength = s.count
            }
            return best
        }
        mutating func replaceSuffix(length: Int, with s: String) {
            w.removeLast(length)
            w.append(contentsOf: s.utf16)
        }
        /// A short syllable ending at `end`: non-vowel (not w, x, Y), vowel, non-vowel; or vowel, non-vowel at the word start.
        func isShortSyllable(endingAt end: Int) -> Bool {
            if end >= 3, !Self.isVowelWXY(w[end - 1]), Self.isVowel(w[end - 2]), !Self.isVowel(w[end - 3]) { return true }
            return end == 2 && !Self.isVowel(w[1]) && Self.isVowel(w[0])
        }
        func containsVowel(_ range: Range<Int>) -> Bool { w[range].contains(where: Self.isVowel) }

        // MARK: Steps
        mutating func prelude() {
            if w.first == 0x27 { w.removeFirst() }
            if w.first == Self.y { w[0] = Self.capitalY; yFound = true }
            if w.count > 1 {
                for i in 1..<w.count where w[i] == Self.y && Self.isVowel(w[i - 1]) {
                    w[i] = Self.capitalY; yFound = true
                }
            }
        }

        mutating func markRegions() {
            p1 = w.count
            p2 = w.count
            var start: Int
            if let prefix = Suffixes.r1Prefixes.first(where: { w.starts(with: $0) }) {
                start = prefix.count
            } else {
                guard let r1 = regionStart(after: 0) else { return }
                start = r1
            }
            p1 = start
            if let r2 = regionStart(after: start) { p2 = r2 }
        }
        /// The position after the first non-vowel that follows a vowel, searching from `from`.
        func regionStart(after from: Int) -> Int? {
            guard let vowel = w[from...].firstIndex(where: Self.isVowel) else { return nil }
            guard let consonant = w[(vowel + 1)...].firstIndex(where: { !Self.isVowel($0) }) else { return nil }
            return consonant + 1
        }

        mutating func step1a() {
            if let i = longestSuffix(Suffixes.apostrophe) { w.removeLast(Suffixes.apostrophe[i].count) }
            // ["ied", "s", "ies", "sses", "ss", "us"]
            guard let i = longestSuffix(Suffixes.step1a) else { return }
            let start = w.count - Suffixes.step1a[i].count
            switch i {
            case 3: replaceSuffix(length: 4, with: "ss")
            case 0, 2: replaceSuffix(length: 3, with: start >= 2 ? "i" : "ie")
            case 1:
                if start >= 2, containsVowel(0..<(start - 1)) { w.removeLast() }
            default: break   // "us", "ss"
            }
        }

        mutating func step1b() {
            // ["ed", "eed", "ing", "edly", "eedly", "ingly"]
            guard let i = longestSuffix(Suffixes.step1b) else { return }
            let length = Suffixes.step1b[i].count
            let start = w.count - length
            if i == 1 || i == 4 {
                if start >= p1 { replaceSuffix(length: length, with: "ee") }
                return
            }
            guard containsVowel(0..<start) else { return }
            w.removeLast(length)
            if Suffixes.addE.contains(where: hasSuffix) {
                w.append(0x65)
            } else if Suffixes.doubles.contains(where: hasSuffix) {
                w.removeLast()
            } else if w.count == p1, isShortSyllable(endingAt: w.count) {
                w.append(0x65)
            }
        }

        mutating func step1c() {
            guard let last = w.last, last == Self.y || last == Self.capitalY, w.count >= 3,
                  !Self.isVowel(w[w.count - 2]) else { return }
            w[w.count - 1] = 0x69
        }

        mutating func step2() {
            guard let i = longestSuffix(Suffixes.step2Suffixes) else { return }
            let (suffix, replacement) = Suffixes.step2[i]
            let start = w.count - suffix.count
            guard start >= p1 else { return }
            switch replacement {
            case "og?": if start >= 1, w[start - 1] == 0x6C { replaceSuffix(length: suffix.count, with: "og") }
            case "li?": if start >= 1, Self.isValidLIEnding(w[start - 1]) { w.removeLast(suffix.count) }
            default: replaceSuffix(length: suffix.count, with: replacement)
            }
        }

        mutating func step3() {
            guard let i = longestSuffix(Suffixes.step3Suffixes) else { return }
            let (suffix, replacement) = Suffixes.step3[i]
            let start = w.count - suffix.count
            guard start >= p1 else { return }
            if replacement == "R2" {
                if start >= p2 { w.removeLast(suffix.count) }
            } else {
                replaceSuffix(length: suffix.count, with: replacement)
            }
        }

        mutating func step4() {
            guard let i = longestSuffix(Suffixes.step4) else { return }
            let suffix = Suffixes.step4[i]
            let start = w.count - suffix.count
            guard start >= p2 else { return }
            if i == 11 {   // "ion"
                if start >= 1, w[start - 1] == 0x73 || w[start - 1] == 0x74 { w.removeLast(3) }
            } else {
                w.removeLast(suffix.count)
            }
        }

        mutating func step5() {
            guard let last = w.last else { return }
            let start = w.count - 1
            if last == 0x65 {
                if start >= p2 || (start >= p1 && !isShortSyllable(endingAt: start)) { w.removeLast() }
            } else if last == 0x6C {
                if start >= p2, start >= 1, w[start - 1] == 0x6C { w.removeLast() }
            }
        }

        mutating func postlude() {
            guard yFound else { return }
            for i in w.indices where w[i] == Self.capitalY { w[i] = Self.y }
        }
    }

    private enum Suffixes {
        static func u(_ s: String) -> [UInt16] { Array(s.utf16) }
        static let apostrophe = ["'", "'s'", "'s"].map(u)
        static let step1a = ["ied", "s", "ies", "sses", "ss", "us"].map(u)
        static let step1b = ["ed", "eed", "ing", "edly", "eedly", "ingly"].map(u)
        static let doubles = ["bb", "dd", "ff", "gg", "mm", "nn", "pp", "rr", "tt"].map(u)
        static let addE = ["at", "bl", "iz"].map(u)
        static let r1Prefixes = ["gener", "commun", "arsen"].map(u)
        static let step2Suffixes = step2.map(\.suffix)
        static let step3Suffixes = step3.map(\.suffix)
        /// (suffix, replacement); "og?" and "li?" are the conditional rules.
        static let step2: [(suffix: [UInt16], replacement: String)] = [
            ("anci", "ance"), ("enci", "ence"), ("ogi", "og?"), ("li", "li?"), ("bli", "ble"), ("abli", "able"),
            ("alli", "al"), ("fulli", "ful"), ("lessli", "less"), ("ousli", "ous"), ("entli", "ent"),
            ("aliti", "al"), ("biliti", "ble"), ("iviti", "ive"), ("tional", "tion"), ("ational", "ate"),
            ("alism", "al"), ("ation", "ate"), ("ization", "ize"), ("izer", "ize"), ("ator", "ate"),
            ("iveness", "ive"), ("fulness", "ful"), ("ousness", "ous"),
        ].map { (u($0.0), $0.1) }
        /// (suffix, replacement); "R2" deletes the suffix when it is in R2.
        static let step3: [(suffix: [UInt16], replacement: String)] = [
            ("icate", "ic"), ("ative", "R2"), ("alize", "al"), ("iciti", "ic"), ("ical", "ic"),
            ("tional", "tion"), ("ational", "ate"), ("ful", ""), ("ness", ""),
        ].map { (u($0.0), $0.1) }
        static let step4 = ["ic", "ance", "ence", "able", "ible", "ate", "ive", "ize", "iti", "al", "ism", "ion",
                            "er", "ous", "ant", "ent", "ment", "ement"].map(u)
    }
}
