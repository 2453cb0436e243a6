import Foundation
import Metrics
import MetricResources
import XCTest

final class WordNetLoaderTests: XCTestCase {
    func testLoadsTheInstalledDictionary() throws {
        guard WordNetLoader.dictionaryDirectory() != nil else {
            throw XCTSkip("WordNet 3.0 is not installed; run: \(WordNetLoader.setupCommand)")
        }
        let lexicon = try WordNetLoader.load()
        // WordNet 3.0: 117,798 nouns, 11,529 verbs, 21,479 adjectives, 4,481 adverbs.
        XCTAssertEqual(lexicon.lemmaCounts, [117_798, 11_529, 21_479, 4_481])
        XCTAssertEqual(lexicon.lemma("geese", .noun), "goose")
    }

    func testMissingDirectoryNamesTheInstallCommand() {
        let missing = URL(fileURLWithPath: "/nonexistent-wordnet-\(UInt32.random(in: 0...UInt32.max))")
        XCTAssertThrowsError(try WordNetLoader.load(from: missing)) { error in
            guard case let ResourceError.missing(_, command)? = error as? ResourceError else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertEqual(command, "apt-get install -y wordnet-base")
        }
    }

    func testWNHOMETakesPrecedenceWhenItHoldsTheDictionary() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("wnhome-\(UUID().uuidString)")
        let dict = home.appendingPathComponent("dict")
        try FileManager.default.createDirectory(at: dict, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        try "dog n 1 0 1 0 02084071  \n".write(to: dict.appendingPathComponent("index.noun"), atomically: true, encoding: .utf8)
        func path(_ url: URL?) -> String? { url.map { $0.standardizedFileURL.path.trimmingCharacters(in: ["/"]) } }
        XCTAssertEqual(path(WordNetLoader.dictionaryDirectory(environment: ["WNHOME": home.path])), path(dict))
        // A WNHOME without a dictionary falls back to /usr/share/wordnet (or nothing).
        let fallback = WordNetLoader.dictionaryDirectory(environment: ["WNHOME": "/nonexistent"])
        XCTAssertNotEqual(path(fallback), path(dict))
    }
}
