import Dispatch
import Foundation
import PythonText

/// Caption tokenization equal to pycocoevalcap 1.2's `PTBTokenizer`, without Java.
///
/// The reference joins a batch of captions with `\n` (each `\n` inside a caption first replaced by
/// a space), runs Stanford CoreNLP 3.4.1 `edu.stanford.nlp.process.PTBTokenizer -preserveLines
/// -lowerCase` on it, splits the output into lines, strips trailing whitespace from each line
/// (Python `rstrip`), splits it on `' '` and drops the tokens in `PUNCTUATIONS`
/// (`'' ' `` ` -LRB- -RRB- -LCB- -RCB- . ? ! , : - -- ... ;`). This type does the same in one pass:
/// PTB tokenization (clitics `it 's`, `do n't`, `ca n't`; `rock 'n' roll`; `y' all`; brackets become
/// `-lrb-` etc. and, being lower-cased, are *kept*; curly quotes and dashes are normalized and then
/// dropped; characters outside the Basic Multilingual Plane are deleted; no-break spaces separate
/// tokens), Java's `toLowerCase(Locale.ENGLISH)`, and the punctuation filter.
///
/// **Batches matter.** The lexer looks ahead across caption boundaries: a caption ending in a
/// single letter and a period (`"... the letter S."`) followed by a caption starting with `A`, `The`,
/// `He`, ... loses the period (`"... the letter s"`); otherwise it keeps `s.`. Tokenize captions in
/// the same batches and order as pycocoevalcap (all references of all images, image order then
/// annotation order; then all candidates) to get identical strings.
///
/// Speed: a hand-written scanner over UTF-16 code units (no regular expressions), with shortcuts
/// for plain words and whole captions of plain words; batches of 4096 captions or more are split
/// across the processor cores, which gives identical results.
///
/// Deliberate differences from the reference, where the reference is silently wrong:
/// * Carriage return, vertical tab, form feed, U+0085, U+2028 and U+2029 inside a caption are
///   replaced by spaces, as pycocoevalcap does for `\n`. The Java tokenizer treats them as line
///   breaks, prints extra lines, and every later caption of the batch gets the tokens of the caption
///   before it (the last ones are lost). Here every caption keeps its own tokens.
/// * An SGML-like tag (`<a href='...'>`) whose quoted attribute value would run across a caption
///   boundary is not formed, so two captions are never merged into one line.
public struct PTBTokenizer: Sendable {
    public init() {}

    /// Tokenizes one batch of captions, in order, with the reference's look-ahead across captions.
    ///
    /// - Returns: one string per caption: the kept lower-cased tokens joined by single spaces
    ///   (`""` when nothing is left).
    public func tokenize(_ captions: [String]) -> [String] {
        tokenize(batches: [captions])[0]
    }

    /// Tokenizes independent batches (look-ahead within each batch, never from one batch into the
    /// next), equal to `batches.map(tokenize)`, in one concurrent pass: the captions of all batches
    /// are split into runs of about equal size, so the processor cores share the work evenly
    /// whatever the sizes of the batches (pycocoevalcap's references and candidates: 5 to 1).
    public func tokenize(batches: [[String]]) -> [[String]] {
        tokenize(groupedBatches: batches.map { [$0] }).map { $0[0] }
    }

    /// `tokenize(batches:)` for batches given as groups of captions, the shape of pycocoevalcap's
    /// `{image: [captions]}`: a batch is the concatenation of its groups, in order, and the result
    /// has the same groups (for example `[references per image, [candidates]]`).
    public func tokenize(groupedBatches: [[[String]]]) -> [[[String]]] {
        let total = groupedBatches.reduce(0) { $0 + $1.reduce(0) { $0 + $1.count } }
        return tokenize(groupedBatches: groupedBatches, chunks: PTBTokenizer.runCount(captions: total))
    }

    /// Concurrent runs for `captions` captions (lexing, and building the text): more runs than
    /// cores, so a core busy with other work holds up less; none below 2048 captions per run.
    static func runCount(captions: Int) -> Int {
        max(1, min(4 * ProcessInfo.processInfo.activeProcessorCount, captions / 2048))
    }

    /// `tokenize(_:)` with the batch split into `chunks` runs of captions tokenized in parallel.
    func tokenize(_ captions: [String], chunks: Int) -> [String] {
        tokenize(batches: [captions], chunks: chunks)[0]
    }

    func tokenize(batches: [[String]], chunks: Int) -> [[String]] {
        tokenize(groupedBatches: batches.map { [$0] }, chunks: chunks).map { $0[0] }
    }

