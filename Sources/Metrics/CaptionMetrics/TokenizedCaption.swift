/// A caption that is already tokenized (tokens separated by spaces, as `PTBTokenizer` returns
/// them), encoded once for every caption metric.
///
/// Tokens and n-grams are identified by 64-bit fingerprints of their UTF-8 bytes (FNV-1a plus a
/// mixing step), so statistics computed in different processes can be merged. Two distinct
/// n-grams of one order share a fingerprint with probability about m²/2⁶³ for m distinct n-grams
/// (≈1e-7 for a million); they would then be counted as one n-gram.
public struct TokenizedCaption: Sendable {
    /// The tokenized text as given.
    public let text: String
    /// Fingerprints of `text.split()` in Python's sense (runs of Unicode whitespace separate
    /// tokens; no empty tokens). BLEU and CIDEr-D split this way.
    public let tokens: [UInt64]
    /// Fingerprints of `text.split(" ")` (every single space separates; empty tokens kept, so
    /// `""` is one empty token). ROUGE-L splits this way.
    public let spaceSeparatedTokens: [UInt64]
    /// Counts of the 1- to 4-grams of `tokens` (pycocoevalcap `precook`).
    public let ngrams: NGramCounts

    public init(_ text: String) {
        self.text = text
        var pythonSplit: [UInt64] = []
        var spaceSplit: [UInt64] = []
        var contiguous = text
        let regular = contiguous.withUTF8 { Self.split($0, python: &pythonSplit, spaceSeparated: &spaceSplit) }
        tokens = pythonSplit
        spaceSeparatedTokens = regular ? pythonSplit : spaceSplit
        ngrams = NGramCounts(tokens: pythonSplit)
    }

    /// Splits `bytes` both ways. Returns true when both splits agree (the usual case: single
    /// spaces between non-empty tokens), in which case `spaceSeparated` is left empty.
    private static func split(_ bytes: UnsafeBufferPointer<UInt8>,
                              python: inout [UInt64], spaceSeparated: inout [UInt64]) -> Bool {
        let n = bytes.count
        python.reserveCapacity(n / 4 + 1)
        // Python split(): runs of whitespace.
        var regular = n > 0
        var i = 0
        var tokenStart = -1
        var previousWasSpace = true
        while i < n {
            let width = pythonWhitespaceWidth(bytes, i)
            if width > 0 {
                if tokenStart >= 0 {
                    python.append(fingerprint(bytes, tokenStart, i))
                    tokenStart = -1
                }
                if width != 1 || bytes[i] != 0x20 || previousWasSpace { regular = false }
                previousWasSpace = true
                i += width
            } else {
                if tokenStart < 0 { tokenStart = i }
                previousWasSpace = false
                i += 1
            }
        }
        if tokenStart >= 0 { python.append(fingerprint(bytes, tokenStart, n)) }
        if previousWasSpace { regular = false }
        if regular { return true }
        // str.split(" "): every single space separates, empty tokens are kept.
        var start = 0
        for j in 0..<n where bytes[j] == 0x20 {
            spaceSeparated.append(fingerprint(bytes, start, j))
            start = j + 1
        }
        spaceSeparated.append(fingerprint(bytes, start, n))
        return false
    }

    /// Byte length of the Python whitespace character at `i` (`str.isspace`), or 0.
    @inline(__always)
    private static func pythonWhitespaceWidth(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        let c = b[i]
        if c == 0x20 || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F) { return 1 }
        if c < 0xC2 { return 0 }
        let n = b.count
        if c == 0xC2, i + 1 < n, b[i + 1] == 0x85 || b[i + 1] == 0xA0 { return 2 }        // U+0085, U+00A0
        guard i + 2 < n else { return 0 }
        let c1 = b[i + 1], c2 = b[i + 2]
        switch c {
        case 0xE1: return c1 == 0x9A && c2 == 0x80 ? 3 : 0                                // U+1680
        case 0xE2:
            if c1 == 0x80 && (c2 <= 0x8A || c2 == 0xA8 || c2 == 0xA9 || c2 == 0xAF) { return 3 } // U+2000–200A, 2028, 2029, 202F
            return c1 == 0x81 && c2 == 0x9F ? 3 : 0                                        // U+205F
        case 0xE3: return c1 == 0x80 && c2 == 0x80 ? 3 : 0                                // U+3000
        default: return 0
        }
    }

    /// FNV-1a over `bytes[start..<end]`, then a SplitMix64 finalizer.
    @inline(__always)
    private static func fingerprint(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for k in start..<end {
            h = (h ^ UInt64(bytes[k])) &* 0x0000_0100_0000_01b3
        }
        return mix(h)
    }

    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

/// The 1- to 4-gram counts of one sentence, as pycocoevalcap's `precook(s, 4)` builds them.
///
/// `keys` are n-gram fingerprints whose top two bits hold the order minus one; they are grouped
/// by order (1 to 4) and, within an order, listed in first-occurrence order — Python's dict
/// insertion order, which fixes the floating-point summation order of CIDEr-D.
public struct NGramCounts: Codable, Sendable, Equatable {
    /// The largest n-gram order (BLEU-4, CIDEr-D n = 4).
    public static let maxOrder = 4

    /// N-gram fingerprints (top two bits: order − 1).
    public var keys: [UInt64]
    /// Occurrences of each key in the sentence.
    public var counts: [Int32]
    /// `orderStarts[k]` is the index in `keys` of the first (k+1)-gram; `orderStarts[4]` ends the list.
    public var orderStarts: [Int32]
    /// Number of tokens (words) of the sentence.
    public var tokenCount: Int

    /// The index range in `keys` of the n-grams of `order` (1…4).
    @inline(__always)
    public func range(ofOrder order: Int) -> Range<Int> {
        Int(orderStarts[order - 1])..<Int(orderStarts[order])
    }

    /// Counts the n-grams of a token fingerprint sequence.
    public init(tokens: [UInt64]) {
        let length = tokens.count
        tokenCount = length
        let total = (0..<Self.maxOrder).reduce(0) { $0 + Swift.max(0, length - $1) }
        keys = []
        counts = []
        keys.reserveCapacity(total)
        counts.reserveCapacity(total)
        orderStarts = [Int32](repeating: 0, count: Self.maxOrder + 1)
        var rolling = tokens   // rolling[i] = fingerprint of the current-order n-gram starting at i
        for order in 1...Self.maxOrder {
            let start = keys.count
            let orderTag = UInt64(order - 1) << 62
            if order > 1 {
                for i in 0..<Swift.max(0, length - order + 1) {
                    rolling[i] = TokenizedCaption.mix(rolling[i] &* 0x100_0000_01b3 ^ tokens[i + order - 1])
                }
            }
            for i in 0..<Swift.max(0, length - order + 1) {
                let key = (rolling[i] & 0x3fff_ffff_ffff_ffff) | orderTag
                var found = false
                for j in start..<keys.count where keys[j] == key {
                    counts[j] += 1
                    found = true
                    break
                }
                if !found {
                    keys.append(key)
                    counts.append(1)
                }
            }
            orderStarts[order] = Int32(keys.count)
        }
    }
}
