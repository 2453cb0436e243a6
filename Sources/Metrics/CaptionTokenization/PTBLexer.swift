/// How a lexed token's text becomes its output form (the normalizations PTBLexer applies by default:
/// PTB3 escaping of brackets, LaTeX-style quotes, `--` dashes, `...` ellipses, currency and fractions).
enum PTBTokenForm: UInt8 {
    case verbatim
    /// Verbatim, and known to be ASCII letters only (the scanner's fast path).
    case asciiLetters
    /// Soft hyphens (U+00AD) removed; a token of only soft hyphens becomes `-`.
    case softHyphensRemoved
    /// Quotes normalized as opening (`` ` `` / ` `` `) or closing (`'` / `''`) quotes.
    case openingQuotes, closingQuotes
    /// `&amp;` (any case) becomes `&`.
    case ampersand
    /// Spaces become no-break spaces (U+00A0).
    case spacesToNoBreak
    /// Spaces become no-break spaces and round brackets become `-LRB-` / `-RRB-`.
    case phone
    /// Round brackets become `-LRB-` / `-RRB-`.
    case parentheses
    /// `¼ ½ ¾ ⅓ ⅔` become `1/4 1/2 3/4 1/3 2/3`.
    case fraction
    /// `¢` becomes `cents`, `£` becomes `#`, and `€ ¤ ₠` and U+0080 become `$`.
    case currency
    /// Fixed replacement texts.
    case dashes, ellipsis, leftRound, rightRound, leftCurly, rightCurly, leftSquare, rightSquare
    case lessThan, greaterThan

    /// The replacement text of the fixed forms.
    var fixedText: String? {
        switch self {
        case .dashes: return "--"
        case .ellipsis: return "..."
        case .leftRound: return "-LRB-"
        case .rightRound: return "-RRB-"
        case .leftCurly: return "-LCB-"
        case .rightCurly: return "-RCB-"
        case .leftSquare: return "-LSB-"
        case .rightSquare: return "-RSB-"
        case .lessThan: return "<"
        case .greaterThan: return ">"
        default: return nil
        }
    }
}

/// A fixed list of rule literals, bucketed by their first letter (any case) for quick lookup.
struct PTBWordList: Sendable {
    /// `buckets[0...25]` for literals starting with a letter a–z (either case), `buckets[26]` otherwise.
    let buckets: [[StaticString]]

    init(_ words: [StaticString]) {
        var buckets = [[StaticString]](repeating: [], count: 27)
        for word in words { buckets[PTBWordList.bucket(Int(word.utf8Start[0]))].append(word) }
        self.buckets = buckets
    }

    @inline(__always) static func bucket(_ c: Int) -> Int {
        let special = PTBLexer.caselessLetter(c)
        if special > 0 { return special - 0x61 }
        let lower = c | 0x20
        return lower >= 0x61 && lower <= 0x7A && c < 0x80 ? lower - 0x61 : 26
    }

    /// The literals that can match text starting with code unit `c`.
    @inline(__always) func candidates(startingWith c: Int) -> [StaticString] {
        c < 0 ? [] : buckets[PTBWordList.bucket(c)]
    }
}

/// One lexer result: a token (a range of the input and how to render it) or a line break.
struct PTBLexeme {
    var start: Int
    var end: Int
    var form: PTBTokenForm
    var isNewline: Bool
}

/// A hand-written equivalent of the JFlex scanner generated from CoreNLP 3.4.1's `PTBLexer.flex`,
/// with the options `PTBTokenizer -preserveLines` uses (`tokenizeNLs`, everything else default:
/// PTB3 escaping, LaTeX quotes, assimilations split, untokenizable characters deleted).
///
/// It reproduces JFlex semantics over UTF-16 code units: at each position every rule's longest match
/// is computed (for a rule `r1/r2` the length of `r1 r2`, trailing context included), the longest
/// match wins, ties go to the rule written first, and a rule with trailing context returns the longest
/// `r1` that leaves a valid `r2` (JFlex's general look-ahead). Literal text in the rules is
/// case-insensitive (`%caseless`), character classes are not. Rules that push characters back
/// (`cannot` → `can` + `not`, `I.` → `I` + `.`) advance by less than the token they return.
///
/// Because the trailing context may extend past a `\n`, a token can depend on the next caption.
struct PTBLexer {
    private let s: UnsafeBufferPointer<UInt16>
    private let n: Int
    private let flags: UnsafeBufferPointer<UInt8>
    private var position = 0

    /// A scanner over `text` starting at `position` (0 or just after a `\n`).
    init(text: UnsafeBufferPointer<UInt16>, flags: UnsafeBufferPointer<UInt8>, position: Int = 0) {
        self.s = text
        self.n = text.count
        self.flags = flags
        self.position = position
    }

    // MARK: Character access

    /// The code unit at `j`, or -1 past the end.
    @inline(__always) private func ch(_ j: Int) -> Int { j < n ? Int(s[j]) : -1 }
    @inline(__always) private func has(_ j: Int, _ flag: UInt8) -> Bool {
        j < n && flags[Int(s[j])] & flag != 0
    }
    @inline(__always) private func isAsciiLetter(_ c: Int) -> Bool { UInt(bitPattern: c | 0x20) &- 0x61 < 26 }
    @inline(__always) private func isAsciiDigit(_ c: Int) -> Bool { c >= 0x30 && c <= 0x39 }
    @inline(__always) private func isAsciiUpper(_ c: Int) -> Bool { c >= 0x41 && c <= 0x5A }
    @inline(__always) private func isAsciiAlnum(_ c: Int) -> Bool { isAsciiLetter(c) || isAsciiDigit(c) }
    @inline(__always) private func isSpaceOrNewline(_ j: Int) -> Bool {
        has(j, PTBCharacterClasses.space | PTBCharacterClasses.newline)
    }

    /// Matches `literal` at `j`: lower-case ASCII letters match either case, everything else
    /// (upper-case letters from rules like `[A]bout`, punctuation) matches exactly. Returns the end or -1.
    private func literal(_ j: Int, _ text: StaticString) -> Int {
        let count = text.utf8CodeUnitCount
        guard j + count <= n else { return -1 }
        let bytes = text.utf8Start
        for k in 0..<count {
            let b = Int(bytes[k]), c = Int(s[j + k])
            if b >= 0x61 && b <= 0x7A {
                if c | 0x20 != b && PTBLexer.caselessLetter(c) != b { return -1 }
            } else if c != b {
                return -1
            }
        }
        return j + count
    }

    /// The lower-case ASCII letter that a non-ASCII character matches in `%caseless` literal text
    /// (JFlex uses Java's case mappings: `İ`, `ı` match `i`; `ſ` matches `s`; the Kelvin sign `K`
    /// matches `k`), or -1.
    @inline(__always) static func caselessLetter(_ c: Int) -> Int {
        switch c {
        case 0x130, 0x131: return 0x69
        case 0x17F: return 0x73
        case 0x212A: return 0x6B
        default: return -1
        }
    }

    /// Whether `c` matches the lower-case ASCII letter `letter` in caseless literal text.
    @inline(__always) private func isCaseless(_ c: Int, _ letter: Int) -> Bool {
        c | 0x20 == letter && isAsciiLetter(c) || PTBLexer.caselessLetter(c) == letter
    }

    /// The first of `texts` matching at `j` with the longest match; returns its end or -1.
    private func longestLiteral(_ j: Int, _ texts: [StaticString]) -> Int {
        var best = -1
        for text in texts { best = max(best, literal(j, text)) }
        return best
    }

    // MARK: Small macros (each returns a length, 0 when there is no match)

    /// `LETTER`: a letter character or an entity `&[aeiouAEIOU](acute|grave|uml);`.
    @inline(__always) private func letterLength(_ j: Int) -> Int {
        if has(j, PTBCharacterClasses.letter) { return 1 }
        if ch(j) == 0x26 { return accentEntityLength(j) }
        return 0
    }

    private func accentEntityLength(_ j: Int) -> Int {
        switch ch(j + 1) {
        case 0x61, 0x65, 0x69, 0x6F, 0x75, 0x41, 0x45, 0x49, 0x4F, 0x55:
            let end = longestLiteral(j + 2, PTBLexer.accentEntityNames)
            return end < 0 ? 0 : end - j
        default:
            return 0
        }
    }

    /// `APOS`: `'`, U+0092, U+2019 or `&apos;`.
    @inline(__always) private func aposLength(_ j: Int) -> Int {
        switch ch(j) {
        case 0x27, 0x92, 0x2019: return 1
        case 0x26: return literal(j, "&apos;") < 0 ? 0 : 6
        default: return 0
        }
    }

    /// `APOSETCETERA`: `APOS` or `` ` ``, U+0091, U+2018, U+201B.
    @inline(__always) private func aposEtceteraLength(_ j: Int) -> Int {
        switch ch(j) {
        case 0x60, 0x91, 0x2018, 0x201B: return 1
        default: return aposLength(j)
        }
    }

    /// `REDAUX`: `APOS` followed by `m s d` (either case) or `re ve ll`.
    private func reducedAuxiliaryLength(_ j: Int) -> Int {
        let a = aposLength(j)
        guard a > 0 else { return 0 }
        switch ch(j + a) {
        case 0x6D, 0x73, 0x64, 0x4D, 0x53, 0x44: return a + 1
        default:
            let end = longestLiteral(j + a, PTBLexer.twoLetterClitics)
            return end < 0 ? 0 : end - j
        }
    }

    /// `SREDAUX`: `n APOSETCETERA t`.
    private func negationLength(_ j: Int) -> Int {
        guard ch(j) | 0x20 == 0x6E else { return 0 }
        let a = aposEtceteraLength(j + 1)
        guard a > 0, ch(j + 1 + a) | 0x20 == 0x74 else { return 0 }
        return a + 2
    }