    /// `tokenize(groupedBatches:)` with the captions split into `chunks` runs tokenized in parallel
    /// (the result does not depend on it). The lexer always starts afresh after a `\n` (no token
    /// contains one; look-ahead only reads past it), so each run can be tokenized on its own while
    /// reading ahead into its batch's text.
    func tokenize(groupedBatches batches: [[[String]]], chunks: Int) -> [[[String]]] {
        let captions = FlatCaptions(batches)
        let text = BatchText(captions)
        defer { text.deallocate() }
        let table = PTBCharacterClasses.table(forBlocks: text.usedBlocks)
        let runs = captions.runBoundaries(count: max(1, min(chunks, captions.count)))
        // Each run builds the arrays of the groups it covers whole; the lines of a group split
        // between runs (a group larger than a run) are collected here and moved after the pass.
        let grouped = UnsafeMutableBufferPointer<[String]>.allocate(capacity: captions.groupCount)
        defer { grouped.deallocate() }
        let splitLines = UnsafeMutableBufferPointer<String>.allocate(capacity: captions.count)
        defer { splitLines.deallocate() }
        table.withUnsafeBufferPointer { flags in
            DispatchQueue.concurrentPerform(iterations: runs.count - 1) { run in
                let range = runs[run]..<runs[run + 1]
                guard !range.isEmpty else { return }
                var longest = 0
                for index in range { longest = max(longest, text.captionStarts[index + 1] - text.captionStarts[index]) }
                var batch = -1
                var lines: LineTokenizer?
                defer { lines?.deallocate() }
                var group = captions.group(containing: range.lowerBound)
                while group < captions.groupCount && captions.groupStarts[group] < range.upperBound {
                    let (start, end) = (captions.groupStarts[group], captions.groupStarts[group + 1])
                    let (lower, upper) = (max(start, range.lowerBound), min(end, range.upperBound))
                    if lower < upper {
                        while captions.batchGroupStarts[batch + 1] <= group { batch += 1; lines?.deallocate(); lines = nil }
                        if lines == nil { lines = LineTokenizer(text, batch: batch, flags: flags, from: lower, longestCaption: longest) }
                        if lower == start && upper == end {
                            (grouped.baseAddress! + group).initialize(to: [String](unsafeUninitializedCapacity: end - start) { output, count in
                                lines!.tokenize(end - start, into: output.baseAddress!)
                                count = end - start
                            })
                        } else {
                            lines!.tokenize(upper - lower, into: splitLines.baseAddress! + lower)
                        }
                    }
                    group += 1
                }
            }
        }
        // Empty groups and groups split between runs.
        for group in 0..<captions.groupCount {
            let (start, end) = (captions.groupStarts[group], captions.groupStarts[group + 1])
            if start == end || runs.contains(where: { start < $0 && $0 < end }) {
                (grouped.baseAddress! + group).initialize(to: [String](unsafeUninitializedCapacity: end - start) { output, count in
                    output.baseAddress?.moveInitialize(from: splitLines.baseAddress! + start, count: end - start)
                    count = end - start
                })
            }
        }
        // Move (not copy) the group arrays into the batches.
        return batches.indices.map { b in
            let groups = captions.batchGroupStarts[b]..<captions.batchGroupStarts[b + 1]
            return [[String]](unsafeUninitializedCapacity: groups.count) { output, count in
                output.baseAddress?.moveInitialize(from: grouped.baseAddress! + groups.lowerBound, count: groups.count)
                count = groups.count
            }
        }
    }

    /// Tokenizes consecutive captions of one batch, line after line.
    private struct LineTokenizer {
        /// The batch's text.
        private let text: UnsafeBufferPointer<UInt16>
        private var lexer: PTBLexer
        private var line: LineBuilder

        /// Starts at caption `first` (flat number) of `batch`; no caption tokenized later is longer
        /// than `longestCaption` code units.
        init(_ text: BatchText, batch: Int, flags: UnsafeBufferPointer<UInt8>, from first: Int, longestCaption: Int) {
            let offset = text.batchStarts[batch]
            self.text = UnsafeBufferPointer(rebasing: text.units[offset..<text.batchStarts[batch + 1]])
            lexer = PTBLexer(text: self.text, flags: flags, position: text.captionStarts[first] - offset)
            // Each UTF-16 code unit becomes at most 6 output bytes (`(` → `-lrb-`, `¢` → `cents`,
            // a BMP character → 3 bytes), plus one separating space per token.
            line = LineBuilder(capacity: 7 * longestCaption + 16)
        }

