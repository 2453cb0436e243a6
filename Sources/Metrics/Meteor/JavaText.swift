// Java string semantics that METEOR 1.5 depends on: hash codes (words are compared by `String.hashCode`),
// `String.trim`, and `StringTokenizer`'s default delimiters.

/// Java's `String.hashCode()`: `h = 31*h + c` over UTF-16 code units, wrapping at 32 bits.
func javaHashCode(_ text: String) -> Int32 {
    var h: Int32 = 0
    for unit in text.utf16 { h = h &* 31 &+ Int32(unit) }
    return h
}

/// Java's `String.trim()`: removes leading and trailing characters up to U+0020.
func javaTrim(_ text: String) -> String {
    let scalars = text.unicodeScalars
    guard let first = scalars.firstIndex(where: { $0.value > 0x20 }),
          let last = scalars.lastIndex(where: { $0.value > 0x20 }) else { return "" }
    return String(scalars[first...last])
}

/// `java.util.StringTokenizer`'s default delimiters: space, tab, newline, carriage return, form feed.
@inline(__always) func isTokenizerDelimiter(_ c: UInt32) -> Bool {
    c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x0C
}

/// Splits `text` into tokens like `new StringTokenizer(text)`.
func javaTokenize(_ text: String) -> [String] {
    // The delimiters are ASCII, so splitting the UTF-8 bytes splits between characters.
    text.utf8.split(whereSeparator: { isTokenizerDelimiter(UInt32($0)) }).map { String(decoding: $0, as: UTF8.self) }
}