    /// `WORD`: `LETTER (LETTER|DIGIT)* ([.!?] LETTER (LETTER|DIGIT)*)*`; returns the end or -1.
    private func wordEnd(_ i: Int) -> Int {
        let first = letterLength(i)
        guard first > 0 else { return -1 }
        var j = i + first
        while true {
            if has(j, PTBCharacterClasses.digit) { j += 1; continue }
            let l = letterLength(j)
            if l > 0 { j += l; continue }
            let c = ch(j)
            if c == 0x2E || c == 0x21 || c == 0x3F {
                let next = letterLength(j + 1)
                if next > 0 { j += 1 + next; continue }
            }
            return j
        }
    }

    /// The ends of `ACRO` at `i`: `[A-Za-z](\.[A-Za-z])*` ends at `i+1, i+3, ..., greedyEnd`
    /// (from `i+3` on when `atLeastTwoLetters`, as in `ACRO2`), plus `special`, the end of a fixed form
    /// such as `non-U.S` (0 if none).
    private struct AcronymEnds: Sequence, IteratorProtocol {
        var upcoming: Int
        var greedyEnd: Int
        var special: Int
        mutating func next() -> Int? {
            if upcoming > 0, upcoming <= greedyEnd { defer { upcoming += 2 }; return upcoming }
            if special > 0 { defer { special = 0 }; return special }
            return nil
        }
    }

    private func acronymEnds(_ i: Int, atLeastTwoLetters: Bool = false) -> AcronymEnds {
        var greedyEnd = 0
        if isAsciiLetter(ch(i)) {
            greedyEnd = i + 1
            while ch(greedyEnd) == 0x2E && isAsciiLetter(ch(greedyEnd + 1)) { greedyEnd += 2 }
        }
        var special = 0
        switch isAsciiLetter(ch(i)) ? ch(i) | 0x20 : PTBLexer.caselessLetter(ch(i)) {
        case 0x63, 0x73, 0x6B, 0x65, 0x6A, 0x6E, 0x75: special = max(0, longestLiteral(i, PTBLexer.acronymSpecials))
        default: break
        }
        return AcronymEnds(upcoming: atLeastTwoLetters ? i + 3 : i + 1, greedyEnd: greedyEnd, special: special)
    }

    // MARK: Fixed word lists (from PTBLexer.flex; lower-case letters match either case)

    static let accentEntityNames: [StaticString] = ["acute;", "grave;", "uml;"]
    static let twoLetterClitics: [StaticString] = ["re", "ve", "ll"]
    static let assimilations: [StaticString] = ["gonna", "gotta", "lemme", "gimme", "wanna"]
    static let dashEntities: [StaticString] = ["&md;", "&mdash;", "&ndash;"]
    static let punctuationEntities: [StaticString] = ["&ht;", "&tl;", "&ur;", "&lr;", "&qc;", "&ql;", "&qr;", "&odq;", "&cdq;"]
    static let apostropheWords: [StaticString] = ["'twas", "nor'easter", "c'mon", "e'er", "s'mores", "ev'ry", "li'l", "nat'l"]
    static let topLevelDomains: [StaticString] = ["com", "net", "org", "edu"]
    static let abbreviations3: [StaticString] = ["ca.", "fig.", "figs.", "prop.", "no.", "nos.", "art.", "bldg.", "pp.", "op."]
    static let companyPrefixes: [StaticString] = ["pte.", "pty.", "co."]
    static let companySuffixes: [StaticString] = ["ltd", "lim"]
    static let companyStems: [StaticString] = ["pt", "ppt"]
    static let acronymSpecials: [StaticString] = ["canada-u.s", "sino-u.s", "korean-u.s", "eu-u.s", "japan-u.s", "non-u.s", "u.s.-u.k", "u.s.-u.s.s.r"]
    static let treebankSpecials: [StaticString] = ["-rrb-", "-lrb-", "-rcb-", "-lcb-", "-rsb-", "-lsb-", "c.d.s", "pro-", "anti-", "s&p-500", "s&amp;p-500", "s&ls", "s&amp;ls"]

    // MARK: Driver

    /// The next token or line break, or nil at the end of the input.
    mutating func next() -> PTBLexeme? {
        while position < n {
            let i = position
            let c = Int(s[i])
            if c == 0x0A {
                position += 1
                return PTBLexeme(start: i, end: i + 1, form: .verbatim, isNewline: true)
            }
            if c == 0x20 {   // SPACES: the whole run of spaces (with tabs, no-break spaces ...) is skipped
                position += 1
                while has(position, PTBCharacterClasses.space) { position += 1 }
                continue
            }
            // Fast path: a run of ASCII letters followed by a space, a newline or the end.
            // Every rule then yields exactly this run (see `plainWordEnd`).
            // Fast path: `.` or `,` that cannot start a number, an ellipsis or anything longer.
            if c == 0x2E || c == 0x2C, i + 1 >= n || isPlainAfterPunctuation(i + 1, period: c == 0x2E) {
                position += 1
                return PTBLexeme(start: i, end: i + 1, form: .verbatim, isNewline: false)
            }
            if let end = plainWordEnd(i) {
                position = end
                return PTBLexeme(start: i, end: end, form: .asciiLetters, isNewline: false)
            }
            let m = longestMatch(i)
            if m.total == 0 {            // untokenizable character: deleted
                position += 1
                continue
            }
            position = i + m.advance
            if m.skip { continue }
            return PTBLexeme(start: i, end: i + m.length, form: m.form, isNewline: false)
        }
        return nil
    }

    /// The next token if it is a plain word (`plainWordEnd`), consumed; otherwise nil, and nothing
    /// is consumed. The same as `next()` for these tokens (the most common ones), only quicker.
    @inline(__always) mutating func nextPlainWord() -> Range<Int>? {
        var i = position
        if i < n && s[i] == 0x20 { i += 1 }   // one space (`next()` skips any run of them)
        guard i < n, let end = plainWordEnd(i) else { return nil }
        position = end
        return i..<end
    }

    /// At the start of a line: when the line is plain words (`plainWordEnd`) separated by single
    /// spaces, optionally ending with a period (most captions), consumes it with its `\n` and
    /// returns the range of its words. `next()` would return exactly these words, then the period
    /// (punctuation, dropped), then the line break. Otherwise nil, and nothing is consumed.
    mutating func nextPlainLine() -> Range<Int>? {
        let start = position
        var i = start
        while i < n, let end = plainWordEnd(i) {
            if end < n && s[end] == 0x20 {                  // the next word must follow at once
                i = end + 1
                continue
            }
            // The end of the text, `\n`, or `.` and then one of those (not `,`, not `.` inside the line).
            let lineEnd = end < n && s[end] == 0x2E ? end + 1 : end
            guard lineEnd == n || s[lineEnd] == 0x0A else { return nil }
            position = min(lineEnd + 1, n)
            return start..<end
        }
        return nil
    }

    /// The end of a run of ASCII letters at `i` that is a token by itself whatever the rules say,
    /// or nil. That is the case when the run is followed by a space, `\n` or the end of input, or by
    /// `,` or `.` and then one of those: the rules that could match further all need some other
    /// character right after the run (`'`, `-`, `/`, `@`, `:`, `+`, `#`, `&`, `$`, or a `.` followed by
    /// more text), and the rules with a trailing space (`ACRO/SPACE`, `ABBREV4/SPACE`) return the same
    /// run. Excluded: `cannot` and `gonna`-type words (split), single letters before `.` (acronyms) and
    /// listed abbreviations before `.` (`Inc.`, `Mr.`, `fig.`, `Co.`).
    @inline(__always) private func plainWordEnd(_ i: Int) -> Int? {
        guard isAsciiLetter(Int(s[i])) else { return nil }
        var j = i + 1
        // Eight code units at a time (most words end within the first eight), then one at a time.
        let units = UnsafeRawPointer(s.baseAddress!)
        let top: UInt64 = 0x8000_8000_8000_8000
        while j + 8 <= n {
            let low = ~PTBLexer.asciiLetterLanes(units.loadUnaligned(fromByteOffset: 2 * j, as: UInt64.self)) & top
            let high = ~PTBLexer.asciiLetterLanes(units.loadUnaligned(fromByteOffset: 2 * j + 8, as: UInt64.self)) & top
            // Bits before the first non-letter of the 8 (128: all letters), without a branch.
            let lowZeros = low.trailingZeroBitCount
            let bits = lowZeros + (high.trailingZeroBitCount & (0 &- (lowZeros >> 6)))
            j += bits / 16
            if bits < 128 { break }
        }
        if j + 8 > n { while j < n, isAsciiLetter(Int(s[j])) { j += 1 } }
        if j < n {
            // Bit tests rather than a `switch`, which becomes a poorly predicted jump table.
            let c = Int(s[j])
            if !PTBLexer.isOneOf(c, PTBLexer.spaceOrNewlineBits) {
                guard PTBLexer.isOneOf(c, PTBLexer.commaOrPeriodBits) else { return nil }
                if j + 1 < n { guard PTBLexer.isOneOf(Int(s[j + 1]), PTBLexer.spaceOrNewlineBits) else { return nil } }
                if c == 0x2E, j - i < 2 || isAbbreviationBeforePeriod(i, j) { return nil }
            }
        }
        // `cannot` and the assimilations (`gonna` ...) are split: words of 6 letters starting with
        // `c` and of 5 starting with `g`, `l`, `w` get a closer look (one well-predicted branch).
        let shape = UInt(bitPattern: j - i - 5) << 5 | UInt(s[i] & 0x1F)   // < 64 for 5 and 6 letters
        if shape < 64 && (PTBLexer.splitWordShapes >> UInt64(shape)) & 1 != 0 {
            if j - i == 6 ? literal(i, "cannot") == j : PTBLexer.assimilationKeys.contains(packedLowercase(i, j)) { return nil }
        }
        return j
    }