        /// Tokenizes the next `count` captions into `output[0..<count]` (initializing them).
        mutating func tokenize(_ count: Int, into output: UnsafeMutablePointer<String>) {
            var index = 0
            var atLineStart = true
            while index < count {
                if atLineStart, let words = lexer.nextPlainLine() {
                    (output + index).initialize(to: line.plainLine(text, words))
                    index += 1
                    continue
                }
                atLineStart = false
                if let word = lexer.nextPlainWord() {
                    line.appendLetters(text, word.lowerBound, word.upperBound)
                    continue
                }
                guard let lexeme = lexer.next() else { break }
                if lexeme.isNewline {
                    (output + index).initialize(to: line.finish())
                    index += 1
                    atLineStart = true
                } else {
                    line.append(text, lexeme.start, lexeme.end, form: lexeme.form)
                }
            }
            if index < count { (output + index).initialize(to: line.finish()) }   // the last caption of the batch
        }

        func deallocate() { line.deallocate() }
    }

    /// The captions of grouped batches numbered in one flat order: batch by batch, group by group
    /// (groups are numbered the same way). Captions and groups are lent, never copied: retaining
    /// every string or group array (atomic writes to memory that is likely not in the cache) would
    /// cost more than reading them.
    struct FlatCaptions {
        let batches: [[[String]]]
        /// The flat number of each group's first caption, then the number of captions.
        let groupStarts: [Int]
        /// The number of each batch's first group, then the number of groups.
        let batchGroupStarts: [Int]

        init(_ batches: [[[String]]]) {
            self.batches = batches
            var starts = [0], batchStarts = [0]
            for b in batches.indices {
                batches.withUnsafeBufferPointer { batches in
                    (batches.baseAddress! + b).pointee.withUnsafeBufferPointer { groups in
                        for group in groups.indices { starts.append(starts[starts.count - 1] + (groups.baseAddress! + group).pointee.count) }
                    }
                }
                batchStarts.append(starts.count - 1)
            }
            groupStarts = starts
            batchGroupStarts = batchStarts
        }

        /// The number of captions.
        var count: Int { groupStarts[groupStarts.count - 1] }
        var groupCount: Int { groupStarts.count - 1 }

        /// Calls `body` with the captions of group `group`.
        @inline(__always) func withCaptions<R>(ofGroup group: Int, _ body: (UnsafeBufferPointer<String>) -> R) -> R {
            var b = 0
            while batchGroupStarts[b + 1] <= group { b += 1 }
            return batches.withUnsafeBufferPointer { batches in
                (batches.baseAddress! + b).pointee.withUnsafeBufferPointer { groups in
                    (groups.baseAddress! + (group - batchGroupStarts[b])).pointee.withUnsafeBufferPointer(body)
                }
            }
        }

        /// The flat number of the first caption of batch `b` (`b` may be the number of batches).
        func batchStart(_ b: Int) -> Int { groupStarts[batchGroupStarts[b]] }

        /// The group of caption `number` (the last group starting at or before it).
        func group(containing number: Int) -> Int {
            var (low, high) = (0, groupCount - 1)
            while low < high {
                let middle = (low + high + 1) / 2
                if groupStarts[middle] <= number { low = middle } else { high = middle - 1 }
            }
            return low
        }

        /// The caption numbers where `count` runs of about equal size start, then the number of
        /// captions. A run start inside a small group (at most 256 captions) moves to that
        /// group's start, so each run tokenizes whole groups unless a group is larger than a run.
        func runBoundaries(count: Int) -> [Int] {
            var boundaries = [0]
            for run in 1..<max(1, count) {
                var boundary = self.count * run / count
                let group = group(containing: boundary)
                if groupStarts[group + 1] - groupStarts[group] <= 256 { boundary = groupStarts[group] }
                boundaries.append(max(boundary, boundaries[boundaries.count - 1]))
            }
            boundaries.append(self.count)
            return boundaries
        }

        /// Calls `body(number, caption)` for the captions numbered `range`, in order.
        func forEach(in range: Range<Int>, _ body: (Int, UnsafePointer<String>) -> Void) {
            guard !range.isEmpty else { return }
            var (group, number) = (group(containing: range.lowerBound), range.lowerBound)
            while number < range.upperBound {
                let end = min(range.upperBound, groupStarts[group + 1])
                withCaptions(ofGroup: group) { captions in
                    let first = captions.baseAddress! - groupStarts[group]
                    for k in number..<end { body(k, first + k) }
                }
                (group, number) = (group + 1, end)
            }
        }
    }

