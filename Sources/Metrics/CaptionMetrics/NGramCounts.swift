import PythonText

/// Token fingerprints of a tokenized caption (tokens separated by spaces, as `PTBTokenizer`
/// returns them): the common input of BLEU, ROUGE-L and CIDEr-D.
///
/// A token is identified by a 64-bit fingerprint of its UTF-8 bytes (FNV-1a plus a mixing step),
/// so statistics computed in different processes can be merged. Two distinct n-grams of one order
/// share a fingerprint with probability about m²/2⁶³ for m distinct n-grams (≈1e-7 for a
/// million); they would then be counted as one n-gram.
///
/// The fingerprints are handed to a closure in scratch memory (no heap allocation for a caption of
/// a few hundred bytes); the array forms are for callers that keep them.
public enum TokenFingerprints {
    /// Calls `body` with the fingerprints of `caption.split()` in Python's sense (runs of Unicode
    /// whitespace separate tokens; no empty tokens). BLEU and CIDEr-D split this way.
    public static func withPythonSplit<R>(_ caption: String, _ body: (UnsafeBufferPointer<UInt64>) -> R) -> R {
        var caption = caption
        return caption.withUTF8 { bytes in
            // A caption of n bytes has at most n/2 + 1 tokens.
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: bytes.count / 2 + 1) { scratch in
                body(UnsafeBufferPointer(rebasing: scratch[..<pythonSplit(bytes, into: scratch)]))
            }
        }
    }

    /// Calls `body` with the fingerprints of `caption.split(" ")` (every single space separates;
    /// empty tokens are kept, so `""` is one empty token). ROUGE-L splits this way.
    public static func withSpaceSplit<R>(_ caption: String, _ body: (UnsafeBufferPointer<UInt64>) -> R) -> R {
        var caption = caption
        return caption.withUTF8 { bytes in
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: bytes.count + 1) { scratch in
                var count = 0
                var hash = fnvOffset
                for byte in bytes {
                    if byte == 0x20 {
                        scratch[count] = mix(hash)
                        count += 1
                        hash = fnvOffset
                    } else {
                        hash = (hash ^ UInt64(byte)) &* fnvPrime
                    }
                }
                scratch[count] = mix(hash)
                return body(UnsafeBufferPointer(rebasing: scratch[...count]))
            }
        }
    }

    /// The fingerprints of `caption.split()`, as an array.
    public static func pythonSplit(_ caption: String) -> [UInt64] { withPythonSplit(caption) { Array($0) } }

    /// The fingerprints of `caption.split(" ")`, as an array.
    public static func spaceSplit(_ caption: String) -> [UInt64] { withSpaceSplit(caption) { Array($0) } }

    /// Writes the fingerprints of Python's `split()` of `bytes` to `output`; returns their number.
    private static func pythonSplit(_ bytes: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt64>) -> Int {
        var count = 0
        var inToken = false
        var hash = fnvOffset
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            // Printable ASCII is never whitespace; anything else is checked in full.
            let width = byte > 0x20 && byte < 0x80 ? 0 : pythonWhitespaceWidth(bytes, i)
            if width > 0 {
                if inToken {
                    output[count] = mix(hash)
                    count += 1
                    inToken = false
                }
                i += width
            } else {
                if !inToken { (inToken, hash) = (true, fnvOffset) }
                hash = (hash ^ UInt64(byte)) &* fnvPrime
                i += 1
            }
        }
        if inToken {
            output[count] = mix(hash)
            count += 1
        }
        return count
    }

    /// Byte length of the character starting at byte `i` when it is Python whitespace
    /// (`PythonText.isWhitespace`), or 0 (also for a byte inside a character).
    @inline(__always)
    private static func pythonWhitespaceWidth(_ bytes: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        let lead = bytes[i]
        if lead < 0x80 { return PythonText.isWhitespace(Unicode.Scalar(lead)) ? 1 : 0 }
        if lead < 0xC0 { return 0 }   // a continuation byte
        // The text is valid UTF-8 (a Swift string's), so the character's bytes are all there.
        let width = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
        var value = UInt32(lead) & (0x7F >> width)
        for k in 1..<width { value = value << 6 | UInt32(bytes[i + k] & 0x3F) }
        return Unicode.Scalar(value).map(PythonText.isWhitespace) == true ? width : 0
    }

    /// FNV-1a (64-bit) over a token's bytes, then `mix`.
    private static let fnvOffset: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let fnvPrime: UInt64 = 0x0000_0100_0000_01b3

    /// The SplitMix64 finalizer.
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
    /// `orderEnds[n − 1]` is the index in `keys` just past the last n-gram of order n; the
    /// unigrams start at 0.
    public var orderEnds: SIMD4<Int32>
    /// Number of tokens (words) of the sentence.
    public var tokenCount: Int

    /// The index range in `keys` of the n-grams of `order` (1…4).
    @inline(__always)
    public func range(ofOrder order: Int) -> Range<Int> { NGramCountsView.range(ofOrder: order, orderEnds) }

    /// The counts of a tokenized caption (split as Python's `split()`).
    public init(caption: String) {
        self = Self.withCounts(ofCaption: caption) { NGramCounts($0) }
    }

    /// The counts of a token fingerprint sequence.
    public init(tokens: [UInt64]) {
        self = tokens.withUnsafeBufferPointer { tokens in Self.withCounts(ofTokens: tokens) { NGramCounts($0) } }
    }

    /// A copy of borrowed counts.
    public init(_ view: NGramCountsView) {
        (keys, counts, orderEnds, tokenCount) = (Array(view.keys), Array(view.counts), view.orderEnds, view.tokenCount)
    }

    /// Calls `body` with the counts of a tokenized caption, in scratch memory.
    public static func withCounts<R>(ofCaption caption: String, _ body: (NGramCountsView) -> R) -> R {
        TokenFingerprints.withPythonSplit(caption) { withCounts(ofTokens: $0, body) }
    }

    /// Captions of more tokens than this find repeated n-grams through a hash table instead of a scan
    /// (a scan is faster for short captions and quadratic for long ones).
    static let longCaptionTokens = 64

    /// Calls `body` with the counts of a token fingerprint sequence, in scratch memory.
    public static func withCounts<R>(ofTokens tokens: UnsafeBufferPointer<UInt64>, _ body: (NGramCountsView) -> R) -> R {
        let total = (0..<maxOrder).reduce(0) { $0 + Swift.max(0, tokens.count - $1) }
        var table = tokens.count > longCaptionTokens ? FingerprintTable(minimumCapacity: total) : nil
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: total) { keys in
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: total) { counts in
                var orderEnds = SIMD4<Int32>()
                var distinct = 0
                var currentOrder = 1
                var start = 0
                var seen: UInt64 = 0   // bit k: some key of this order has low bits k (a one-word filter)
                forEachKey(ofTokens: tokens) { order, key in
                    if order != currentOrder {
                        for o in currentOrder..<order { orderEnds[o - 1] = Int32(distinct) }
                        (currentOrder, start, seen) = (order, distinct, 0)
                    }
                    var j = distinct
                    if table != nil {
                        // Keys of different orders differ (order tag), so one table serves all orders.
                        j = Int(table!.insert(key, nextID: Int32(distinct)))
                    } else {
                        let bit: UInt64 = 1 << (key & 63)
                        if seen & bit != 0 {
                            j = start
                            while j < distinct && keys[j] != key { j += 1 }
                        }
                        seen |= bit
                    }
                    if j < distinct {
                        counts[j] += 1
                    } else {
                        (keys[j], counts[j]) = (key, 1)
                        distinct += 1
                    }
                }
                for o in currentOrder...maxOrder { orderEnds[o - 1] = Int32(distinct) }
                return body(NGramCountsView(keys: UnsafeBufferPointer(rebasing: keys[..<distinct]),
                                            counts: UnsafeBufferPointer(rebasing: counts[..<distinct]),
                                            orderEnds: orderEnds, tokenCount: tokens.count))
            }
        }
    }

    /// Calls `body(order, key)` for every n-gram of a token fingerprint sequence (repeats included): the
    /// 1-grams in position order, then the 2-grams, and so on up to `maxOrder`. Keys are those of `keys`.
    @inline(__always)
    public static func forEachKey(ofTokens tokens: UnsafeBufferPointer<UInt64>, _ body: (_ order: Int, _ key: UInt64) -> Void) {
        let length = tokens.count
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: length) { rolling in
            // rolling[i]: fingerprint of the current-order n-gram starting at token i.
            _ = rolling.initialize(from: tokens)
            for order in 1...maxOrder {
                let orderTag = UInt64(order - 1) << 62
                for i in 0..<Swift.max(0, length - order + 1) {
                    if order > 1 {
                        rolling[i] = TokenFingerprints.mix(rolling[i] &* 0x100_0000_01b3 ^ tokens[i + order - 1])
                    }
                    body(order, (rolling[i] & 0x3fff_ffff_ffff_ffff) | orderTag)
                }
            }
        }
    }
}

/// `NGramCounts` in borrowed memory, valid only inside the closure that receives it.
public struct NGramCountsView {
    public let keys: UnsafeBufferPointer<UInt64>
    public let counts: UnsafeBufferPointer<Int32>
    /// As `NGramCounts.orderEnds`.
    public let orderEnds: SIMD4<Int32>
    public let tokenCount: Int

    /// The index range in `keys` of the n-grams of `order` (1…4).
    @inline(__always)
    public func range(ofOrder order: Int) -> Range<Int> { Self.range(ofOrder: order, orderEnds) }

    @inline(__always)
    static func range(ofOrder order: Int, _ orderEnds: SIMD4<Int32>) -> Range<Int> {
        (order == 1 ? 0 : Int(orderEnds[order - 2]))..<Int(orderEnds[order - 1])
    }
}