    /// Bit `(length - 5) * 32 + (first letter & 31)` set for the words that may need splitting:
    /// 6 letters starting with `c` (`cannot`), 5 starting with `g`, `l`, `w` (the assimilations).
    private static let splitWordShapes: UInt64 = 1 << (32 + 3) | 1 << 7 | 1 << 12 | 1 << 23

    /// Bit `c` set for `c` = space and `\n`, and for `,` and `.` (characters below 64 only).
    private static let spaceOrNewlineBits: UInt64 = 1 << 0x20 | 1 << 0x0A
    private static let commaOrPeriodBits: UInt64 = 1 << 0x2C | 1 << 0x2E

    /// Whether code unit `c` is one of the characters (below 64) whose bits are set in `bits`.
    @inline(__always) private static func isOneOf(_ c: Int, _ bits: UInt64) -> Bool {
        c < 64 && (bits >> UInt64(c)) & 1 != 0
    }

    /// For four UTF-16 code units packed little-endian in `units`: the top bit (0x8000) of each
    /// 16-bit lane is set when that code unit is an ASCII letter (`A-Z`, `a-z`).
    @inline(__always) static func asciiLetterLanes(_ units: UInt64) -> UInt64 {
        let top: UInt64 = 0x8000_8000_8000_8000
        // The low 7 bits, lower-cased; adding 0x8000 - x sets a lane's top bit when it is >= x
        // (no carry leaves a lane: every lane is at most 0x7F before the addition).
        let low = (units | 0x0020_0020_0020_0020) & 0x007F_007F_007F_007F
        let atLeastA = (low &+ 0x7F9F_7F9F_7F9F_7F9F) & top          // >= 0x61 `a`
        let pastZ = (low &+ 0x7F85_7F85_7F85_7F85) & top             // >= 0x7B, past `z`
        let nonASCII = (((units & 0xFF80_FF80_FF80_FF80) >> 7) &+ 0x7FFF_7FFF_7FFF_7FFF) & top   // unit >= 0x80
        return atLeastA & ~pastZ & ~nonASCII
    }

    /// The ASCII letters `i..<end` (at most 8) lower-cased and packed into an integer, one byte each.
    @inline(__always) private func packedLowercase(_ i: Int, _ end: Int) -> UInt64 {
        var key: UInt64 = 0
        for k in i..<end { key = key << 8 | UInt64(s[k] | 0x20) }
        return key
    }

    /// Whether the letters `i..<end` (followed by a period) form a listed abbreviation.
    private func isAbbreviationBeforePeriod(_ i: Int, _ end: Int) -> Bool {
        guard end - i <= 7,   // the longest listed abbreviation (bancorp) has 7 letters
              PTBLexer.abbreviationInitials[end - i] & 1 << (s[i] & 0x1F) != 0,
              PTBLexer.abbreviationKeys.contains(packedLowercase(i, end)) else { return false }
        return abbreviation1End(i) == end + 1 || abbreviation4End(i) == end
            || longestLiteral(i, PTBLexer.abbreviations3) == end + 1 || longestLiteral(i, PTBLexer.companyPrefixes) == end + 1
    }

    /// Whether the character at `j` (after a `.` or `,` at `j-1`) keeps that punctuation a
    /// one-character token: not a digit (`.5`, `,000`), and after a period not another period and not
    /// a spaced ellipsis (`. . .`).
    @inline(__always) private func isPlainAfterPunctuation(_ j: Int, period: Bool) -> Bool {
        let c = Int(s[j])
        if has(j, PTBCharacterClasses.digit) { return false }
        if period {
            if c == 0x2E { return false }
            if c == 0x20 || c == 0xA0, ch(j + 1) == 0x2E { return false }
        }
        return true
    }

    /// The winning rule at a position.
    private struct Match {
        /// Length of the whole match including trailing context (decides the winner).
        var total = 0
        /// Length of the returned token.
        var length = 0
        /// How far the scanner moves (shorter than `length` when the rule pushes the last character back).
        var advance = 0
        var form = PTBTokenForm.verbatim
        /// The match produces no token (whitespace, deleted characters).
        var skip = false

        /// Keeps the earlier rule on ties (call in rule order).
        mutating func consider(total: Int, length: Int, advance: Int? = nil,
                               form: PTBTokenForm = .verbatim, skip: Bool = false) {
            guard total > self.total else { return }
            self = Match(total: total, length: length, advance: advance ?? length, form: form, skip: skip)
        }
        /// A rule without trailing context.
        mutating func consider(_ length: Int, form: PTBTokenForm = .verbatim, skip: Bool = false) {
            consider(total: length, length: length, form: form, skip: skip)
        }
    }