    /// The UTF-16 text the lexer reads: for each batch, its captions joined by `\n`, with every
    /// line-breaking character inside a caption (`\n \r \u{0B} \u{0C} \u{85} \u{2028} \u{2029}`)
    /// replaced by a space; the batches one after another. Built in concurrent runs of captions
    /// (each caption's UTF-16 length is known up front, so every run writes at its own offset).
    struct BatchText {
        let units: UnsafeMutableBufferPointer<UInt16>
        /// Where each caption (flat number) starts in `units`, then the end of the text.
        let captionStarts: [Int]
        /// Where each batch starts in `units`, then the end of the text.
        let batchStarts: [Int]
        /// The 256-unit blocks (`unit >> 8`) the text uses besides block 0, as flags.
        let usedBlocks: [Bool]

        init(_ captions: FlatCaptions) {
            let total = captions.count
            var starts = [Int](repeating: 0, count: total + 1)
            var batchStarts = [0]
            var end = 0
            for b in 0..<(captions.batchGroupStarts.count - 1) {
                let range = captions.batchStart(b)..<captions.batchStart(b + 1)
                captions.forEach(in: range) { number, caption in
                    if number > range.lowerBound { end += 1 }
                    starts[number] = end
                    end += caption.pointee.utf16.count
                }
                batchStarts.append(end)
            }
            starts[total] = end
            let units = UnsafeMutableBufferPointer<UInt16>.allocate(capacity: max(1, end))
            let runCount = PTBTokenizer.runCount(captions: total)
            var usedByRun = [[Bool]](repeating: [], count: runCount)
            usedByRun.withUnsafeMutableBufferPointer { usedByRun in
                let usedByRun = usedByRun
                DispatchQueue.concurrentPerform(iterations: runCount) { run in
                    var used = [Bool](repeating: false, count: 256)
                    used.withUnsafeMutableBufferPointer { used in
                        captions.forEach(in: (total * run / runCount)..<(total * (run + 1) / runCount)) { number, caption in
                            var k = starts[number]
                            let done: Void? = caption.pointee.utf8.withContiguousStorageIfAvailable {
                                k = PTBTokenizer.appendUTF16(of: $0, to: units, at: k, usedBlocks: used)
                            }
                            if done == nil {   // a bridged or foreign string: copy it to native UTF-8 first
                                var copy = caption.pointee
                                copy.withUTF8 { k = PTBTokenizer.appendUTF16(of: $0, to: units, at: k, usedBlocks: used) }
                            }
                            // A `\n` after every caption but the last of its batch (the next one starts after it).
                            if k < starts[number + 1] { units[k] = 0x0A }
                        }
                    }
                    usedByRun[run] = used
                }
            }
            self.units = UnsafeMutableBufferPointer(rebasing: units[..<end])
            captionStarts = starts
            self.batchStarts = batchStarts
            usedBlocks = (0..<256).map { block in block > 0 && usedByRun.contains { $0[block] } }
        }

        func deallocate() { units.baseAddress.map { $0.deallocate() } }
    }

    /// Four bytes (the low half of `x`) as four little-endian 16-bit lanes.
    @inline(__always) private static func widen(_ x: UInt64) -> UInt64 {
        let pairs = (x & 0xFFFF_0000) << 16 | (x & 0xFFFF)
        return (pairs & 0x0000_FF00_0000_FF00) << 8 | (pairs & 0x0000_00FF_0000_00FF)
    }

