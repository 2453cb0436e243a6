import XCTest
@testable import Metrics
import SeededRandom

/// The two splits pycocoevalcap uses (`str.split()` for BLEU/CIDEr-D, `str.split(" ")` for
/// ROUGE-L) and the n-gram counts of `precook`.
final class NGramCountsTests: XCTestCase {
    func testPythonSplitAndSpaceSplit() {
        let regular = TokenFingerprints.pythonSplit("a dog on a beach")
        XCTAssertEqual(regular.count, 5)
        XCTAssertEqual(TokenFingerprints.spaceSplit("a dog on a beach"), regular)
        XCTAssertEqual(regular[0], regular[3], "equal tokens, equal fingerprints")
        XCTAssertNotEqual(regular[0], regular[1])

        XCTAssertEqual(TokenFingerprints.pythonSplit("").count, 0)
        XCTAssertEqual(TokenFingerprints.spaceSplit("").count, 1, "\"\".split(\" \") == [\"\"]")

        let irregular = " a  dog\u{00A0}x\u{2028}y "
        XCTAssertEqual(TokenFingerprints.pythonSplit(irregular), TokenFingerprints.pythonSplit("a dog x y"),
                       "split() on any Unicode whitespace run")
        let spaceSplit = TokenFingerprints.spaceSplit(irregular)
        XCTAssertEqual(spaceSplit.count, 5, "['', 'a', '', 'dog\\xa0x\\u2028y', '']")
        XCTAssertEqual(spaceSplit[0], spaceSplit[2], "empty tokens share a fingerprint")
        XCTAssertEqual(spaceSplit[1], TokenFingerprints.pythonSplit("a")[0])
    }

    /// Python's `str.isspace` characters split tokens; other controls and non-ASCII letters do not.
    func testPythonWhitespaceIsUnicodeAware() {
        let separators = ["\t", "\n", "\u{0B}", "\u{0C}", "\r", "\u{1C}", "\u{1F}", "\u{85}", "\u{A0}", "\u{1680}",
                          "\u{2000}", "\u{200A}", "\u{2028}", "\u{2029}", "\u{202F}", "\u{205F}", "\u{3000}"]
        for separator in separators {
            XCTAssertEqual(TokenFingerprints.pythonSplit("ab\(separator)cd").count, 2, "U+\(String(separator.unicodeScalars.first!.value, radix: 16))")
        }
        for joiner in ["\u{00}", "\u{08}", "\u{1B}", "\u{7F}", "\u{200B}", "é", "\u{1F600}"] {
            XCTAssertEqual(TokenFingerprints.pythonSplit("ab\(joiner)cd").count, 1, "U+\(String(joiner.unicodeScalars.first!.value, radix: 16))")
        }
    }

    func testNGramCountsFollowFirstOccurrenceOrder() {
        let ngrams = NGramCounts(caption: "the dog the dog the")
        XCTAssertEqual(ngrams.tokenCount, 5)
        XCTAssertEqual(ngrams.range(ofOrder: 1).map { ngrams.counts[$0] }, [3, 2])
        XCTAssertEqual(ngrams.range(ofOrder: 2).map { ngrams.counts[$0] }, [2, 2])   // "the dog", "dog the"
        XCTAssertEqual(ngrams.range(ofOrder: 3).map { ngrams.counts[$0] }, [2, 1])
        XCTAssertEqual(ngrams.range(ofOrder: 4).map { ngrams.counts[$0] }, [1, 1])
        XCTAssertEqual(Set(ngrams.keys).count, ngrams.keys.count)
        XCTAssertEqual(ngrams.keys.map { $0 >> 62 }, [0, 0, 1, 1, 2, 2, 3, 3])
        XCTAssertEqual(NGramCounts(tokens: TokenFingerprints.pythonSplit("the dog the dog the")), ngrams)
    }