    /// Evaluates every rule of the lexer at `i`, in the order of `PTBLexer.flex`.
    private func longestMatch(_ i: Int) -> Match {
        var m = Match()
        let c = ch(i)
        let lower = c | 0x20
        let startsWithLetter = isAsciiLetter(c) || PTBLexer.caselessLetter(c) > 0

        // c++, c#, f#
        if lower == 0x63, ch(i + 1) == 0x2B, ch(i + 2) == 0x2B { m.consider(3) }
        if lower == 0x63 || lower == 0x66, ch(i + 1) == 0x23 { m.consider(2) }
        // Assimilations are split: can|not, 't|was, 't|is, gon|na ...
        if lower == 0x63, literal(i, "cannot") > 0 { m.consider(total: 6, length: 3) }
        if c == 0x27 {
            if literal(i, "'twas") > 0 { m.consider(total: 5, length: 2) }
            if literal(i, "'tis") > 0 { m.consider(total: 4, length: 2) }
        }
        if startsWithLetter, longestLiteral(i, PTBLexer.assimilations) > 0 {
            m.consider(total: 5, length: 3)
        }
        if c == 0x3C { let l = sgmlLength(i); if l > 0 { m.consider(l, form: .spacesToNoBreak) } }
        // SPMDASH, SPAMP, SPPUNC
        if c == 0x26 {
            let end = longestLiteral(i, PTBLexer.dashEntities)
            if end > 0 { m.consider(end - i, form: .dashes) }
            if literal(i, "&amp;") > 0 { m.consider(5, form: .ampersand) }
            let p = specialPunctuationLength(i)
            if p > 0 { m.consider(p) }
        }
        if c == 0x96 || c == 0x97 || (c >= 0x2013 && c <= 0x2015) { m.consider(1, form: .dashes) }

        // Words and clitics.
        let word = wordEnd(i)
        if word > 0 {
            let r = reducedAuxiliaryLength(word)
            if r > 0 { m.consider(total: word - i + r, length: word - i, form: .softHyphensRemoved) }
        }
        let negated = negatedStemLength(i)
        if negated.total > 0 { m.consider(total: negated.total, length: negated.stem, form: .softHyphensRemoved) }
        if word > 0 { m.consider(word - i, form: .softHyphensRemoved) }
        let apostropheWord = apostropheWordLength(i)
        if apostropheWord > 0 { m.consider(apostropheWord) }
        if lower == 0x79 {   // y'all: y' before a letter
            let a = aposLength(i + 1)
            if a > 0, has(i + 1 + a, PTBCharacterClasses.javaLetter) { m.consider(total: a + 2, length: a + 1) }
        }

        // URLs, e-mail, Twitter names.
        if lower == 0x68 { let l = fullURLLength(i); if l > 0 { m.consider(l) } }
        if c != 0x20 { let l = likelyURLLength(i); if l > 0 { m.consider(l) } }
        if isAsciiAlnum(c) || c == 0x3C || c == 0x26 { let l = emailLength(i); if l > 0 { m.consider(l) } }
        if c == 0x40 || c == 0x23 { let l = twitterLength(i); if l > 0 { m.consider(l) } }

        // Clitics before a non-letter: 's, n't.
        let reduced = reducedAuxiliaryLength(i)
        if reduced > 0, i + reduced < n, !isAsciiLetter(ch(i + reduced)) {
            m.consider(total: reduced + 1, length: reduced, form: .closingQuotes)
        }
        let negation = negationLength(i)
        if negation > 0, i + negation < n, !isAsciiLetter(ch(i + negation)) {
            m.consider(total: negation + 1, length: negation, form: .closingQuotes)
        }

        // Numbers.
        let digitStart = has(i, PTBCharacterClasses.digit)
        if digitStart { let l = dateLength(i); if l > 0 { m.consider(l) } }
        if digitStart || c == 0x2D || c == 0x2B || c == 0x2E || c == 0x3A || c == 0x2C || c == 0xAD
            || c == 0x66B || c == 0x66C {
            let l = numberLength(i)
            if l > 0 { m.consider(l, form: .softHyphensRemoved) }
        }
        if c >= 0x00B2 { let l = superSubscriptNumberLength(i); if l > 0 { m.consider(l) } }
        if digitStart { let l = fractionLength(i); if l > 0 { m.consider(l, form: .spacesToNoBreak) } }
        if c == 0xBC || c == 0xBD || c == 0xBE || (c >= 0x2153 && c <= 0x215E) { m.consider(1, form: .fraction) }

        // Treebank specials (-LRB-, pro-, S&P-500, cap'n ...) and THING3 (and/or).
        if c == 0x2D || startsWithLetter {
            let l = treebankSpecialLength(i)
            if l > 0 { m.consider(l, form: .ampersand) }
        }
        if isAsciiAlnum(c) { let l = slashedThingLength(i); if l > 0 { m.consider(l) } }

        // Currency.
        if c == 0x23 { m.consider(1) }
        if isAsciiUpper(c) || c == 0x24 {
            var j = i
            while isAsciiUpper(ch(j)) { j += 1 }
            if ch(j) == 0x24 { m.consider(j + 1 - i) }
        }
        switch c {
        case 0xA2, 0xA3, 0xA4, 0xA5, 0x80, 0x20A0, 0x20AC, 0x060B, 0x0E3F, 0x20A4, 0xFFE0, 0xFFE1, 0xFFE5, 0xFFE6:
            m.consider(1, form: .currency)
        default: break
        }

        // Acronyms and abbreviations.
        if startsWithLetter { considerAbbreviations(i, &m) }

        // TBSPEC2: '90 before a space.
        let apos = aposLength(i)
        if apos > 0, isAsciiDigit(ch(i + apos)), isAsciiDigit(ch(i + apos + 1)), isSpaceOrNewline(i + apos + 2) {
            m.consider(total: apos + 3, length: apos + 2)
        }
        // FILENAME before a space or sentence punctuation.
        if word > 0 || digitStart { let l = fileNameTotalLength(i); if l > 0 { m.consider(total: l, length: l - 1) } }
        // WORD. before , ; :
        if word > 0, ch(word) == 0x2E, isInSentencePunctuation(ch(word + 1)) {
            m.consider(total: word + 2 - i, length: word + 1 - i, form: .softHyphensRemoved)
        }
        if isAsciiDigit(c) || c == 0x28 || c == 0x2B { let l = phoneLength(i); if l > 0 { m.consider(l, form: .phone) } }

        // Double quotes: opening before [A-Za-z0-9$], closing otherwise.
        var doubleQuote = 0
        if c == 0x22 { doubleQuote = 1 } else if c == 0x26, literal(i, "&quot;") > 0 { doubleQuote = 6 }
        if doubleQuote > 0 {
            let next = ch(i + doubleQuote)
            if isAsciiAlnum(next) || next == 0x24 {
                m.consider(total: doubleQuote + 1, length: doubleQuote, form: .openingQuotes)
            }
            m.consider(doubleQuote, form: .closingQuotes)
        }
        if c == 0x7F { m.consider(1, skip: true) }
        if c == 0x3C { m.consider(1, form: .lessThan) }
        if c == 0x26, literal(i, "&lt;") > 0 { m.consider(4, form: .lessThan) }
        if c == 0x3E { m.consider(1, form: .greaterThan) }
        if c == 0x26, literal(i, "&gt;") > 0 { m.consider(4, form: .greaterThan) }
        let smiley = smileyLength(i)
        if smiley > 0, i + smiley < n, !isAsciiAlnum(ch(i + smiley)) {
            m.consider(total: smiley + 1, length: smiley, form: .parentheses)
        }
        let asian = asianSmileyLength(i)
        if asian > 0 { m.consider(asian, form: .parentheses) }

        // Brackets.
        switch c {
        case 0x7B: m.consider(1, form: .leftCurly)
        case 0x7D: m.consider(1, form: .rightCurly)
        case 0x5B: m.consider(1, form: .leftSquare)
        case 0x5D: m.consider(1, form: .rightSquare)
        case 0x28: m.consider(1, form: .leftRound)
        case 0x29: m.consider(1, form: .rightRound)
        default: break
        }
        // Hyphens: 3 or 4 become "--".
        if c == 0x2D {
            var j = i
            while ch(j) == 0x2D { j += 1 }
            let l = j - i
            m.consider(l, form: l >= 3 && l <= 4 ? .dashes : .verbatim)
        }
        let dots = ellipsisLength(i)
        if dots > 0 { m.consider(dots, form: .ellipsis) }
        if c == 0x40 || c == 0x23 || c == 0x5F {   // @+ #+ _+
            var j = i
            while ch(j) == c { j += 1 }
            m.consider(j - i)
        }
        if c == 0x2A {
            var j = i
            while ch(j) == 0x2A { j += 1 }
            m.consider(j - i)
        }
        if c == 0x5C {   // (\*){1,3}
            var j = i, count = 0
            while count < 3, ch(j) == 0x5C, ch(j + 1) == 0x2A { j += 2; count += 1 }
            if count > 0 { m.consider(j - i) }
        }
        if isInSentencePunctuation(c) { m.consider(1) }
        if c == 0x3F || c == 0x21 {
            var j = i
            while ch(j) == 0x3F || ch(j) == 0x21 { j += 1 }
            m.consider(j - i)
        }
        switch c {
        case 0x2E, 0xA1, 0xBF, 0x037E, 0x0589, 0x061F, 0x06D4, 0x0700, 0x0701, 0x0702, 0x07FA, 0x3002:
            m.consider(1)
        case 0x3D, 0x2F:
            m.consider(1)
        default: break
        }

        // Hyphenated and other compound things.
        if isAsciiAlnum(c) {
            let ends = hyphenatedThingEnds(i)
            for end in ends where ch(end) == 0x2E && isInSentencePunctuation(ch(end + 1)) {
                m.consider(total: end + 2 - i, length: end + 1 - i, form: .softHyphensRemoved)
            }
            if let longest = ends.max() { m.consider(longest - i, form: .softHyphensRemoved) }
        }
        let thing = thingEnd(i)
        if thing > 0 {
            if ch(thing) == 0x2E, isInSentencePunctuation(ch(thing + 1)) { m.consider(total: thing + 2 - i, length: thing + 1 - i) }
            m.consider(thing - i)
        }
        if isAsciiUpper(c) {
            let end = capitalsWithAmpersandEnd(i)
            if end > 0 {
                if ch(end) == 0x2E, isInSentencePunctuation(ch(end + 1)) {
                    m.consider(total: end + 2 - i, length: end + 1 - i, form: .ampersand)
                }
                m.consider(end - i, form: .ampersand)
            }
        }
        // A single quote before a letter opens a quotation.
        if c == 0x27, isAsciiLetter(ch(i + 1)), i + 2 < n {
            switch ch(i + 2) {
            case 0x20, 0x09, 0x0A, 0x0D, 0xA0: break
            default: m.consider(total: 3, length: 1, form: .openingQuotes)
            }
        }
        if reduced > 0 { m.consider(reduced, form: .closingQuotes) }
        if negation > 0 { m.consider(negation, form: .closingQuotes) }
        let quotes = quotesLength(i)
        if quotes > 0 { m.consider(quotes, form: .closingQuotes) }
        if (c == 0x3C || c == 0x3E), ch(i + 1) == c { m.consider(2) }
        if has(i, PTBCharacterClasses.miscSymbol) { m.consider(1) }

        // Whitespace and invisible characters are skipped.
        if c == 0 || c == 0x200B || c == 0x200E || c == 0x200F || c == 0xFEFF { m.consider(1, skip: true) }
        if has(i, PTBCharacterClasses.space) {
            var j = i
            while has(j, PTBCharacterClasses.space) { j += 1 }
            m.consider(j - i, skip: true)
        }
        if has(i, PTBCharacterClasses.newline) {
            // Only `\n` reaches the lexer as a line break (see PTBTokenizer); others count as spaces.
            m.consider(1, skip: true)
        }
        if c == 0x26, literal(i, "&nbsp;") > 0 { m.consider(6, skip: true) }
        return m
    }

    // MARK: Rules

    /// `SGML`: `<!...>`, `<?...>`, `<name attr="v" ...>`, `</name>`. A quoted attribute value may not
    /// contain `\n` (the caption separator), so a tag never joins two captions.
    private func sgmlLength(_ i: Int) -> Int {
        func isNameChar(_ c: Int) -> Bool {
            isAsciiAlnum(c) || c == 0x5F || c == 0x3A || c == 0x2E || c == 0x2D
        }
        func skipSpaces(_ j: Int) -> Int { var j = j; while ch(j) == 0x20 { j += 1 }; return j }
        var j = i + 1
        let c = ch(j)
        if c == 0x21 || c == 0x3F {
            guard isAsciiLetter(ch(j + 1)) || ch(j + 1) == 0x2D else { return 0 }
            j += 2
            while j < n, s[j] != 0x3E, s[j] != 0x0D, s[j] != 0x0A { j += 1 }
            return ch(j) == 0x3E ? j + 1 - i : 0
        }
        if c == 0x2F {
            guard isAsciiLetter(ch(j + 1)) else { return 0 }
            j += 2
            while isNameChar(ch(j)) { j += 1 }
            j = skipSpaces(j)
            return ch(j) == 0x3E ? j + 1 - i : 0
        }
        guard isAsciiLetter(c) else { return 0 }
        j += 1
        while isNameChar(ch(j)) { j += 1 }
        // Attributes: ( +(NAME | NAME *= *('...'|"...")))*
        while true {
            let afterSpaces = skipSpaces(j)
            guard afterSpaces > j, isAsciiLetter(ch(afterSpaces)) else { break }
            var k = afterSpaces + 1
            while isNameChar(ch(k)) { k += 1 }
            j = k
            var v = skipSpaces(k)
            if ch(v) == 0x3D {
                v = skipSpaces(v + 1)
                let quote = ch(v)
                if quote == 0x27 || quote == 0x22 {
                    var close = v + 1
                    while close < n, Int(s[close]) != quote, s[close] != 0x0A { close += 1 }
                    if ch(close) == quote { j = close + 1 }
                }
            }
        }
        j = skipSpaces(j)
        if ch(j) == 0x2F { j += 1 }
        j = skipSpaces(j)
        return ch(j) == 0x3E ? j + 1 - i : 0
    }

    /// `SPPUNC`: `&HT; &TL; &UR; &LR; &QC; &QL; &QR; &odq; &cdq; &#123;`.
    private func specialPunctuationLength(_ i: Int) -> Int {
        var end = longestLiteral(i, PTBLexer.punctuationEntities)
        if ch(i + 1) == 0x23 {
            var j = i + 2
            while isAsciiDigit(ch(j)) { j += 1 }
            if j > i + 2, ch(j) == 0x3B { end = max(end, j + 1) }
        }
        return end < 0 ? 0 : end - i
    }