    /// Decodes valid UTF-8 into UTF-16 code units at `k` (the output has room: UTF-16 never needs
    /// more code units than UTF-8 bytes), replacing line-breaking characters by spaces. Returns the new end.
    private static func appendUTF16(of bytes: UnsafeBufferPointer<UInt8>, to output: UnsafeMutableBufferPointer<UInt16>,
                                    at start: Int, usedBlocks: UnsafeMutableBufferPointer<Bool>) -> Int {
        var k = 0, out = start
        let count = bytes.count
        while k < count {
            // ASCII runs, 8 bytes at a time, as long as they hold no control characters.
            while k + 8 <= count {
                let word = UnsafeRawPointer(bytes.baseAddress! + k).loadUnaligned(as: UInt64.self)
                // Stop at non-ASCII bytes (high bit set) and control characters (< 0x20); the
                // control test may also stop early, which is harmless.
                let hasHighBit = word & 0x8080_8080_8080_8080 != 0
                let hasControl = (word &- 0x2020_2020_2020_2020) & ~word & 0x8080_8080_8080_8080 != 0
                if hasHighBit || hasControl { break }
                let target = UnsafeMutableRawPointer(output.baseAddress! + out)
                target.storeBytes(of: PTBTokenizer.widen(word & 0xFFFF_FFFF), toByteOffset: 0, as: UInt64.self)
                target.storeBytes(of: PTBTokenizer.widen(word >> 32), toByteOffset: 8, as: UInt64.self)
                out += 8
                k += 8
            }
            guard k < count else { break }
            let b0 = UInt32(bytes[k])
            var scalar: UInt32
            if b0 < 0x80 {
                output[out] = b0 == 0x0A || b0 == 0x0D || b0 == 0x0B || b0 == 0x0C ? 0x20 : UInt16(b0)
                out += 1
                k += 1
                continue
            } else if b0 < 0xE0 {
                scalar = (b0 & 0x1F) << 6 | UInt32(bytes[k + 1] & 0x3F)
                k += 2
            } else if b0 < 0xF0 {
                scalar = (b0 & 0x0F) << 12 | UInt32(bytes[k + 1] & 0x3F) << 6 | UInt32(bytes[k + 2] & 0x3F)
                k += 3
            } else {
                scalar = (b0 & 0x07) << 18 | UInt32(bytes[k + 1] & 0x3F) << 12
                    | UInt32(bytes[k + 2] & 0x3F) << 6 | UInt32(bytes[k + 3] & 0x3F)
                k += 4
            }
            switch scalar {
            case 0x85, 0x2028, 0x2029:
                output[out] = 0x20
                out += 1
            case 0x10000...:
                let v = scalar - 0x10000
                output[out] = UInt16(0xD800 + (v >> 10))
                output[out + 1] = UInt16(0xDC00 + (v & 0x3FF))
                usedBlocks[Int(output[out] >> 8)] = true
                usedBlocks[Int(output[out + 1] >> 8)] = true
                out += 2
            default:
                output[out] = UInt16(scalar)
                usedBlocks[Int(scalar >> 8)] = true
                out += 1
            }
        }
        return out
    }
}

/// Collects the kept tokens of one output line as UTF-8 in a scratch buffer reused for every line.
private struct LineBuilder {
    /// Room for the longest line; each line is written from the start.
    private let output: UnsafeMutableBufferPointer<UInt8>
    /// Where the current line ends in `output` (it starts at 0).
    private var end = 0
    /// Where the last kept token starts in `output`.
    private var lastTokenStart = 0
    /// Whether the last token produced by the lexer was kept (not punctuation).
    private var lastTokenKept = false
    /// Scratch space for tokens that need more than ASCII lower-casing.
    private var token: [UInt16] = []

    /// A builder for lines of at most `capacity` bytes.
    init(capacity: Int) {
        output = .allocate(capacity: capacity)
        token.reserveCapacity(64)
    }

    func deallocate() { output.deallocate() }

    /// Renders a token in its output form, lower-cases it, and keeps it unless it is punctuation.
    @inline(__always) mutating func append(_ text: UnsafeBufferPointer<UInt16>, _ start: Int, _ end: Int, form: PTBTokenForm) {
        if form == .asciiLetters {
            appendLetters(text, start, end)
        } else {
            appendOther(text, start, end, form: form)
        }
    }

    /// A token of ASCII letters (the common case), lower-cased eight at a time. The last block
    /// may write up to 7 bytes past the token: the buffer has room, and later writes replace them.
    @inline(__always) mutating func appendLetters(_ text: UnsafeBufferPointer<UInt16>, _ start: Int, _ end: Int) {
        beginKeptToken()
        let tokenStart = self.end
        var (k, out) = (start, tokenStart)
        let (source, target) = (UnsafeRawPointer(text.baseAddress!), UnsafeMutableRawPointer(output.baseAddress!))
        while k < end && k + 8 <= text.count {
            let low = LineBuilder.lowBytes(source.loadUnaligned(fromByteOffset: 2 * k, as: UInt64.self))
            let high = LineBuilder.lowBytes(source.loadUnaligned(fromByteOffset: 2 * k + 8, as: UInt64.self))
            target.storeBytes(of: low | high << 32 | 0x2020_2020_2020_2020, toByteOffset: out, as: UInt64.self)
            (k, out) = (k + 8, out + 8)
        }
        while k < end { output[out] = UInt8(truncatingIfNeeded: text[k]) | 0x20; (k, out) = (k + 1, out + 1) }   // at the end of the text
        self.end = tokenStart + (end - start)
    }

