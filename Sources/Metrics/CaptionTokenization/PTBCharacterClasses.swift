/// Character classes of the PTB lexer, one byte of flags per UTF-16 code unit.
///
/// The classes follow the macros of Stanford CoreNLP 3.4.1's `PTBLexer.flex` (the lexer works on
/// UTF-16 code units, so surrogates belong to no class). `[:letter:]`, `[:digit:]` and `[:uppercase:]`
/// are Java's `Character.isLetter`, `isDigit` and `isUpperCase` as JFlex froze them into the
/// generated scanner, i.e. **Unicode 6.2** (Java 8): characters assigned later are not letters or
/// digits, and the few characters whose category changed since then keep their 6.2 category
/// (`unicode62Changes`). This was checked against the character map of the generated scanner for
/// every BMP character that no rule names explicitly. The code point lists (`letterExtras`,
/// `miscSymbols`) are data taken from `PTBLexer.flex`.
enum PTBCharacterClasses {
    /// Java `Character.isLetter` (`[:letter:]`).
    static let javaLetter: UInt8 = 1
    /// The `LETTER` macro: `[:letter:]`, the soft hyphen and a list of combining marks and extra letters.
    static let letter: UInt8 = 2
    /// The `DIGIT` macro: Java `Character.isDigit` (decimal digits).
    static let digit: UInt8 = 4
    /// Java `Character.isUpperCase` (`[:uppercase:]`).
    static let uppercase: UInt8 = 8
    /// The `SPACE` macro: space, tab, no-break space, U+2000–U+200A, ideographic space.
    static let space: UInt8 = 16
    /// The `MISCSYMBOL` macro: symbols that form a token on their own.
    static let miscSymbol: UInt8 = 32
    /// The `NEWLINE` macro: `\n`, `\r`, U+2028, U+2029, vertical tab, form feed, U+0085.
    static let newline: UInt8 = 64
    /// Java `Character.isLetter` or `isDigit` (THING's `[:letter:]|[:digit:]`).
    static let javaLetterOrDigit: UInt8 = 128

    /// Inclusive code point ranges that the `LETTER` macro adds to `[:letter:]`. (Tuples, not
    /// `ClosedRange`: creating an array of `ClosedRange` makes the runtime search for the
    /// `Comparable` conformance of its bound, which takes a noticeable part of a short run.)
    static let letterExtras: [(first: UInt16, last: UInt16)] = [
        (0x00AD, 0x00AD), (0x0237, 0x024F), (0x02C2, 0x02C5), (0x02D2, 0x02DF), (0x02E5, 0x02FF),
        (0x0300, 0x036F), (0x0370, 0x037D), (0x0384, 0x0385), (0x03CF, 0x03CF), (0x03F6, 0x03F6),
        (0x03FC, 0x03FF), (0x0483, 0x0487), (0x04CF, 0x04CF), (0x04F6, 0x04FF), (0x0510, 0x0525),
        (0x055A, 0x055F), (0x0591, 0x05BD), (0x05BF, 0x05BF), (0x05C1, 0x05C2), (0x05C4, 0x05C5),
        (0x05C7, 0x05C7), (0x0615, 0x061A), (0x063B, 0x063F), (0x064B, 0x065E), (0x0670, 0x0670),
        (0x06D6, 0x06EF), (0x06FA, 0x06FF), (0x070F, 0x070F), (0x0711, 0x0711), (0x0730, 0x074F),
        (0x0750, 0x077F), (0x07A6, 0x07B1), (0x07CA, 0x07F5), (0x07FA, 0x07FA), (0x0900, 0x0903),
        (0x093C, 0x093C), (0x093E, 0x094E), (0x0951, 0x0955), (0x0962, 0x0963), (0x0981, 0x0983),
        (0x09BC, 0x09C4), (0x09C7, 0x09C8), (0x09CB, 0x09CD), (0x09D7, 0x09D7), (0x09E2, 0x09E3),
        (0x0A01, 0x0A03), (0x0A3C, 0x0A3C), (0x0A3E, 0x0A4F), (0x0A81, 0x0A83), (0x0ABC, 0x0ACF),
        (0x0B82, 0x0B82), (0x0BBE, 0x0BC2), (0x0BC6, 0x0BC8), (0x0BCA, 0x0BCD), (0x0C01, 0x0C03),
        (0x0C3E, 0x0C56), (0x0D3E, 0x0D44), (0x0D46, 0x0D48), (0x0E30, 0x0E3A), (0x0E47, 0x0E4E),
        (0x0EB1, 0x0EBC), (0x0EC8, 0x0ECD),
    ]