    /// `SWORD/SREDAUX` (`do|n't`): the total length and the stem length.
    private func negatedStemLength(_ i: Int) -> (total: Int, stem: Int) {
        var e = i
        while e < n, isAsciiLetter(Int(s[e])) || s[e] == 0xAD { e += 1 }
        guard e - i >= 2, ch(e - 1) | 0x20 == 0x6E else { return (0, 0) }
        let a = aposEtceteraLength(e)
        guard a > 0, ch(e + a) | 0x20 == 0x74 else { return (0, 0) }
        var stemEnd = e - 1
        while stemEnd > i, s[stemEnd - 1] == 0xAD { stemEnd -= 1 }
        guard stemEnd > i else { return (0, 0) }
        let last = Int(s[stemEnd - 1]) | 0x20
        guard last != 0x6E else { return (0, 0) }
        return (e + a + 1 - i, e - 1 - i)
    }

    /// `APOWORD`: words with an inner or edge apostrophe that stay whole ('n', l', o'clock-like names,
    /// 'em, '90s, 'til, 'cause, ma'am, cont'd, nor'easter, ...).
    private func apostropheWordLength(_ i: Int) -> Int {
        var best = 0
        let c = ch(i)
        let a = aposLength(i)
        if a > 0 {
            if ch(i + a) | 0x20 == 0x6E { best = max(best, a + 1 + aposLength(i + a + 1)) }   // 'n'
            if literal(i + a, "em") > 0 { best = max(best, a + 2) }
            let decade = ch(i + a)
            if decade >= 0x32, decade <= 0x39, ch(i + a + 1) == 0x30, isCaseless(ch(i + a + 2), 0x73) {
                best = max(best, a + 3)
            }
            if literal(i + a, "til") > 0 { best = max(best, a + (ch(i + a + 3) | 0x20 == 0x6C ? 4 : 3)) }
            if literal(i + a, "cause") > 0 { best = max(best, a + 5) }
        }
        switch c {
        case 0x6C, 0x4C, 0x64, 0x44, 0x6A, 0x4A:   // [lLdDjJ]{APOS}
            let b = aposLength(i + 1)
            if b > 0 { best = max(best, 1 + b) }
        default: break
        }
        for stem: StaticString in ["dunkin", "somethin", "ol"] {
            let end = literal(i, stem)
            if end > 0 { let b = aposLength(end); if b > 0 { best = max(best, end + b - i) } }
        }
        // [A-HJ-XZn]{APOSETCETERA}[:letter:]{2}[:letter:]*  (O'Neil, D'Angelo)
        if (c >= 0x41 && c <= 0x48) || (c >= 0x4A && c <= 0x58) || c == 0x5A || c == 0x6E {
            let b = aposEtceteraLength(i + 1)
            if b > 0 {
                var j = i + 1 + b
                while has(j, PTBCharacterClasses.javaLetter) { j += 1 }
                if j - (i + 1 + b) >= 2 { best = max(best, j - i) }
            }
        }
        // [:letter:]+[aeiouyAEIOUY]{APOSETCETERA}[aeiouA-Z][:letter:]*  (ma'am, Hawai'i)
        if has(i, PTBCharacterClasses.javaLetter) {
            var j = i + 1
            while has(j, PTBCharacterClasses.javaLetter) { j += 1 }
            if j - i >= 2 {
                switch ch(j - 1) {
                case 0x61, 0x65, 0x69, 0x6F, 0x75, 0x79, 0x41, 0x45, 0x49, 0x4F, 0x55, 0x59:
                    let b = aposEtceteraLength(j)
                    if b > 0 {
                        let d = ch(j + b)
                        if d == 0x61 || d == 0x65 || d == 0x69 || d == 0x6F || d == 0x75 || isAsciiUpper(d) {
                            var k = j + b + 1
                            while has(k, PTBCharacterClasses.javaLetter) { k += 1 }
                            best = max(best, k - i)
                        }
                    }
                default: break
                }
            }
        }
        var end = literal(i, "cont'd")
        if end > 0 { best = max(best, end - i + (ch(end) == 0x2E ? 1 : 0)) }
        end = longestLiteral(i, PTBLexer.apostropheWords)
        if end > 0 { best = max(best, end - i) }
        if c | 0x20 == 0x6F {   // O'o
            let b = aposEtceteraLength(i + 1)
            if b > 0, ch(i + 1 + b) | 0x20 == 0x6F { best = max(best, b + 2) }
        }
        return best
    }

    /// `FULLURL`: `http://` or `https://` and what follows up to a space or bracket, not ending in punctuation.
    private func fullURLLength(_ i: Int) -> Int {
        var j = literal(i, "http")
        guard j > 0 else { return 0 }
        if isCaseless(ch(j), 0x73) { j += 1 }
        guard ch(j) == 0x3A, ch(j + 1) == 0x2F, ch(j + 2) == 0x2F else { return 0 }
        let bodyStart = j + 3
        var lastGood = -1
        var k = bodyStart
        while k < n, !isURLStop(Int(s[k])) {
            if k > bodyStart, !isURLEndStop(Int(s[k])) { lastGood = k }
            k += 1
        }
        return lastGood < 0 ? 0 : lastGood + 1 - i
    }

    /// `[ \t\n\f\r"<>|(){}]`
    private func isURLStop(_ c: Int) -> Bool {
        switch c {
        case 0x20, 0x09, 0x0A, 0x0C, 0x0D, 0x22, 0x3C, 0x3E, 0x7C, 0x28, 0x29, 0x7B, 0x7D: return true
        default: return false
        }
    }

    /// `[ \t\n\f\r"<>|.!?(){},-]`
    private func isURLEndStop(_ c: Int) -> Bool {
        switch c {
        case 0x2E, 0x21, 0x3F, 0x2C, 0x2D: return true
        default: return isURLStop(c)
        }
    }

    /// The longest optional URL path `\/[^ \t\n\f\r"<>|()]+[^ \t\n\f\r"<>|.!?(){},-]` at `j` (0 if none).
    private func urlPathLength(_ j: Int) -> Int {
        guard ch(j) == 0x2F else { return 0 }
        var lastGood = -1
        var k = j + 1
        while k < n {
            let c = Int(s[k])
            switch c {
            case 0x20, 0x09, 0x0A, 0x0C, 0x0D, 0x22, 0x3C, 0x3E, 0x7C, 0x28, 0x29: break
            default:
                if k > j + 1, !isURLEndStop(c) { lastGood = k }
                k += 1
                continue
            }
            break
        }
        return lastGood < 0 ? 0 : lastGood + 1 - j
    }

    /// `LIKELYURL`: `www.` host names and `something.com|net|org|edu`, with an optional path.
    private func likelyURLLength(_ i: Int) -> Int {
        var best = 0
        // www\.([^ \t\n\f\r"<>|.!?(){},]+\.)+[a-zA-Z]{2,4}
        let afterWWW = literal(i, "www.")
        if afterWWW > 0 {
            var p = afterWWW
            while true {
                var e = p
                while e < n, !isURLEndStop(Int(s[e])) || s[e] == 0x2D { e += 1 }
                guard e > p, ch(e) == 0x2E else { break }
                let q = e + 1
                var letters = 0
                while letters < 4, isAsciiLetter(ch(q + letters)) { letters += 1 }
                if letters >= 2 {
                    for t in 2...letters {
                        best = max(best, q + t - i + urlPathLength(q + t))
                    }
                }
                p = q
            }
        }
        // ([^ \t\n\f\r"`'<>|.!?(){},-_$]+\.)+(com|net|org|edu)
        func isLabel(_ c: Int) -> Bool {
            if c >= 0x2C && c <= 0x5F { return false }
            switch c {
            case 0x20, 0x09, 0x0A, 0x0C, 0x0D, 0x22, 0x60, 0x27, 0x3C, 0x3E, 0x7C, 0x21, 0x3F, 0x28, 0x29,
                 0x7B, 0x7D, 0x24: return false
            default: return c >= 0
            }
        }
        var p = i
        while true {
            var e = p
            while isLabel(ch(e)) { e += 1 }
            guard e > p, ch(e) == 0x2E else { break }
            let q = e + 1
            let end = longestLiteral(q, PTBLexer.topLevelDomains)
            if end > 0 { best = max(best, end - i + urlPathLength(end)) }
            p = q
        }
        return best
    }

    /// `EMAIL`: `local@domain.part`, optionally in `<...>` or `&lt;...&gt;`.
    private func emailLength(_ i: Int) -> Int {
        func isStop(_ c: Int) -> Bool {
            switch c {
            case -1, 0x20, 0x09, 0x0A, 0x0C, 0x0D, 0x22, 0x3C, 0x3E, 0x7C, 0x28, 0x29, 0xA0, 0x7B, 0x7D: return true
            default: return false
            }
        }
        var p = i
        if ch(i) == 0x3C { p = i + 1 } else if ch(i) == 0x26 {
            p = literal(i, "&lt;")
            guard p > 0 else { return 0 }
        }
        guard isAsciiAlnum(ch(p)) else { return 0 }
        var runEnd = p + 1
        while !isStop(ch(runEnd)) { runEnd += 1 }
        var best = 0
        var at = p + 1
        while at < runEnd {
            if s[at] == 0x40 {
                // Domain: ([^stop.]+\.)*[^stop.]+
                var d = at + 1, end = -1
                while true {
                    var e = d
                    while e < runEnd, s[e] != 0x2E { e += 1 }
                    guard e > d else { break }
                    end = e
                    guard e < runEnd, e + 1 < runEnd, s[e + 1] != 0x2E else { break }
                    d = e + 1
                }
                if end > 0 {
                    var total = end
                    if ch(end) == 0x3E { total += 1 } else if ch(end) == 0x26, literal(end, "&gt;") > 0 { total += 4 }
                    best = max(best, total - i)
                }
            }
            at += 1
        }
        return best
    }