    /// A line of plain words separated by single spaces (`PTBLexer.nextPlainLine`): the words
    /// lower-cased, eight code units at a time. Call it on an empty line only.
    mutating func plainLine(_ text: UnsafeBufferPointer<UInt16>, _ words: Range<Int>) -> String {
        var (k, out) = (words.lowerBound, 0)
        let (source, target) = (UnsafeRawPointer(text.baseAddress!), UnsafeMutableRawPointer(output.baseAddress!))
        while k < words.upperBound && k + 8 <= text.count {
            let low = LineBuilder.lowBytes(source.loadUnaligned(fromByteOffset: 2 * k, as: UInt64.self))
            let high = LineBuilder.lowBytes(source.loadUnaligned(fromByteOffset: 2 * k + 8, as: UInt64.self))
            // Letters | 0x20 are lower case; spaces stay spaces.
            target.storeBytes(of: low | high << 32 | 0x2020_2020_2020_2020, toByteOffset: out, as: UInt64.self)
            (k, out) = (k + 8, out + 8)
        }
        while k < words.upperBound { output[out] = UInt8(truncatingIfNeeded: text[k]) | 0x20; (k, out) = (k + 1, out + 1) }
        return String(decoding: UnsafeBufferPointer(rebasing: output[..<words.count]), as: UTF8.self)
    }

    /// The low bytes of four 16-bit lanes, packed into the low 32 bits.
    @inline(__always) private static func lowBytes(_ units: UInt64) -> UInt64 {
        var x = units & 0x00FF_00FF_00FF_00FF
        x = (x | x >> 8) & 0x0000_FFFF_0000_FFFF
        return (x | x >> 16) & 0xFFFF_FFFF
    }

    @inline(never) private mutating func appendOther(_ text: UnsafeBufferPointer<UInt16>, _ start: Int, _ end: Int, form: PTBTokenForm) {
        if form == .verbatim || form == .softHyphensRemoved, appendASCII(text, start, end) { return }
        token.removeAll(keepingCapacity: true)
        PTBTokenText.render(UnsafeBufferPointer(rebasing: text[start..<end]), form: form, into: &token)
        PTBTokenText.lowercase(&token)
        if PTBTokenText.isFilteredPunctuation(token) {
            lastTokenKept = false
            return
        }
        beginKeptToken()
        write(String(decoding: token, as: UTF16.self).utf8)
    }

    /// Handles an all-ASCII token (lower-cased byte by byte; no other normalization applies) and
    /// returns true, or returns false without changes when the token has non-ASCII code units.
    private mutating func appendASCII(_ text: UnsafeBufferPointer<UInt16>, _ start: Int, _ tokenEnd: Int) -> Bool {
        if tokenEnd - start <= 3 {
            for k in start..<tokenEnd where text[k] >= 0x80 { return false }
            if PTBTokenText.isFilteredPunctuation(text[start..<tokenEnd]) {
                lastTokenKept = false
                return true
            }
        }
        var out = end + (end > 0 ? 1 : 0)
        for k in start..<tokenEnd {
            let unit = text[k]
            guard unit < 0x80 else { return false }
            output[out] = unit >= 0x41 && unit <= 0x5A ? UInt8(unit | 0x20) : UInt8(unit)
            out += 1
        }
        beginKeptToken()
        end = out
        return true
    }

    /// Starts a kept token: a separating space if needed.
    private mutating func beginKeptToken() {
        if end > 0 { output[end] = 0x20; end += 1 }
        lastTokenStart = end
        lastTokenKept = true
    }

