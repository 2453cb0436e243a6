/// Part-of-speech tagging for SPICE-lite: closed-class lists first, WordNet for open-class words,
/// and an ordered list of context rules for words WordNet allows in several classes.
struct SpiceLiteTagger {
    let lexicon: WordNetLexicon
    /// Interned tokens: each distinct token gets an id and its context-free facts, computed once.
    private var tokenIDs: [String: Int] = [:]
    private var lexemes: [Lexeme] = []

    init(lexicon: WordNetLexicon) { self.lexicon = lexicon }

    private struct Lexeme {
        /// The closed class a token has wherever it occurs (context-dependent words are handled first).
        var closedClass: WordClass?
        var readings: Readings
        /// The multiword prepositions that start with this token, longest first.
        var multiwordPrepositions: [[String]]
        /// One of the few closed-class words whose class depends on its neighbours (`contextualClass`).
        var isContextual: Bool
        /// A PTB bracket token (-lrb- ...): it survives coco-caption's punctuation filter but carries no content.
        var isBracket: Bool
    }

    enum WordClass: Equatable {
        case determiner, possessivePronoun, pronoun, number, be, have, modal, negation
        case coordinator, subordinator, relativePronoun, preposition, possessiveMarker
        case existentialThere, infinitiveTo, adverb, adjective, noun, verb
    }

    enum VerbForm { case base, thirdPerson, gerund, pastOrParticiple }

    /// One tagged word (a multiword preposition is one word, "in front of").
    struct Word {
        var text: String
        var wordClass: WordClass
        /// The morphy lemma for nouns and verbs; the word itself for adjectives (as CoreNLP does).
        var lemma: String
        var isPlural = false
        var verbForm: VerbForm = .base
        /// A noun inside a multiword preposition ("front" in "in front of"); CoreNLP still tags it NN.
        var embeddedNoun: String?
    }

    /// What WordNet allows for an open-class word (a class so that copies are cheap).
    final class Readings {
        let noun: String?
        let verb: String?
        let adjective: String?
        let adverb: String?
        let verbForm: VerbForm
        let nounIsPlural: Bool
        /// The word is its own noun lemma and its first WordNet sense is a man-made object ("building").
        let nounIsArtifact: Bool
        /// SemCor counts of the noun lemma, verb lemma, the word as adjective, and the adverb lemma.
        let nounCount: Int, verbCount: Int, adjectiveCount: Int, adverbCount: Int

        init(noun: String? = nil, verb: String? = nil, adjective: String? = nil, adverb: String? = nil,
             verbForm: VerbForm = .base, nounIsPlural: Bool = false, nounIsArtifact: Bool = false,
             nounCount: Int = 0, verbCount: Int = 0, adjectiveCount: Int = 0, adverbCount: Int = 0) {
            self.noun = noun; self.verb = verb; self.adjective = adjective; self.adverb = adverb
            self.verbForm = verbForm; self.nounIsPlural = nounIsPlural; self.nounIsArtifact = nounIsArtifact
            self.nounCount = nounCount; self.verbCount = verbCount
            self.adjectiveCount = adjectiveCount; self.adverbCount = adverbCount
        }

        static let none = Readings()
        var isUnknown: Bool { noun == nil && verb == nil && adjective == nil && adverb == nil }
        var canBeNoun: Bool { noun != nil || isUnknown }
    }

    typealias L = SpiceLiteWordLists