    /// `TWITTER`: `@name` or `#hashtag`.
    private func twitterLength(_ i: Int) -> Int {
        if ch(i) == 0x40 {
            let c = ch(i + 1)
            guard isAsciiLetter(c) || c == 0x5F else { return 0 }
            var j = i + 2
            while isAsciiAlnum(ch(j)) || ch(j) == 0x5F { j += 1 }
            return j - i
        }
        var j = i + 1
        while true { let l = letterLength(j); if l == 0 { break }; j += l }
        return j > i + 1 ? j - i : 0
    }

    /// `DATE`: `DIGIT{1,2}[-/]DIGIT{1,2}[-/]DIGIT{2,4}`.
    private func dateLength(_ i: Int) -> Int {
        func digits(_ j: Int, _ count: Int) -> Bool {
            for k in 0..<count where !has(j + k, PTBCharacterClasses.digit) { return false }
            return true
        }
        func separator(_ j: Int) -> Bool { ch(j) == 0x2D || ch(j) == 0x2F }
        var best = 0
        for a in 1...2 where digits(i, a) && separator(i + a) {
            for b in 1...2 where digits(i + a + 1, b) && separator(i + a + 1 + b) {
                for c in 2...4 where digits(i + a + b + 2, c) { best = max(best, a + b + c + 2) }
            }
        }
        return best
    }

    /// `NUMBER`: `[-+]?` digits with `. : ,` (and soft hyphen, Arabic separators) between digit groups.
    private func numberLength(_ i: Int) -> Int {
        var j = i
        if ch(j) == 0x2D || ch(j) == 0x2B { j += 1 }
        let digitsStart = j
        while has(j, PTBCharacterClasses.digit) { j += 1 }
        while true {
            let c = ch(j)
            guard c == 0x2E || c == 0x3A || c == 0x2C || c == 0xAD || c == 0x66B || c == 0x66C,
                  has(j + 1, PTBCharacterClasses.digit) else { break }
            j += 2
            while has(j, PTBCharacterClasses.digit) { j += 1 }
        }
        if j == digitsStart { return 0 }   // neither leading digits nor a group
        return j - i
    }

    /// `SUBSUPNUM`: an optional superscript/subscript sign and superscript or subscript digits.
    private func superSubscriptNumberLength(_ i: Int) -> Int {
        func isSuperscript(_ c: Int) -> Bool { c == 0x2070 || c == 0xB9 || c == 0xB2 || c == 0xB3 || (c >= 0x2074 && c <= 0x2079) }
        func isSubscript(_ c: Int) -> Bool { c >= 0x2080 && c <= 0x2089 }
        var j = i
        let c = ch(i)
        if c == 0x207A || c == 0x207B || c == 0x208A || c == 0x208B { j += 1 }
        let start = j
        if isSuperscript(ch(j)) { while isSuperscript(ch(j)) { j += 1 } } else { while isSubscript(ch(j)) { j += 1 } }
        return j > start ? j - i : 0
    }

    /// `FRAC`: `(DIGIT{1,4}[- \u00A0])?DIGIT{1,4}(\\?\/|\u2044)DIGIT{1,4}`.
    private func fractionLength(_ i: Int) -> Int {
        func digitRun(_ j: Int) -> Int { var k = j; while has(k, PTBCharacterClasses.digit) { k += 1 }; return k - j }
        func simpleFraction(_ j: Int) -> Int {
            let a = digitRun(j)
            guard a >= 1, a <= 4 else { return 0 }
            var k = j + a
            if ch(k) == 0x2F || ch(k) == 0x2044 { k += 1 } else if ch(k) == 0x5C, ch(k + 1) == 0x2F { k += 2 } else { return 0 }
            let b = min(digitRun(k), 4)
            return b == 0 ? 0 : k + b - j
        }
        var best = simpleFraction(i)
        let whole = digitRun(i)
        if whole <= 4 {
            let sep = ch(i + whole)
            if sep == 0x2D || sep == 0x20 || sep == 0xA0 {
                let rest = simpleFraction(i + whole + 1)
                if rest > 0 { best = max(best, whole + 1 + rest) }
            }
        }
        return best
    }

    /// `TBSPEC`: `-LRB-` style escapes, `C.D.s`, `pro-`, `anti-`, `S&P-500`, `S&Ls`, `Cap'n`, `c'est`.
    private func treebankSpecialLength(_ i: Int) -> Int {
        var end = longestLiteral(i, PTBLexer.treebankSpecials)
        for (stem, tail) in [("cap", "n"), ("c", "est")] as [(StaticString, StaticString)] {
            let j = literal(i, stem)
            if j > 0 { let a = aposLength(j); if a > 0 { end = max(end, literal(j + a, tail)) } }
        }
        return end < 0 ? 0 : end - i
    }

    /// `THING3`: `[A-Za-z0-9]+(-[A-Za-z]+){0,2}(\\?\/[A-Za-z0-9]+(-[A-Za-z]+){0,2}){1,2}` (and/or).
    private func slashedThingLength(_ i: Int) -> Int {
        func segmentEnd(_ j: Int) -> Int {
            var k = j
            while isAsciiAlnum(ch(k)) { k += 1 }
            guard k > j else { return -1 }
            var groups = 0
            while groups < 2, ch(k) == 0x2D, isAsciiLetter(ch(k + 1)) {
                k += 2
                while isAsciiLetter(ch(k)) { k += 1 }
                groups += 1
            }
            return k
        }
        func slashEnd(_ j: Int) -> Int {
            if ch(j) == 0x2F { return j + 1 }
            if ch(j) == 0x5C, ch(j + 1) == 0x2F { return j + 2 }
            return -1
        }
        var j = segmentEnd(i)
        var best = 0
        for _ in 0..<2 {
            let afterSlash = slashEnd(j)
            guard afterSlash > 0 else { break }
            let next = segmentEnd(afterSlash)
            guard next > 0 else { break }
            best = next - i
            j = next
        }
        return best
    }

    /// Acronym and abbreviation rules (ACRONYM before a sentence start, ABBREV1–4, ACRO, pty. ltd.).
    private func considerAbbreviations(_ i: Int, _ m: inout Match) {
        let acronyms = acronymEnds(i)
        // ACRONYM/(SPACENLS)(About|...|The|...|SGML)SPACENL: a sentence-final acronym.
        var bestTotal = 0, bestSplit = 0
        for e in acronyms where ch(e) == 0x2E {
            let total = sentenceStartAfter(e + 1)
            if total > 0, total >= bestTotal { bestTotal = total; bestSplit = e + 1 }
        }
        if bestTotal > 0 {
            let r1 = bestSplit - i
            if r1 == 2 {
                m.consider(total: bestTotal - i, length: 1, advance: 1)                // "I." -> "I" "."
            } else {
                m.consider(total: bestTotal - i, length: r1, advance: r1 - 1)          // "U.S." -> "U.S." "."
            }
        }
        // ABBREV3 before a number: ca. 5, fig. 3, no. 1
        let abbrev3 = longestLiteral(i, PTBLexer.abbreviations3)
        if abbrev3 > 0 {
            var j = abbrev3
            if isSpaceOrNewline(j), has(j + 1, PTBCharacterClasses.digit) {
                m.consider(total: j + 2 - i, length: abbrev3 - i)
            }
            j = abbrev3
            if has(j, PTBCharacterClasses.digit) { m.consider(total: j + 1 - i, length: abbrev3 - i) }
        }
        // pty. ltd., co. ltd.
        let company = longestLiteral(i, PTBLexer.companyPrefixes)
        if company > 0, has(company, PTBCharacterClasses.space), longestLiteral(company + 1, PTBLexer.companySuffixes) > 0 {
            m.consider(total: company + 4 - i, length: company - i)
        }
        // ABBREV1 (Inc., Calif., etc.): a sentence end when followed by a space and an upper-case word.
        let abbrev1 = abbreviation1End(i)
        if abbrev1 > 0 {
            let r1 = abbrev1 - i
            if isSpaceOrNewline(abbrev1) {
                let next = abbrev1 + 1
                var sentenceEnd = 0
                if isSpaceOrNewline(next) || has(next, PTBCharacterClasses.uppercase) { sentenceEnd = 1 }
                if ch(next) == 0x3C { sentenceEnd = max(sentenceEnd, sgmlLength(next)) }
                if sentenceEnd > 0 { m.consider(total: r1 + 1 + sentenceEnd, length: r1, advance: r1 - 1) }
            }
            if abbrev1 + 2 <= n { m.consider(total: r1 + 2, length: r1) }
            m.consider(total: r1, length: r1, advance: r1 - 1)
        }
        // ABBREV2 = ABBREV4\.   and   ABBREV4/{SPACE}
        let listed = abbreviation4End(i)
        for e in acronyms where ch(e) == 0x2E { m.consider(e + 1 - i) }
        if listed > 0, ch(listed) == 0x2E { m.consider(listed + 1 - i) }
        for e in acronyms where has(e, PTBCharacterClasses.space) { m.consider(total: e + 1 - i, length: e - i) }
        if listed > 0, has(listed, PTBCharacterClasses.space) { m.consider(total: listed + 1 - i, length: listed - i) }
        // ACRO/{SPACENL}
        for e in acronyms where isSpaceOrNewline(e) { m.consider(total: e + 1 - i, length: e - i) }
    }