    private mutating func write<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        for byte in bytes { output[end] = byte; end += 1 }
    }

    /// The finished line (Python `rstrip` applied to the last token), and a reset for the next line.
    mutating func finish() -> String {
        if lastTokenKept, end > lastTokenStart, endsWithPythonWhitespace() {
            let tokenText = String(decoding: UnsafeBufferPointer(rebasing: output[lastTokenStart..<end]), as: UTF8.self)
            var scalars = Array(tokenText.unicodeScalars)
            while let last = scalars.last, PythonText.isWhitespace(last) {
                scalars.removeLast()
            }
            var stripped = String.UnicodeScalarView()
            stripped.append(contentsOf: scalars)
            let units = Array(String(stripped).utf16)
            end = lastTokenStart
            if units.isEmpty || PTBTokenText.isFilteredPunctuation(units) {
                if end > 0 { end -= 1 }   // the separating space
            } else {
                write(String(stripped).utf8)
            }
        }
        let line = String(decoding: UnsafeBufferPointer(rebasing: output[..<end]), as: UTF8.self)
        end = 0
        lastTokenStart = 0
        lastTokenKept = false
        return line
    }

    /// Whether the line ends with a character Python's `rstrip()` removes.
    private func endsWithPythonWhitespace() -> Bool {
        let last = output[end - 1]
        if last < 0x80 { return PythonText.isWhitespace(Unicode.Scalar(last)) }
        var k = end - 1
        while k > lastTokenStart, output[k] & 0xC0 == 0x80 { k -= 1 }
        let text = String(decoding: UnsafeBufferPointer(rebasing: output[k..<end]), as: UTF8.self)
        guard let scalar = text.unicodeScalars.first else { return false }
        return PythonText.isWhitespace(scalar)
    }
}

/// Token text rendering: the lexer's normalizations, Java lower-casing, and the punctuation filter.
enum PTBTokenText {
    /// Appends the output form of the raw token text.
    static func render(_ raw: UnsafeBufferPointer<UInt16>, form: PTBTokenForm, into out: inout [UInt16]) {
        if let fixed = form.fixedText {
            out.append(contentsOf: fixed.utf16)
            return
        }
        switch form {
        case .verbatim, .asciiLetters:
            out.append(contentsOf: raw)
        case .softHyphensRemoved:
            for unit in raw where unit != 0xAD { out.append(unit) }
            if out.isEmpty { out.append(0x2D) }
        case .openingQuotes, .closingQuotes:
            renderQuotes(raw, opening: form == .openingQuotes, into: &out)
        case .ampersand:
            var j = raw.startIndex
            while j < raw.endIndex {
                if raw[j] == 0x26, j + 5 <= raw.endIndex, matchesCaseless(raw[(j + 1)..<(j + 5)], "amp;") {
                    out.append(0x26)
                    j += 5
                } else {
                    out.append(raw[j])
                    j += 1
                }
            }
        case .spacesToNoBreak, .phone, .parentheses, .fraction, .currency:
            for unit in raw {
                if let replacement = characterReplacement(unit, form: form) {
                    out.append(contentsOf: replacement.utf16)
                } else {
                    out.append(unit)
                }
            }
        default:
            out.append(contentsOf: raw)
        }
    }

    /// The replacement of one character in the character-mapping forms, or nil to keep it.
    private static func characterReplacement(_ unit: UInt16, form: PTBTokenForm) -> String? {
        switch (form, unit) {
        case (.spacesToNoBreak, 0x20), (.phone, 0x20): return "\u{A0}"
        case (.phone, 0x28), (.parentheses, 0x28): return "-LRB-"
        case (.phone, 0x29), (.parentheses, 0x29): return "-RRB-"
        case (.fraction, 0xBC): return "1/4"
        case (.fraction, 0xBD): return "1/2"
        case (.fraction, 0xBE): return "3/4"
        case (.fraction, 0x2153): return "1/3"
        case (.fraction, 0x2154): return "2/3"
        case (.currency, 0xA2): return "cents"
        case (.currency, 0xA3): return "#"
        case (.currency, 0x80), (.currency, 0xA4), (.currency, 0x20A0), (.currency, 0x20AC): return "$"
        default: return nil
        }
    }

    /// LaTeX quotes: `'` and `&apos;` become `` ` `` (opening) or `'`; `"` and `&quot;` become ` `` `
    /// or `''`; curly and angle quotes become `` ` `` `'` ` `` ` `''`. `‚ „ ‟` stay as they are.
    private static func renderQuotes(_ raw: UnsafeBufferPointer<UInt16>, opening: Bool, into out: inout [UInt16]) {
        let single: UInt16 = opening ? 0x60 : 0x27
        var j = raw.startIndex
        while j < raw.endIndex {
            let unit = raw[j]
            if unit == 0x26, j + 6 <= raw.endIndex {
                let entity = raw[(j + 1)..<(j + 6)]
                if entity.elementsEqual("apos;".utf16) { out.append(single); j += 6; continue }
                if entity.elementsEqual("quot;".utf16) { out.append(single); out.append(single); j += 6; continue }
            }
            switch unit {
            case 0x27: out.append(single)
            case 0x22: out.append(single); out.append(single)
            case 0x91, 0x2018, 0x201B, 0x2039: out.append(0x60)
            case 0x92, 0x2019, 0x203A: out.append(0x27)
            case 0x93, 0x201C, 0xAB: out.append(0x60); out.append(0x60)
            case 0x94, 0x201D, 0xBB: out.append(0x27); out.append(0x27)
            default: out.append(unit)
            }
            j += 1
        }
    }