    /// Inclusive code point ranges of the `MISCSYMBOL` macro.
    static let miscSymbols: [(first: UInt16, last: UInt16)] = [
        (0x002B, 0x002B), (0x0025, 0x0025), (0x0026, 0x0026), (0x007E, 0x007E), (0x005E, 0x005E),
        (0x007C, 0x007C), (0x005C, 0x005C), (0x00A6, 0x00A6), (0x00A7, 0x00A7), (0x00A8, 0x00A8),
        (0x00A9, 0x00A9), (0x00AC, 0x00AC), (0x00AE, 0x00AE), (0x00AF, 0x00AF), (0x00B0, 0x00BA),
        (0x00D7, 0x00D7), (0x00F7, 0x00F7), (0x0387, 0x0387), (0x05BE, 0x05BE), (0x05C0, 0x05C0),
        (0x05C3, 0x05C3), (0x05C6, 0x05C6), (0x05F3, 0x05F4), (0x0600, 0x0603), (0x0606, 0x060A),
        (0x060C, 0x060C), (0x0614, 0x0614), (0x061B, 0x061B), (0x061E, 0x061E), (0x066A, 0x066A),
        (0x066D, 0x066D), (0x0703, 0x070D), (0x07F6, 0x07F8), (0x0964, 0x0965), (0x0E4F, 0x0E4F),
        (0x1FBD, 0x1FBD), (0x2016, 0x2017), (0x2020, 0x2023), (0x2030, 0x2038), (0x203B, 0x203B),
        (0x203E, 0x2042), (0x2044, 0x2044), (0x207A, 0x207F), (0x208A, 0x208E), (0x2100, 0x214F),
        (0x2190, 0x21FF), (0x2200, 0x2BFF), (0x3012, 0x3012), (0x30FB, 0x30FB), (0xFF01, 0xFF0F),
        (0xFF1A, 0xFF20), (0xFF3B, 0xFF40), (0xFF5B, 0xFF65),
    ]

    /// Characters whose general category changed after Unicode 6.2: Cherokee capitals (Lo then,
    /// Lu now: letters but not upper case), Mongolian U+1885–U+1886 (Lo then, Mn now), New Tai Lue
    /// vowel signs and two Vedic signs (Mc then, Lo now: not letters).
    private static let notUppercaseIn62: ClosedRange<Int> = 0x13A0...0x13F4
    private static let letterIn62: ClosedRange<Int> = 0x1885...0x1886
    private static let notLetterIn62: [(first: Int, last: Int)] = [(0x19B0, 0x19C0), (0x19C8, 0x19C9), (0x1CF2, 0x1CF3)]

    /// The flags of one UTF-16 code unit.
    static func flags(of unit: Int) -> UInt8 {
        var f: UInt8 = 0
        if let scalar = Unicode.Scalar(UInt32(unit)),   // nil for surrogates
           let age = scalar.properties.age, age.major < 6 || (age.major == 6 && age.minor <= 2) {
            let properties = scalar.properties
            switch properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
                f |= javaLetter | letter | javaLetterOrDigit
            case .decimalNumber:
                f |= digit | javaLetterOrDigit
            default:
                break
            }
            if properties.isUppercase && !notUppercaseIn62.contains(unit) { f |= uppercase }
            if letterIn62.contains(unit) { f |= javaLetter | letter | javaLetterOrDigit }
            if notLetterIn62.contains(where: { $0.first <= unit && unit <= $0.last }) { f &= ~(javaLetter | letter | javaLetterOrDigit) }
        }
        let u = UInt16(unit)
        if letterExtras.contains(where: { $0.first <= u && u <= $0.last }) { f |= letter }
        if miscSymbols.contains(where: { $0.first <= u && u <= $0.last }) { f |= miscSymbol }
        switch unit {
        case 0x20, 0x09, 0xA0, 0x3000, 0x2000...0x200A: f |= space
        case 0x0A, 0x0D, 0x2028, 0x2029, 0x0B, 0x0C, 0x85: f |= newline
        default: break
        }
        return f
    }

    /// A flag table covering the code units of the blocks of 256 code units (`unit >> 8`) marked
    /// in `used` and block 0 (other entries stay 0 and are never read).
    static func table(forBlocks used: [Bool]) -> [UInt8] {
        var table = [UInt8](repeating: 0, count: 0x10000)
        for unit in 0..<256 { table[unit] = asciiAndLatin1[unit] }
        for block in 1..<256 where used[block] {
            let blockStart = block << 8
            for unit in blockStart..<(blockStart + 256) { table[unit] = flags(of: unit) }
        }
        return table
    }

    /// The first block (used by every caption), computed once.
    private static let asciiAndLatin1: [UInt8] = (0..<256).map { flags(of: $0) }
}