    /// The end of `(SPACENLS)(About|According|...|You|SGML)SPACENL` starting at `j`, or 0.
    private func sentenceStartAfter(_ j: Int) -> Int {
        guard isSpaceOrNewline(j) else { return 0 }
        var k = j + 1
        while isSpaceOrNewline(k) { k += 1 }
        var best = 0
        if ch(k) == 0x3C {
            let l = sgmlLength(k)
            if l > 0, isSpaceOrNewline(k + l) { best = k + l + 1 }
        }
        let c = ch(k)
        guard isAsciiUpper(c) else { return best }
        for word in PTBLexer.sentenceStartWords.candidates(startingWith: c) {
            let end = literal(k, word)
            if end > 0, isSpaceOrNewline(end) { best = max(best, end + 1) }
        }
        return best
    }

    /// Words after which a preceding acronym's period ends the sentence (first letter upper case).
    private static let sentenceStartWords = PTBWordList([
        "About", "According", "Additionally", "After", "An", "A", "As", "At", "But", "Earlier", "He", "Her",
        "Here", "However", "If", "In", "It", "Last", "Many", "More", "Mr.", "Ms.", "Now", "Once", "One",
        "Other", "Our", "She", "Since", "So", "Some", "Such", "That", "The", "Their", "Then", "There",
        "These", "They", "This", "We", "When", "While", "What", "Yet", "You",
    ])

    /// The end (after the period) of an `ABBREV1` abbreviation at `i`, or 0.
    private func abbreviation1End(_ i: Int) -> Int {
        var best = 0
        for word in PTBLexer.abbreviations1.candidates(startingWith: ch(i)) {
            let end = literal(i, word)
            if end > 0, ch(end) == 0x2E { best = max(best, end + 1) }
        }
        // Pp?t[ye]s?  (the [ye] class is case-sensitive)
        for stem in PTBLexer.companyStems where ch(i) | 0x20 == 0x70 {
            let j = literal(i, stem)
            if j > 0, ch(j) == 0x79 || ch(j) == 0x65 {
                var k = j + 1
                if ch(k) == 0x2E { best = max(best, k + 1) }
                if isCaseless(ch(k), 0x73) { k += 1; if ch(k) == 0x2E { best = max(best, k + 1) } }
            }
        }
        return best
    }

    /// ABBREV1 words (months, days, states, company and title suffixes); upper-case first letters are case-sensitive.
    /// Every letters-only abbreviation that a period may follow (ABBREV1–4, pty., co.), lower-cased
    /// and packed into an integer (one byte per letter): a quick pre-check for the fast path.
    private static let abbreviationKeys: PackedWordSet = {
        var words: [StaticString] = PTBLexer.abbreviations3 + PTBLexer.companyPrefixes
        for list in [PTBLexer.abbreviations1, PTBLexer.abbreviations4] { words += list.buckets.joined() }
        words += ["pte", "pty", "ptes", "ptys", "ppte", "ppty", "pptes", "pptys", "mfg", "mtg"]
        return PackedWordSet(words.map { packedLowercase(letters: $0) })
    }()

    /// A cheaper pre-check for `abbreviationKeys`: bit `c & 31` of `abbreviationInitials[length]`
    /// is set when some key of `length` letters starts with letter `c` (either case).
    private static let abbreviationInitials: [UInt32] = abbreviationKeys.keys.reduce(into: [UInt32](repeating: 0, count: 8)) { initials, key in
        let length = (64 - key.leadingZeroBitCount + 7) / 8
        initials[length] |= 1 << ((key >> (8 * (length - 1))) & 0x1F)
    }

    /// The keys (`packedLowercase`) of the assimilations, which are split (`gon na`).
    private static let assimilationKeys: [UInt64] = assimilations.map { packedLowercase(letters: $0) }

    /// The letters of `word` (periods skipped) lower-cased and packed as `packedLowercase` does.
    private static func packedLowercase(letters word: StaticString) -> UInt64 {
        var key: UInt64 = 0
        for k in 0..<word.utf8CodeUnitCount where word.utf8Start[k] != UInt8(ascii: ".") {
            key = key << 8 | UInt64(word.utf8Start[k] | 0x20)
        }
        return key
    }

    private static let abbreviations1 = PTBWordList([
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        "mon", "tue", "tues", "wed", "thu", "thurs", "fri",
        "ala", "ariz", "Az", "Ark", "calif", "colo", "conn", "ct", "dak", "Del", "fla", "ga", "Ill", "ind",
        "kan", "kans", "ky", "La", "Mass", "md", "mich", "minn", "Miss", "mo", "mont", "neb", "nev", "okla",
        "Ore", "Pa", "penn", "tenn", "Tex", "va", "vt", "Wash", "wis", "wisc", "wyo",
        "inc", "co", "cos", "corp", "ltd", "plc", "rt", "bancorp", "bhd", "assn", "univ", "intl", "sys",
        "tel", "est", "ext", "sq",
        "jr", "sr", "bros", "ed.d", "ph.d", "blvd", "rd", "esq",
        "etc", "al", "seq", "bldg",
    ])

    /// The end (before the period) of a listed `ABBREV4` abbreviation at `i`, or 0 (ACRO is handled separately).
    private func abbreviation4End(_ i: Int) -> Int {
        var best = 0
        for word in PTBLexer.abbreviations4.candidates(startingWith: ch(i)) {
            let end = literal(i, word)
            if end > 0 { best = max(best, end) }   // longest alternative wins
        }
        // M[ft]g  (the [ft] class is case-sensitive)
        if ch(i) | 0x20 == 0x6D, ch(i + 1) == 0x66 || ch(i + 1) == 0x74, ch(i + 2) | 0x20 == 0x67 { best = max(best, i + 3) }
        return best
    }

    /// ABBREV4 words: titles (Mr, Dr, Gen, St, Ave ...), vs, Alex, Wm, Jos, Cie, a.k.a, cf, TREAS, Ph, Invt, Elec, Natl, Dept.
    private static let abbreviations4 = PTBWordList([
        "mr", "mrs", "ms", "Miss", "dr", "drs", "prof", "profs", "sen", "sens", "rep", "reps", "atty", "attys",
        "lt", "col", "gen", "messrs", "gov", "govs", "adm", "rev", "maj", "sgt", "cpl", "pvt", "capt", "st", "ste",
        "ave", "pres", "lieut", "hon", "brig", "cmdr", "comdr", "pfc", "spc", "supt", "supts", "det", "mt", "ft",
        "adj", "adv", "asst", "assoc", "ens", "insp", "mlle", "mme", "msgr", "sfc",
        "vs", "alex", "wm", "jos", "cie", "a.k.a", "cf", "treas", "ph",
        "invt", "elec", "natl", "dept",
    ])

    /// `FILENAME/({SPACENL}|[.?!,])`: total length including the one context character, or 0.
    private func fileNameTotalLength(_ i: Int) -> Int {
        func alnumRunEnd(_ j: Int) -> Int {
            var k = j
            while true {
                if has(k, PTBCharacterClasses.digit) { k += 1; continue }
                let l = letterLength(k)
                if l == 0 { return k }
                k += l
            }
        }
        var best = 0
        var j = alnumRunEnd(i)
        guard j > i else { return 0 }
        while ch(j) == 0x2E {
            let segment = j + 1
            for ext in PTBLexer.fileExtensions.candidates(startingWith: ch(segment)) {
                let end = literal(segment, ext)
                guard end > 0 else { continue }
                let c = ch(end)
                if isSpaceOrNewline(end) || c == 0x2E || c == 0x3F || c == 0x21 || c == 0x2C { best = max(best, end + 1 - i) }
            }
            let next = alnumRunEnd(segment)
            guard next > segment else { break }
            j = next
        }
        return best
    }

    private static let fileExtensions = PTBWordList([
        "bat", "bmp", "c", "class", "cgi", "cpp", "dll", "doc", "docx", "exe", "gif", "gz", "h", "htm", "html", "jar",
        "java", "jpeg", "jpg", "mov", "mp3", "pdf", "php", "pl", "png", "ppt", "ps", "py", "sql", "tar", "txt", "wav",
        "x", "xml", "zip",
    ])

    /// `INSENTP`: `, ; :` and the ideographic comma.
    @inline(__always) private func isInSentencePunctuation(_ c: Int) -> Bool {
        c == 0x2C || c == 0x3B || c == 0x3A || c == 0x3001
    }

    /// `PHONE`: `(650) 723-1234`, `+1 650 723 1234`, `650.723.1234` and similar.
    private func phoneLength(_ i: Int) -> Int {
        // Every phone pattern has at least 8 digits among `0-9 ( ) + - . space no-break-space`.
        var digitCount = 0, j = i
        while j < n, j - i < 24 {
            let c = Int(s[j])
            if isAsciiDigit(c) { digitCount += 1 } else if !(c == 0x28 || c == 0x29 || c == 0x2B || c == 0x2D || c == 0x2E || c == 0x20 || c == 0xA0) { break }
            j += 1
        }
        guard digitCount >= 8 else { return 0 }
        // Sets of reachable end positions, extended one pattern element at a time.
        func digits(_ starts: [Int], _ lo: Int, _ hi: Int) -> [Int] {
            var out: [Int] = []
            for j in starts {
                var k = j
                while k - j < hi, isAsciiDigit(ch(k)) {
                    k += 1
                    if k - j >= lo { out.append(k) }
                }
            }
            return out
        }
        func oneOf(_ starts: [Int], _ set: [Int], optional: Bool = false) -> [Int] {
            var out = optional ? starts : []
            for j in starts where set.contains(ch(j)) { out.append(j + 1) }
            return out
        }
        let separators = [0x2D, 0x20, 0xA0]
        let plusPrefix = oneOf(oneOf([i], [0x2B], optional: true), [0x2B], optional: true)
        // \([0-9]{2,3}\)[ \u00A0]?
        let area = oneOf(oneOf(digits(oneOf([i], [0x28]), 2, 3), [0x29]), [0x20, 0xA0], optional: true)
        // (\+\+?)?([0-9]{2,4}[\- \u00A0])?[0-9]{2,4}[\- \u00A0]
        let country = plusPrefix + oneOf(digits(plusPrefix, 2, 4), separators)
        let groups = oneOf(digits(country, 2, 4), separators)
        let tail = digits(oneOf(digits(area + groups, 3, 4), separators, optional: true), 3, 5)
        // ((\+\+?)?[0-9]{2,4}\.)?[0-9]{2,4}\.[0-9]{3,4}\.[0-9]{3,5}
        let dotted = [i] + oneOf(digits(plusPrefix, 2, 4), [0x2E])
        let dottedTail = digits(oneOf(digits(oneOf(digits(dotted, 2, 4), [0x2E]), 3, 4), [0x2E]), 3, 5)
        let best = (tail + dottedTail).max() ?? i
        return best - i
    }