    private static func matchesCaseless(_ units: Slice<UnsafeBufferPointer<UInt16>>, _ lowercase: String) -> Bool {
        units.elementsEqual(lowercase.utf16) { a, b in (a >= 0x41 && a <= 0x5A ? a | 0x20 : a) == b }
    }

    /// Java `String.toLowerCase(Locale.ENGLISH)`: full lower-case mapping per code point, with the
    /// final-sigma rule inside the token.
    static func lowercase(_ token: inout [UInt16]) {
        var ascii = true
        for k in token.indices {
            let unit = token[k]
            if unit >= 0x80 { ascii = false; break }
            if unit >= 0x41 && unit <= 0x5A { token[k] = unit | 0x20 }
        }
        if ascii { return }
        let scalars = Array(String(decoding: token, as: UTF16.self).unicodeScalars)
        var out: [UInt16] = []
        out.reserveCapacity(token.count)
        for (k, scalar) in scalars.enumerated() {
            if scalar.value < 0x80 {
                let v = UInt16(scalar.value)
                out.append(v >= 0x41 && v <= 0x5A ? v | 0x20 : v)
            } else if scalar.value == 0x3A3 {
                // Final sigma: a cased letter before it and none after it within the same word.
                let casedBefore = (0..<k).reversed().prefix { isWordPart(scalars, $0) }.contains { scalars[$0].properties.isCased }
                let casedAfter = ((k + 1)..<scalars.count).prefix { isWordPart(scalars, $0) }.contains { scalars[$0].properties.isCased }
                out.append(casedBefore && !casedAfter ? 0x3C2 : 0x3C3)
            } else {
                out.append(contentsOf: scalar.properties.lowercaseMapping.utf16)
            }
        }
        token = out
    }

    /// Whether `scalars[j]` belongs to the word around it, for the final-sigma rule. This follows
    /// what Java's `BreakIterator` does in the cases checked against the reference: letters, digits,
    /// marks and connectors like `_` continue a word; ideographs are words of their own; the mid-word
    /// characters (dashes, `'`, `"`, `.`, soft hyphen, U+2027; not `’`) continue it only between two
    /// letters, and `.`, `'`, `,` also between two digits.
    private static func isWordPart(_ scalars: [Unicode.Scalar], _ j: Int) -> Bool {
        func isLetter(_ k: Int) -> Bool {
            k >= 0 && k < scalars.count && scalars[k].properties.isAlphabetic && !scalars[k].properties.isIdeographic
        }
        let scalar = scalars[j]
        let properties = scalar.properties
        if properties.isIdeographic { return false }
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .connectorPunctuation, .format:
            return true
        case .dashPunctuation:
            return isLetter(j - 1) && isLetter(j + 1)
        default:
            break
        }
        func isDigit(_ k: Int) -> Bool { k >= 0 && k < scalars.count && scalars[k].properties.numericType == .decimal }
        switch scalar.value {
        case 0x27, 0x2E: return (isLetter(j - 1) && isLetter(j + 1)) || (isDigit(j - 1) && isDigit(j + 1))
        case 0x2C: return isDigit(j - 1) && isDigit(j + 1)
        case 0x22, 0xAD, 0x2027: return isLetter(j - 1) && isLetter(j + 1)
        default: return properties.isAlphabetic || properties.numericType != nil
        }
    }

    /// pycocoevalcap's `PUNCTUATIONS` after lower-casing (the bracket escapes never match).
    static func isFilteredPunctuation<C: Collection>(_ token: C) -> Bool where C.Element == UInt16 {
        var iterator = token.makeIterator()
        guard let a = iterator.next() else { return false }
        guard let b = iterator.next() else {
            switch a {
            case 0x27, 0x60, 0x2E, 0x3F, 0x21, 0x2C, 0x3A, 0x2D, 0x3B: return true
            default: return false
            }
        }
        guard let c = iterator.next() else {
            return a == b && (a == 0x27 || a == 0x60 || a == 0x2D)
        }
        return iterator.next() == nil && a == 0x2E && b == 0x2E && c == 0x2E
    }
}