    /// Tags a PTB-tokenized, lower-cased caption (tokens separated by single spaces).
    mutating func tag(_ caption: String) -> [Word] {
        var tokens: [String] = []
        var lexemeIDs: [Int] = []
        tokens.reserveCapacity(24)
        lexemeIDs.reserveCapacity(24)
        var caption = caption
        caption.withUTF8 { bytes in
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != UInt8(ascii: " ") { end += 1 }
                if end > start {
                    let token = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
                    let id = lexemeID(token)
                    if !lexemes[id].isBracket {
                        tokens.append(token)
                        lexemeIDs.append(id)
                    }
                }
                start = end + 1
            }
        }
        // Pass 1: closed classes (multiword prepositions joined) and WordNet readings.
        var slots: [(text: String, closed: WordClass?, readings: Readings, embeddedNoun: String?)] = []
        slots.reserveCapacity(tokens.count)
        var i = 0
        while i < tokens.count {
            let token = tokens[i]
            let lexeme = lexemes[lexemeIDs[i]]
            if !lexeme.multiwordPrepositions.isEmpty,
               let phrase = lexeme.multiwordPrepositions.first(where: { matches($0, tokens, at: i) }) {
                let noun = phrase.count == 3 ? phrase[1] : nil
                slots.append((phrase.joined(separator: " "), .preposition, .none, noun))
                i += phrase.count
                continue
            }
            let closed = lexeme.isContextual ? contextualClass(token, tokens, i) ?? lexeme.closedClass : lexeme.closedClass
            slots.append((token, closed, lexeme.readings, nil))
            i += 1
        }
        // Pass 2: context rules, left to right.
        var words: [Word] = []
        words.reserveCapacity(slots.count)
        for (k, slot) in slots.enumerated() {
            let previous = words.last.map { (wordClass: $0.wordClass, isPlural: $0.isPlural) }
            let next = k + 1 < slots.count ? slots[k + 1] : nil
            let nextCanBeNoun = next.map { $0.closed == nil && $0.readings.canBeNoun } ?? false
            if let closed = slot.closed {
                words.append(Word(text: slot.text, wordClass: closed, lemma: slot.text, embeddedNoun: slot.embeddedNoun))
                continue
            }
            let r = slot.readings
            let coordinatedWithAdjective = next?.closed == .coordinator && k + 2 < slots.count
                && slots[k + 2].closed == nil && slots[k + 2].readings.adjective != nil
            let wordClass = resolve(r, text: slot.text, words: words, previous: previous,
                                    beforePrevious: words.count >= 2 ? words[words.count - 2].wordClass : nil,
                                    nextIsPreposition: next?.closed == .preposition,
                                    nextCanBeNoun: nextCanBeNoun,
                                    nextIsModifier: next.map { $0.closed == nil && ($0.readings.adjective != nil || $0.readings.verbForm == .pastOrParticiple) } ?? false,
                                    nextTakesObject: [.determiner, .possessivePronoun, .number].contains(next?.closed),
                                    coordinatedWithAdjective: coordinatedWithAdjective)
            var word = Word(text: slot.text, wordClass: wordClass, lemma: slot.text)
            switch wordClass {
            case .noun:
                word.lemma = r.noun ?? slot.text
                word.isPlural = r.nounIsPlural
            case .verb:
                word.lemma = r.verb ?? slot.text
                word.verbForm = r.verbForm
            default:
                break
            }
            words.append(word)
        }
        return words
    }

    /// The determiner or number that opens the noun phrase being built, if any: it tells whether an
    /// -s word in the phrase is a plural head ("three teddy bears") or a verb ("a street sign points").
    private func phraseDeterminer(_ words: [Word]) -> String? {
        for w in words.reversed() {
            switch w.wordClass {
            case .noun, .adjective, .adverb: continue
            case .number, .determiner: return w.text
            default: return nil
            }
        }
        return nil
    }

    private func matches(_ phrase: [String], _ tokens: [String], at i: Int) -> Bool {
        guard i + phrase.count <= tokens.count else { return false }
        for (j, w) in phrase.enumerated() where tokens[i + j] != w { return false }
        return true
    }

    private mutating func lexemeID(_ token: String) -> Int {
        if let known = tokenIDs[token] { return known }
        let closed = closedClass(token)
        lexemes.append(Lexeme(closedClass: closed, readings: closed != nil ? .none : readings(token),
                              multiwordPrepositions: L.multiwordPrepositions.filter { $0[0] == token },
                              isContextual: Self.contextualWords.contains(token),
                              isBracket: L.bracketTokens.contains(token)))
        tokenIDs[token] = lexemes.count - 1
        return lexemes.count - 1
    }

    /// The words `contextualClass` decides.
    private static let contextualWords: Set<String> = ["'s", "'", "there", "to", "that", "which", "who", "whom", "her", "can", "one"]

    /// The class of the few closed-class words whose class depends on their neighbours; nil for others.
    private func contextualClass(_ token: String, _ tokens: [String], _ i: Int) -> WordClass? {
        let previous = i > 0 ? tokens[i - 1] : nil
        let next = i + 1 < tokens.count ? tokens[i + 1] : nil
        switch token {
        case "'s":
            if let p = previous, L.pronouns.contains(p) || p == "there" || p == "that" || p == "what" || p == "here" { return .be }
            if let n = next, L.determiners.contains(n) || L.prepositions.contains(n) || n.hasSuffix("ing") { return .be }
            return .possessiveMarker
        case "'":
            return previous?.hasSuffix("s") == true ? .possessiveMarker : nil
        case "there":
            if let n = next, L.beForms.contains(n) || n == "'s" { return .existentialThere }
            return .adverb
        case "to":
            if let n = next, !L.determiners.contains(n), !L.possessivePronouns.contains(n),
               !L.numberWords.contains(n), n.first?.isNumber != true,
               lexicon.contains(n, .verb), lexicon.semcorCount(n, .verb) >= lexicon.semcorCount(n, .noun) {
                return .infinitiveTo
            }
            return .preposition
        case "that", "which", "who", "whom":
            if let p = previous, p != "of", !L.prepositions.contains(p), let n = next,
               L.beForms.contains(n) || L.haveForms.contains(n) || L.modalsAndDo.contains(n)
                || n.hasSuffix("s") || n.hasSuffix("ed") || n.hasSuffix("ing") {
                return .relativePronoun
            }
            return token == "that" ? .determiner : .relativePronoun
        case "her":
            if let n = next, !L.prepositions.contains(n), !L.coordinators.contains(n),
               lexicon.lemma(n, .noun) != nil || lexicon.contains(n, .adjective) {
                return .possessivePronoun
            }
            return .pronoun
        case "can":
            // A modal only before a bare verb ("can be seen"); otherwise the noun ("a trash can").
            if let n = next, n == "not" || n == "n't" || n == "be" || lexicon.contains(n, .verb) { return .modal }
            return nil
        case "one":
            // "one" alone ("the one on the left") is a pronoun.
            if let n = next, !lexicon.contains(n, .noun) && !lexicon.contains(n, .adjective) { return .pronoun }
            return .number
        default:
            return nil
        }
    }

    /// Closed-class lists in priority order (a word in several lists takes the first).
    private static let closedClassLists: [(words: Set<String>, wordClass: WordClass)] = [
        (L.determiners, .determiner), (L.possessivePronouns, .possessivePronoun), (L.pronouns, .pronoun),
        (L.beForms, .be), (L.haveForms, .have), (L.modalsAndDo, .modal), (L.negations, .negation),
        (L.coordinators, .coordinator), (L.subordinators, .subordinator), (L.relativePronouns, .relativePronoun),
        (L.prepositions, .preposition), (L.nonNouns, .adverb),
    ]

    /// The closed class of `token` regardless of context, or nil for open-class words.
    private func closedClass(_ token: String) -> WordClass? {
        if token.first?.isNumber == true || L.numberWords.contains(token) { return .number }
        return Self.closedClassLists.first { $0.words.contains(token) }?.wordClass
    }

    private func readings(_ token: String) -> Readings {
        let noun = lexicon.lemma(token, .noun)
        var verb = lexicon.lemma(token, .verb)
        let adjective = lexicon.lemma(token, .adjective) != nil ? token : nil
        let adverb = lexicon.lemma(token, .adverb)
        var verbForm = VerbForm.base
        if let v = verb {
            if v == token { verbForm = .base }
            else if token.hasSuffix("ing") { verbForm = .gerund }
            else if token.hasSuffix("s") && !token.hasSuffix("ss") { verbForm = .thirdPerson }
            else { verbForm = .pastOrParticiple }
        }
        var nounLemma = noun
        if noun == nil, verb == nil, adjective == nil, adverb == nil, token.count > 5, token.hasSuffix("ing") {
            // Unknown -ing words ("skateboarding") are gerunds of unknown verbs.
            verb = String(token.dropLast(3))
            verbForm = .gerund
            nounLemma = token
        }
        return Readings(
            noun: nounLemma, verb: verb, adjective: adjective, adverb: adverb, verbForm: verbForm,
            nounIsPlural: noun.map { ($0 != token && !token.hasSuffix("ss")) || L.invariantPlurals.contains(token) } ?? false,
            nounIsArtifact: noun == token && lexicon.firstSenseFile(token, .noun) == WordNetLexicon.artifactFile,
            nounCount: noun.map { lexicon.semcorCount($0, .noun) } ?? 0,
            verbCount: verb.map { lexicon.semcorCount($0, .verb) } ?? 0,
            adjectiveCount: adjective != nil ? lexicon.semcorCount(token, .adjective) : 0,
            adverbCount: adverb.map { lexicon.semcorCount($0, .adverb) } ?? 0)
    }

    /// Ordered context rules for an open-class word; the first rule that applies decides.
    ///  1. A word with a single WordNet class (or none: unknown words are nouns) takes it;
    ///     a possible adjective followed by "and"/"or" and another possible adjective is an adjective.
    ///  2. After "to" (infinitive), a modal, "do" or a negation: verb.
    ///  3. After a form of "be" or "have": an -ing or -ed form is a verb (progressive, passive,
    ///     perfect); otherwise an adjective if WordNet allows, else a noun.
    ///  4. After a pronoun subject: verb.
    ///  5. An -ing form followed by a determiner, possessive or number, and not itself after one,
    ///     is a verb taking an object ("standing up holding a suitcase"). Inside a noun phrase before any noun (after a determiner, possessive, number, adjective,
    ///     or at the start of the caption or a prepositional object): a word followed by a possible
    ///     noun, adjective or participle is a modifier (adjective if WordNet allows, else noun: "dining table", "stuffed animal");
    ///     a phrase-final word is a noun if it can be one.
    ///  6. After a noun: an -ing form is a verb unless its own noun reading is more frequent in
    ///     SemCor than its verb ("a wedding ceiling") or it heads a compound: its first sense is a
    ///     man-made object, it follows a singular noun opened by a determiner, number or adjective,
    ///     takes no object, and its noun count beats a quarter of its verb's ("a brick building"); an -ed form is a verb (participle);
    ///     a 3rd-person -s form is a verb after a singular noun when the phrase opens with a singular
    ///     determiner ("a street sign points") or, without a plural determiner or number ("three
    ///     teddy bears"), when the verb is more frequent than the noun in SemCor; a base form is a
    ///     verb on the same test after a plural noun, or before an object or preposition when the
    ///     caption already has a plural noun ("guys with long hair look at"); a participle followed
    ///     by a possible noun is a modifier ("a snow covered slope"); otherwise an adjective when
    ///     SemCor has it more often as one ("a shelf full of"), else a noun (compound).
    ///  7. After a verb: a noun if WordNet allows (bare object: "playing tennis"), else an adjective.
    ///  8. After a coordinator: a verb if it repeats the form (-s, -ing, -ed) of an earlier verb
    ///     ("reclines on a bed and works on"); else the class of the word before the coordinator, if allowed.
    ///  9. Otherwise the reading with the larger SemCor count (noun, then verb, adjective, adverb).
    private func resolve(_ r: Readings, text: String, words: [Word], previous: (wordClass: WordClass, isPlural: Bool)?,
                         beforePrevious: WordClass?,
                         nextIsPreposition: Bool, nextCanBeNoun: Bool, nextIsModifier: Bool, nextTakesObject: Bool, coordinatedWithAdjective: Bool) -> WordClass {
        if r.isUnknown { return .noun }
        switch (r.canBeNoun, r.verb != nil, r.adjective != nil, r.adverb != nil) {
        case (true, false, false, false): return .noun
        case (false, true, false, false): return .verb
        case (false, false, true, false): return .adjective
        case (false, false, false, true): return .adverb
        default: break
        }
        func allows(_ c: WordClass) -> Bool {
            switch c {
            case .noun: return r.canBeNoun
            case .verb: return r.verb != nil
            case .adjective: return r.adjective != nil
            case .adverb: return r.adverb != nil
            default: return false
            }
        }
        if coordinatedWithAdjective, r.adjective != nil { return .adjective }
        let canVerb = r.verb != nil
        let inflectedVerb = canVerb && (r.verbForm == .gerund || r.verbForm == .pastOrParticiple)
        let previousClass = previous?.wordClass
        switch previousClass {
        case .infinitiveTo?, .modal?, .negation?:
            if canVerb { return .verb }
        case .be?, .have?:
            if inflectedVerb { return .verb }
            if previousClass == .have, canVerb, !nextCanBeNoun { return .verb }
            if r.adjective != nil, !(nextCanBeNoun && r.canBeNoun && previousClass == .have) {
                return nextCanBeNoun ? .adjective : .adjective
            }
            if r.canBeNoun { return .noun }
        case .pronoun?:
            if canVerb { return .verb }
        case .noun?:
            if canVerb {
                switch r.verbForm {
                case .gerund:
                    let ownNoun = r.noun == text ? r.nounCount : 0
                    // "a brick building with a clock": after a singular noun that follows a determiner,
                    // number or adjective, with no object after it, an -ing word whose first sense is an
                    // object is a compound head when its noun count beats an even share of its verb's
                    // (SemCor counts a verb over its four forms: base, -s, -ed, -ing).
                    let compoundHead = r.nounIsArtifact && previous?.isPlural == false && !nextTakesObject
                        && [.determiner, .number, .adjective, .possessivePronoun].contains(beforePrevious)
                        && 4 * ownNoun > r.verbCount
                    return compoundHead || ownNoun > r.verbCount ? .noun : .verb
                case .pastOrParticiple:
                    // "a snow covered slope": a participle between two nouns is a modifier.
                    return nextCanBeNoun && r.adjective != nil ? .adjective : .verb
                case .thirdPerson:
                    let determiner = phraseDeterminer(words)
                    let phraseIsPlural = determiner.map { L.pluralDeterminers.contains($0) || (L.numberWords.contains($0) && $0 != "one") } ?? false
                    let phraseIsSingular = determiner.map { L.singularDeterminers.contains($0) } ?? false
                    if previous?.isPlural == false, !phraseIsPlural,
                       phraseIsSingular || r.verbCount > r.nounCount { return .verb }
                case .base:
                    // Agreement: a base form follows a plural subject ("people walk", "guys with hair look at").
                    let pluralSubject = previous?.isPlural == true
                        || (nextTakesObject || nextIsPreposition) && words.contains { $0.wordClass == .noun && $0.isPlural }
                    if pluralSubject, r.verbCount > r.nounCount { return .verb }
                }
            }
            if r.adjective != nil, r.adjectiveCount > r.nounCount { return .adjective }
            if r.canBeNoun { return .noun }
        case .verb?:
            if r.canBeNoun, !(r.adjective != nil && !nextCanBeNoun && r.nounCount < r.adjectiveCount) {
                return .noun
            }
            if r.adjective != nil { return .adjective }
        case .coordinator?:
            if let before = beforePrevious, allows(before) {
                if before == .verb || before == .adjective { return before }
                // "reclines on a bed and works on": a verb form repeating an earlier verb's form is a verb.
                let repeatsVerbForm = canVerb && r.verbForm != .base
                    && words.contains { $0.wordClass == .verb && $0.verbForm == r.verbForm }
                if before == .noun, !(canVerb && r.verbForm == .gerund), !repeatsVerbForm { return .noun }
                if repeatsVerbForm { return .verb }
            }
        default:
            break
        }
        // Rule 5: noun-phrase positions.
        let startsPhrase = previousClass == nil || [.determiner, .possessivePronoun, .number, .adjective,
                                                    .preposition, .possessiveMarker, .adverb, .coordinator]
            .contains(previousClass!)
        if startsPhrase {
            if previousClass == nil, canVerb, r.verbForm == .gerund, !nextCanBeNoun { return .verb }
            if canVerb, r.verbForm == .gerund, nextTakesObject, previousClass != .determiner,
               previousClass != .possessivePronoun, previousClass != .number, previousClass != .adjective { return .verb }
            if nextCanBeNoun || nextIsModifier {
                if r.adjective != nil, (r.nounCount <= r.adjectiveCount || !r.canBeNoun) { return .adjective }
                if r.canBeNoun { return .noun }
                return .adjective
            }
            if r.canBeNoun { return .noun }
            if r.adjective != nil { return .adjective }
        }
        // Rule 9.
        var best = (WordClass.noun, r.canBeNoun ? r.nounCount : -1)
        if canVerb, r.verbCount > best.1 { best = (.verb, r.verbCount) }
        if r.adjective != nil, r.adjectiveCount > best.1 { best = (.adjective, r.adjectiveCount) }
        if r.adverb != nil, r.adverbCount > best.1 { best = (.adverb, r.adverbCount) }
        return best.0
    }
}