    /// `SMILEY` without its trailing context: `[<>]?[:;=][\-o\*']?[\(\)DPdpO\\{@\|\[\]]`.
    private func smileyLength(_ i: Int) -> Int {
        func isMouth(_ c: Int) -> Bool {
            switch c {
            case 0x28, 0x29, 0x44, 0x50, 0x64, 0x70, 0x4F, 0x5C, 0x7B, 0x40, 0x7C, 0x5B, 0x5D: return true
            default: return false
            }
        }
        var j = i
        if ch(j) == 0x3C || ch(j) == 0x3E { j += 1 }
        guard ch(j) == 0x3A || ch(j) == 0x3B || ch(j) == 0x3D else { return 0 }
        j += 1
        let nose = ch(j)
        if nose == 0x2D || nose == 0x6F || nose == 0x2A || nose == 0x27, isMouth(ch(j + 1)) { return j + 2 - i }
        return isMouth(ch(j)) ? j + 1 - i : 0
    }

    /// `ASIANSMILEY`: `^_^`, `(^_^)`, `(^-^)` and the like.
    private func asianSmileyLength(_ i: Int) -> Int {
        func isEye(_ c: Int, apostrophe: Bool, hyphen: Bool = false, backtick: Bool = false) -> Bool {
            switch c {
            case 0x5E, 0x78, 0x3D, 0x7E, 0x3C, 0x3E: return true   // the class is case-sensitive: x only
            case 0x27: return apostrophe
            case 0x2D: return hyphen
            case 0x60: return backtick
            default: return false
            }
        }
        var best = 0
        let c = ch(i)
        // [\^x=~<>]\.\[\^x=~<>]  (literally "[^x=~<>]" after the dot)
        if isEye(c, apostrophe: false), ch(i + 1) == 0x2E, literal(i + 2, "[^x=~<>]") > 0 { best = 10 }
        // [\-\^x=~<>']_[\-\^x=~<>']
        if isEye(c, apostrophe: true, hyphen: true), ch(i + 1) == 0x5F, isEye(ch(i + 2), apostrophe: true, hyphen: true) {
            best = max(best, 3)
        }
        if c == 0x28 {
            // \([\-\^x=~<>'][_.]?[\-\^x=~<>']\)
            if isEye(ch(i + 1), apostrophe: true, hyphen: true) {
                var j = i + 2
                if ch(j) == 0x5F || ch(j) == 0x2E, isEye(ch(j + 1), apostrophe: true, hyphen: true), ch(j + 2) == 0x29 {
                    best = max(best, j + 3 - i)
                }
                j = i + 2
                if isEye(ch(j), apostrophe: true, hyphen: true), ch(j + 1) == 0x29 { best = max(best, j + 2 - i) }
            }
            // \([\^x=~<>']-[\^x=~<>'`]\)
            if isEye(ch(i + 1), apostrophe: true), ch(i + 2) == 0x2D,
               isEye(ch(i + 3), apostrophe: true, backtick: true), ch(i + 4) == 0x29 {
                best = max(best, 5)
            }
        }
        return best
    }

    /// `LDOTS`: `...` to `.....`, `. . .` (with spaces or no-break spaces), U+0085, U+2026.
    private func ellipsisLength(_ i: Int) -> Int {
        let c = ch(i)
        if c == 0x85 || c == 0x2026 { return 1 }
        guard c == 0x2E else { return 0 }
        var best = 0
        var j = i
        while ch(j) == 0x2E { j += 1 }
        if j - i >= 3 { best = min(j - i, 5) }
        var pairs = 0
        j = i
        while pairs < 4, ch(j) == 0x2E, ch(j + 1) == 0x20 || ch(j + 1) == 0xA0 {
            j += 2
            pairs += 1
            if pairs >= 2, ch(j) == 0x2E { best = max(best, j + 1 - i) }
        }
        return best
    }

    /// Ends of `HTHING` at `i`: `[A-Za-z0-9][A-Za-z0-9.,\u00AD]*(-([A-Za-z0-9\u00AD]+|ACRO2\.))+`.
    private func hyphenatedThingEnds(_ i: Int) -> [Int] {
        var j = i + 1
        while j < n {
            let c = Int(s[j])
            if isAsciiAlnum(c) || c == 0x2E || c == 0x2C || c == 0xAD { j += 1 } else { break }
        }
        guard ch(j) == 0x2D else { return [] }
        var ends: [Int] = []
        var pending = [j]
        var seen: [Int] = []   // a handful of positions (an array: a first `Set<Int>` costs a runtime conformance lookup)
        while let hyphen = pending.popLast() {
            guard !seen.contains(hyphen) else { continue }
            seen.append(hyphen)
            var k = hyphen + 1
            while k < n, isAsciiAlnum(Int(s[k])) || s[k] == 0xAD { k += 1 }
            if k > hyphen + 1 {
                ends.append(k)
                if ch(k) == 0x2D { pending.append(k) }
            }
            for e in acronymEnds(hyphen + 1, atLeastTwoLetters: true) where ch(e) == 0x2E {
                ends.append(e + 1)
                if ch(e + 1) == 0x2D { pending.append(e + 1) }
            }
        }
        return ends
    }

    /// The end of `THING` at `i` (letters and digits joined by hyphens, with `d'`/`o'`/`l'` prefixes), or 0.
    private func thingEnd(_ i: Int) -> Int {
        func segmentEnd(_ j: Int) -> Int {
            var k = j
            switch ch(j) {
            case 0x64, 0x44, 0x6F, 0x4F, 0x6C, 0x4C:
                // The prefix `d'X` must be followed by at least one more letter or digit.
                let a = aposEtceteraLength(j + 1)
                if a > 0, has(j + 1 + a, PTBCharacterClasses.javaLetterOrDigit),
                   has(j + 2 + a, PTBCharacterClasses.javaLetterOrDigit) { k = j + 2 + a }
            default: break
            }
            while has(k, PTBCharacterClasses.javaLetterOrDigit) { k += 1 }
            return k > j ? k : 0
        }
        var end = segmentEnd(i)
        guard end > 0 else { return 0 }
        while true {
            let c = ch(end)
            guard c == 0x2D || c == 0x5F || c == 0x058A || c == 0x2010 || c == 0x2011 else { break }
            let next = segmentEnd(end + 1)
            guard next > 0 else { break }
            end = next
        }
        return end
    }

    /// The end of `THINGA` (`AT&T`, `R+D`: capitals joined by `+`, `&` or `&amp;`), or 0.
    private func capitalsWithAmpersandEnd(_ i: Int) -> Int {
        var j = i
        while isAsciiUpper(ch(j)) { j += 1 }
        var groups = 0
        while true {
            var k = j
            if ch(k) == 0x2B || ch(k) == 0x26 {
                let amp = literal(k, "&amp;")
                k = amp > 0 && isAsciiUpper(ch(amp)) ? amp : k + 1
            } else {
                break
            }
            guard isAsciiUpper(ch(k)) else { break }
            while isAsciiUpper(ch(k)) { k += 1 }
            j = k
            groups += 1
        }
        return groups > 0 ? j : 0
    }

    /// `QUOTES`: an apostrophe, `''`, or one or two typographic quote characters.
    private func quotesLength(_ i: Int) -> Int {
        func isQuoteChar(_ c: Int) -> Bool {
            switch c {
            case 0x60, 0x2018, 0x2019, 0x201A, 0x201B, 0x201C, 0x201D, 0x91, 0x92, 0x93, 0x94,
                 0x201E, 0x201F, 0x2039, 0x203A, 0xAB, 0xBB: return true
            default: return false
            }
        }
        var best = aposLength(i)
        if ch(i) == 0x27, ch(i + 1) == 0x27 { best = max(best, 2) }
        if isQuoteChar(ch(i)) { best = max(best, isQuoteChar(ch(i + 1)) ? 2 : 1) }
        return best
    }
}

/// A set of short words packed into integers (`PTBLexer.packedLowercase`): an open-addressing
/// table with a multiplicative hash, cheaper per lookup than `Set`'s seeded hashing.
struct PackedWordSet: Sendable {
    /// The distinct keys (non-zero).
    let keys: [UInt64]
    /// Power-of-two table at most half full; 0 marks an empty slot.
    private let slots: [UInt64]
    private let shift: UInt64

    init(_ words: [UInt64]) {
        keys = Array(Set(words)).sorted()
        var size = 8
        while size < 2 * keys.count { size *= 2 }
        shift = UInt64(64 - size.trailingZeroBitCount)
        var slots = [UInt64](repeating: 0, count: size)
        for key in keys {
            var slot = PackedWordSet.slot(key, shift)
            while slots[slot] != 0 { slot = (slot + 1) & (size - 1) }
            slots[slot] = key
        }
        self.slots = slots
    }

    @inline(__always) private static func slot(_ key: UInt64, _ shift: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    @inline(__always) func contains(_ key: UInt64) -> Bool {
        var slot = PackedWordSet.slot(key, shift)
        while true {
            let entry = slots[slot]
            if entry == 0 { return false }
            if entry == key { return true }
            slot = (slot + 1) & (slots.count - 1)
        }
    }
}
