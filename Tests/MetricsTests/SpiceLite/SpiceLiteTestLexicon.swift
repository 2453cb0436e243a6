import Metrics
import MetricResources
import XCTest

/// The WordNet lexicon for SPICE-lite tests, loaded once; tests skip when WordNet is not installed.
enum SpiceLiteTestLexicon {
    private static let loaded: WordNetLexicon? = try? WordNetLoader.load()

    static func lexicon() throws -> WordNetLexicon {
        guard let lexicon = loaded else {
            throw XCTSkip("WordNet 3.0 is not installed; run: \(WordNetLoader.setupCommand)")
        }
        return lexicon
    }

    static func spice() throws -> SpiceLite { SpiceLite(lexicon: try lexicon()) }
}