    /// Counts on random token sequences against a dictionary-based count of the token tuples
    /// (orders, first-occurrence order and counts; captions shorter than 4 tokens included).
    func testNGramCountsMatchTupleCounting() {
        let seed = UInt64.random(in: 0...UInt64.max)
        var random = SeededGenerator(seed: seed)
        let vocabulary = ["a", "dog", "the", "on", "of", "red", "b"]
        for _ in 0..<300 {
            // Mostly short captions (scan path), some longer than `longCaptionTokens` (hash-table path).
            let length = random.nextIndex(below: 5) == 0 ? NGramCounts.longCaptionTokens + 1 + random.nextIndex(below: 300)
                                                         : random.nextIndex(below: 14)
            let words = (0..<length).map { _ in vocabulary[random.nextIndex(below: vocabulary.count)] }
            let ngrams = NGramCounts(caption: words.joined(separator: " "))
            XCTAssertEqual(ngrams.tokenCount, words.count)
            for order in 1...NGramCounts.maxOrder {
                var expected: [[String]: Int32] = [:]
                var firstSeen: [[String]] = []
                for start in 0..<max(0, words.count - order + 1) {
                    let gram = Array(words[start..<(start + order)])
                    if expected[gram] == nil { firstSeen.append(gram) }
                    expected[gram, default: 0] += 1
                }
                XCTAssertEqual(ngrams.range(ofOrder: order).map { ngrams.counts[$0] }, firstSeen.map { expected[$0]! }, "seed \(seed): \(words)")
                XCTAssertTrue(ngrams.range(ofOrder: order).allSatisfy { ngrams.keys[$0] >> 62 == UInt64(order - 1) })
            }
        }
    }

    /// BLEU counts (test length, closest reference length, clipped matches per order) on random captions,
    /// short and long (a long candidate's n-grams are found through a hash table), against string n-grams
    /// counted in dictionaries.
    func testBleuCountsMatchStringCounting() {
        let seed = UInt64.random(in: 0...UInt64.max)
        var random = SeededGenerator(seed: seed)
        let vocabulary = (0..<30).map { "w\($0)" }
        func caption() -> [String] {
            let length = random.nextIndex(below: 3) == 0 ? 200 + random.nextIndex(below: 400) : random.nextIndex(below: 15)
            return (0..<length).map { _ in vocabulary[random.nextIndex(below: vocabulary.count)] }
        }
        func counts(_ words: [String], _ n: Int) -> [ArraySlice<String>: Int] {
            words.count < n ? [:] : Dictionary((0...(words.count - n)).map { (words[$0..<($0 + n)], 1) }, uniquingKeysWith: +)
        }
        for _ in 0..<60 {
            let candidate = caption()
            let references = (0..<(1 + random.nextIndex(below: 4))).map { _ in caption() }
            let stats = Bleu().imageStats(CaptionSample(candidate: candidate.joined(separator: " "),
                                                        references: references.map { $0.joined(separator: " ") }))
            XCTAssertEqual(stats.testLength, candidate.count)
            let closest = references.map(\.count).min { a, b in
                abs(a - candidate.count) < abs(b - candidate.count) || (abs(a - candidate.count) == abs(b - candidate.count) && a < b)
            }!
            XCTAssertEqual(stats.referenceLength, closest, "seed \(seed)")
            for n in 1...4 {
                let referenceCounts = references.map { counts($0, n) }
                let clipped = counts(candidate, n).reduce(0) { total, entry in
                    total + min(entry.value, referenceCounts.map { $0[entry.key] ?? 0 }.max()!)
                }
                XCTAssertEqual(stats.correct[n - 1], clipped, "seed \(seed), order \(n)")
            }
        }
    }

    func testRougeOfEmptyCaptionsFollowsSpaceSplit() {
        // pycocoevalcap: "".split(" ") == [""], so an empty candidate matches an empty reference (LCS 1).
        XCTAssertEqual(RougeL().imageStats(CaptionSample(candidate: "", references: [""])), 1.0, accuracy: 1e-15)
        XCTAssertEqual(RougeL().imageStats(CaptionSample(candidate: "", references: ["a dog"])), 0)
    }
}
