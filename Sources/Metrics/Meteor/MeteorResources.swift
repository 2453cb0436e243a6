/// Everything METEOR 1.5 (`-l en -norm`) needs besides code: function words, nonbreaking prefixes, and the
/// synonym and paraphrase tables in a `MeteorIndex`. Loaded from disk by `MetricResources.MeteorResourceLoader`.
public struct MeteorResources: @unchecked Sendable {
    /// `function/english.words`
    public let functionWords: Set<String>
    /// The `-norm` normalizer with `nonbreaking/english.prefixes`.
    public let normalizer: MeteorNormalizer
    let synonyms: MeteorSynonyms
    let paraphrases: MeteorParaphrases
    /// Keeps the index memory alive.
    private let index: MeteorIndex

    /// Section numbers in the index file.
    private enum Section {
        static let synsets = 0, exceptions = 5, vocabulary = 10
        static let firstWordStart = 15, referenceOffsets = 16, referenceWords = 17
        static let paraphraseOffsets = 18, paraphraseWords = 19
        static let count = 20
    }

    /// Resources from an index built by `buildIndex` and the texts of the function-word and prefix lists.
    public init(index: MeteorIndex, functionWordsText: String, nonbreakingPrefixesText: String) throws {
        guard index.sectionCount == Section.count,
              let synsets = index.keyedTable(at: Section.synsets),
              let exceptions = index.keyedTable(at: Section.exceptions),
              let vocabulary = index.keyedTable(at: Section.vocabulary),
              index.int32s(Section.firstWordStart).count == vocabulary.count + 1 else {
            throw MetricError.invalidInput("the METEOR index has an unexpected layout; rebuild it with: bash scripts/setup-meteor.sh --force")
        }
        self.index = index
        self.functionWords = Set(javaLines(functionWordsText))
        self.normalizer = MeteorNormalizer(nonbreakingPrefixes: MeteorNormalizer.parsePrefixes(nonbreakingPrefixesText))
        self.synonyms = MeteorSynonyms(synsets: synsets, exceptions: exceptions)
        self.paraphrases = MeteorParaphrases(
            vocabulary: vocabulary, firstWordStart: index.int32s(Section.firstWordStart),
            referenceOffsets: index.int32s(Section.referenceOffsets), referenceWords: index.int32s(Section.referenceWords),
            paraphraseOffsets: index.int32s(Section.paraphraseOffsets), paraphraseWords: index.int32s(Section.paraphraseWords))
    }

    /// The index file contents for the synonym files (`english.synsets`, `english.exceptions`) and the paraphrase
    /// table entries (collected in file order in `paraphrases`).
    public static func buildIndex(synsetsText: String, exceptionsText: String,
                                  paraphrases: MeteorParaphraseTableBuilder) -> [UInt8] {
        var writer = MeteorIndexWriter()
        let (synsets, exceptions) = MeteorSynonyms.buildTables(synsetsText: synsetsText, exceptionsText: exceptionsText)
        writer.add(synsets)
        writer.add(exceptions)
        paraphrases.write(into: &writer)
        return writer.finish()
    }
}
