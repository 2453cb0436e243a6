/// A semantic tuple as SPICE extracts it from one caption (lemmas, lower case).
public enum SpiceLiteTuple: Hashable, Sendable, CustomStringConvertible {
    case object(String)
    case attribute(String, String)
    /// (subject, relation, object), e.g. ("man", "ride", "horse") or ("cat", "sit in", "chair").
    case relation(String, String, String)

    public var description: String {
        switch self {
        case let .object(o): return "(\(o))"
        case let .attribute(o, a): return "(\(o), \(a))"
        case let .relation(s, r, o): return "(\(s), \(r), \(o))"
        }
    }
}

/// Turns a tagged caption into SPICE tuples with a shallow parse: noun-phrase chunks, verb groups,
/// prepositions, and the attachment rules below, which stand in for the dependency patterns of
/// SPICE's `SpiceParser` (peteanderson80/SPICE):
/// - every noun head is an object; adjectives and compound nouns before it are attributes;
///   a number before a plural noun is an attribute ("two dogs" → (dog, two));
/// - a verb with a subject yields (subject, verb[ particle][ preposition], object) for its direct
///   object and for each prepositional object; a finite verb without a noun object yields the
///   attribute (subject, verb) ("a woman is smiling"); participles modifying a noun
///   ("a man riding a horse") take the clause subject, or the object of a preceding "of"
///   ("a group of people standing ...");
/// - a finite passive yields only (agent, verb, subject) from its "by" phrase; a passive participle
///   ("a man being pulled by a horse") yields (noun, verb, agent), as SPICE's patterns do;
/// - "be" + adjective gives attributes ("the man is tall" → (man, tall)); "be" + preposition gives
///   (subject, preposition, object); "be" + noun gives (subject, noun);
/// - a prepositional phrase after a noun gives (noun, preposition, object); after a verb's direct
///   object it attaches to the verb, except "of" and "with", which attach to the object; "with" after
///   any object of the verb attaches to the verb when a possessive pronoun opens its object
///   ("throwing a frisbee with his friend": the pronoun points back to the subject's company);
/// - possessives give (owner, have, owned); pronouns resolve to the first earlier noun of matching
///   number (SPICE's SimplePronounResolution); coordinated noun phrases share relations.
struct SpiceLiteTupleExtractor {
    typealias Word = SpiceLiteTagger.Word

    struct NounPhrase {
        var head: String
        var isPlural = false
        var isPronoun = false
        var modifiers: [String] = []
        var number: String?
        /// Owner from a possessive pronoun ("his watch"), resolved to a noun lemma.
        var owner: String?
        /// Whether a possessive pronoun opens the phrase (even one that resolves to no noun).
        var hasPossessivePronoun = false
        /// Owner from a possessive noun ("the man 's hat"); an array only to allow the recursion.
        var ownerPhrases: [NounPhrase] = []
        /// Quantity nouns that gave up the head ("a couple of dogs"): still objects.
        var extraObjects: [String] = []
        var quantityModifier: String?
    }

    struct VerbGroup {
        var predicate: String
        var lemma: String
        var isPassive = false
        var isFinite = false
        var isInfinitive = false
        var hasAuxiliary = false
    }

    enum Phrase {
        case nouns([NounPhrase])
        case preposition(String)
        case verb(VerbGroup)
        case copula(existential: Bool)
        case adjectives([String])
        /// A noun that is only an object, outside the phrase structure ("front" in "in front of").
        case bareObject(String)
        case coordinator, subordinator, relative, other

        /// The phrase without its noun and adjective lists: all that the tuple builder remembers of
        /// earlier phrases (copying the lists would cost more than the lookups they serve).
        var shape: Phrase {
            switch self {
            case .nouns: return .nouns([])
            case .adjectives: return .adjectives([])
            default: return self
            }
        }
    }

    /// Quantity nouns that become multiword determiners before "of" (SemanticGraphEnhancer's
    /// QUANT_MOD_PATTERN after "a"/"an", QUANT_MOD_PATTERN2 without article).
    static let quantityNounsAfterArticle: Set<String> = [
        "lot", "assortment", "number", "couple", "bunch", "handful", "litany", "sheaf", "slew", "dozen",
        "series", "variety", "multitude", "wad", "clutch", "wave", "mountain", "array", "spate", "string",
        "ton", "range", "plethora", "heap", "sort", "form", "kind", "type", "version", "bit", "pair",
        "triple", "total",
    ]
    static let quantityWordsBare: Set<String> = [
        "lots", "many", "several", "plenty", "tons", "dozens", "multitudes", "mountains", "loads",
        "pairs", "tens", "hundreds", "thousands", "millions",
    ]

    // MARK: - Chunking

    /// Groups tagged words into phrases.
    static func phrases(_ words: [Word]) -> [Phrase] {
        var result: [Phrase] = []
        result.reserveCapacity(words.count)
        var nounHeads: [(index: Int, lemma: String, plural: Bool)] = []
        var i = 0
        func resolvePronoun(_ text: String, at index: Int) -> String? {
            guard index > 0 else { return nil }
            let singular = SpiceLiteWordLists.singularPronouns.contains(text)
            return nounHeads.first(where: { $0.index < index && (!singular || !$0.plural) })?.lemma
        }
        while i < words.count {
            let w = words[i]
            switch w.wordClass {
            case .determiner, .possessivePronoun, .number, .adjective, .noun, .pronoun:
                var group: [NounPhrase] = []
                var adjectivesOnly: [String] = []
                while true {
                    let start = i
                    guard var np = nounPhrase(words, &i, resolve: resolvePronoun, adjectivesOnly: &adjectivesOnly) else {
                        if i == start { i += 1 }
                        break
                    }
                    if !np.isPronoun { nounHeads.append((i - 1, np.head, np.isPlural)) }
                    // "a couple of dogs", "lots of people": the quantity noun hands its role to the object of "of".
                    if i + 1 < words.count, words[i].text == "of", np.owner == nil, np.modifiers.isEmpty,
                       (quantityNounsAfterArticle.contains(np.head) && !np.isPlural) || quantityWordsBare.contains(words[i - 1].text) {
                        var j = i + 1
                        var ignored: [String] = []
                        if var inner = nounPhrase(words, &j, resolve: resolvePronoun, adjectivesOnly: &ignored), !inner.isPronoun {
                            inner.extraObjects.append(np.head)
                            inner.quantityModifier = quantityWordsBare.contains(words[i - 1].text) ? np.head : "a"
                            np = inner
                            i = j
                            nounHeads.append((i - 1, np.head, np.isPlural))
                        }
                    }
                    group.append(np)
                    // Coordination: "a dog and a cat".
                    if i + 1 < words.count, words[i].wordClass == .coordinator,
                       [.determiner, .possessivePronoun, .number, .adjective, .noun].contains(words[i + 1].wordClass) {
                        i += 1
                        continue
                    }
                    break
                }
                if !group.isEmpty { result.append(.nouns(group)) }
                else if !adjectivesOnly.isEmpty { result.append(.adjectives(adjectivesOnly)) }
            case .preposition:
                // A preposition with no noun phrase after it is a particle of the preceding verb.
                let nextClass = i + 1 < words.count ? words[i + 1].wordClass : nil
                let startsNounPhrase = nextClass.map { [.determiner, .possessivePronoun, .number, .adjective, .noun, .pronoun].contains($0) } ?? false
                if case .verb(var v)? = result.last, !startsNounPhrase || nextClass == .preposition,
                   SpiceLiteWordLists.particles.contains(w.text) {
                    v.predicate += " " + w.text
                    result[result.count - 1] = .verb(v)
                } else if startsNounPhrase {
                    if let noun = w.embeddedNoun { result.append(.bareObject(noun)) }
                    result.append(.preposition(w.text))
                } else {
                    result.append(.other)
                }
                i += 1
            case .be, .have, .modal, .negation, .infinitiveTo, .verb, .adverb:
                i = verbGroup(words, i, into: &result)
            case .existentialThere:
                result.append(.other)
                i += 1
                if i < words.count, words[i].wordClass == .be {
                    result.append(.copula(existential: true))
                    i += 1
                }
            case .coordinator: result.append(.coordinator); i += 1
            case .subordinator: result.append(.subordinator); i += 1
            case .relativePronoun: result.append(.relative); i += 1
            case .possessiveMarker: result.append(.other); i += 1
            }
        }
        return result
    }

    /// Parses one noun phrase starting at `i`; nil (with `adjectivesOnly` filled) when it has no noun head.
    private static func nounPhrase(_ words: [Word], _ i: inout Int, resolve: (String, Int) -> String?,
                                   adjectivesOnly: inout [String]) -> NounPhrase? {
        var modifiers: [String] = []
        var number: String?
        var owner: String?
        var hasPossessivePronoun = false
        var firstNumber = true
        while i < words.count {
            let w = words[i]
            switch w.wordClass {
            case .determiner:
                i += 1
            case .possessivePronoun:
                owner = resolve(w.text, i)
                hasPossessivePronoun = true
                i += 1
            case .number:
                if firstNumber { number = w.text; firstNumber = false }
                i += 1
            case .adverb where i + 1 < words.count && words[i + 1].wordClass == .adjective:
                i += 1
            case .adjective:
                modifiers.append(w.text)
                i += 1
                // "black and white dog"
                if i + 1 < words.count, words[i].wordClass == .coordinator, words[i + 1].wordClass == .adjective {
                    i += 1
                }
            case .pronoun:
                i += 1
                guard modifiers.isEmpty, number == nil, let antecedent = resolve(w.text, i - 1) else {
                    if modifiers.isEmpty && number == nil { return nil }
                    continue
                }
                return NounPhrase(head: antecedent, isPronoun: true)
            case .noun:
                i += 1
                // A noun before another noun, or before adjectives that lead to a noun ("a snow covered
                // slope"), is a compound modifier.
                if let next = words[i...].first(where: { $0.wordClass != .adjective }), next.wordClass == .noun {
                    modifiers.append(w.lemma)
                    continue
                }
                var np = NounPhrase(head: w.lemma, isPlural: w.isPlural || (number != nil && number != "one"),
                                    modifiers: modifiers, number: number, owner: owner)
                np.hasPossessivePronoun = hasPossessivePronoun
                // "the man 's hat": this phrase owns the next one.
                if i + 1 < words.count, words[i].wordClass == .possessiveMarker {
                    i += 1
                    var ignored: [String] = []
                    let start = i
                    if var owned = nounPhrase(words, &i, resolve: resolve, adjectivesOnly: &ignored) {
                        owned.ownerPhrases.append(np)
                        return owned
                    }
                    i = start
                }
                return np
            default:
                adjectivesOnly = modifiers
                return nil
            }
        }
        adjectivesOnly = modifiers
        return nil
    }

    /// Parses a verb group (auxiliaries, negation, adverbs, the verb) or a copula starting at `i`.
    private static func verbGroup(_ words: [Word], _ start: Int, into result: inout [Phrase]) -> Int {
        var i = start
        var sawBe = false, sawAuxiliary = false, infinitive = false
        while i < words.count {
            let w = words[i]
            switch w.wordClass {
            case .be:
                sawBe = true; sawAuxiliary = true; i += 1
            case .have, .modal:
                // "has" followed by no verb is the main verb "have".
                let nextIsVerb = words[(i + 1)...].first(where: { $0.wordClass != .adverb && $0.wordClass != .negation && $0.wordClass != .be })?.wordClass == .verb
                if w.wordClass == .have && !nextIsVerb && !words[(i + 1)...].prefix(2).contains(where: { $0.wordClass == .be }) {
                    let form: SpiceLiteTagger.VerbForm = w.text == "having" ? .gerund : (w.text == "had" ? .pastOrParticiple : .thirdPerson)
                    result.append(.verb(VerbGroup(predicate: "have", lemma: "have", isFinite: form != .gerund || sawAuxiliary,
                                                  hasAuxiliary: sawAuxiliary)))
                    return i + 1
                }
                sawAuxiliary = true; i += 1
            case .negation, .adverb:
                i += 1
            case .infinitiveTo:
                infinitive = true; i += 1
            case .verb:
                let passive = sawBe && w.verbForm == .pastOrParticiple
                    || (!sawAuxiliary && i > 0 && words[i - 1].text == "being" && w.verbForm == .pastOrParticiple)
                let finite = !infinitive && (sawAuxiliary && !(i > start && words[start].text == "being")
                    || w.verbForm == .thirdPerson || w.verbForm == .base)
                result.append(.verb(VerbGroup(predicate: w.lemma, lemma: w.lemma, isPassive: passive,
                                              isFinite: finite, isInfinitive: infinitive, hasAuxiliary: sawAuxiliary)))
                return i + 1
            default:
                if sawBe { result.append(.copula(existential: false)) }
                else if i == start { result.append(.other); return i + 1 }
                return i
            }
        }
        if sawBe { result.append(.copula(existential: false)) }
        return i
    }

    // MARK: - Tuples

    /// The tuples of one tagged caption.
    static func tuples(_ words: [Word]) -> [SpiceLiteTuple] {
        var builder = TupleBuilder()
        for phrase in phrases(words) { builder.add(phrase) }
        builder.finish()
        return builder.tuples
    }

    /// Walks the phrases left to right, keeping the clause subject, the active verb and the
    /// pending preposition, and emits tuples by the attachment rules in the type's documentation.
    private struct TupleBuilder {
        enum Role { case subject, verbObject, prepositionObject, complement }
        enum Site {
            case verb, copula, nouns([String]), none
            /// "with" after an object of the active verb: the verb's when a possessive pronoun opens its
            /// object ("throwing a frisbee with his friend"), else these nouns' ("a hat with a feather").
            case verbIfPossessive(nouns: [String])
        }

        var tuples: [SpiceLiteTuple] = []
        var clauseSubject: [String]?
        var lastNouns: [String]?
        var lastRole: Role = .subject
        var lastPreposition: String?
        /// Whether `lastNouns` are an object of the active verb (direct or through a preposition).
        var lastNounsAreVerbObjects = false
        var verb: VerbGroup?
        var verbSubjects: [String] = []
        var verbHasNounObject = false
        var copulaSubjects: [String]?
        var existential = false
        var pending: (preposition: String, site: Site)?
        var previous: Phrase?
        var beforePrevious: Phrase?
        /// The verb before a coordinator: a verb after "and" shares its subjects ("riding ... and holding").
        var lastVerbBeforeCoordinator: (subjects: [String], finite: Bool)?

        init() { tuples.reserveCapacity(16) }

        mutating func add(_ phrase: Phrase) {
            switch phrase {
            case let .nouns(group):
                let heads = group.map(\.head)
                for np in group { emitNounTuples(np) }
                if let (preposition, site) = pending {
                    pending = nil
                    switch site {
                    case .verb:
                        if let v = verb { verbRelations(v, preposition: preposition, objects: heads) }
                    case .copula:
                        for s in copulaSubjects ?? [] { for o in heads { tuples.append(.relation(s, preposition, o)) } }
                    case let .nouns(governors):
                        for g in governors { for o in heads { tuples.append(.relation(g, preposition, o)) } }
                    case let .verbIfPossessive(governors):
                        if group.contains(where: \.hasPossessivePronoun), let v = verb {
                            verbRelations(v, preposition: preposition, objects: heads)
                        } else {
                            for g in governors { for o in heads { tuples.append(.relation(g, preposition, o)) } }
                        }
                    case .none:
                        break
                    }
                    if case .verb = site { lastNounsAreVerbObjects = true } else { lastNounsAreVerbObjects = false }
                    lastNouns = heads; lastRole = .prepositionObject; lastPreposition = preposition
                } else if case .verb? = previous, let v = verb {
                    verbRelations(v, preposition: nil, objects: heads)
                    lastNouns = heads; lastRole = .verbObject; lastNounsAreVerbObjects = true
                } else if case let .copula(isExistential)? = previous {
                    lastNounsAreVerbObjects = false
                    if isExistential || existential {
                        clauseSubject = heads; lastRole = .subject; copulaSubjects = nil; existential = false
                    } else {
                        for s in copulaSubjects ?? [] { for o in heads { tuples.append(.attribute(s, o)) } }
                        lastRole = .complement
                    }
                    lastNouns = heads
                } else {
                    closeVerb()
                    clauseSubject = heads; lastNouns = heads; lastRole = .subject; copulaSubjects = nil
                    lastNounsAreVerbObjects = false
                }
            case let .preposition(p):
                let site: Site
                switch previous {
                case .preposition?:
                    // The previous preposition found no noun ("next to each other in a field"): inherit its site.
                    site = pending?.site ?? .none
                case .verb?: site = verb == nil ? .none : .verb
                case .copula?: site = .copula
                case .nouns?:
                    if lastNounsAreVerbObjects, verb != nil, p == "with" { site = .verbIfPossessive(nouns: lastNouns ?? []) }
                    else if lastRole == .verbObject, verb != nil, p != "of", p != "with" { site = .verb }
                    else if lastRole == .complement, copulaSubjects != nil, p != "of", p != "with" { site = .copula }
                    else { site = .nouns(lastNouns ?? []) }
                default: site = .none
                }
                pending = (p, site)
            case var .verb(v):
                closeVerb()
                pending = nil
                var subjects: [String]?
                if v.isInfinitive {
                    subjects = nil
                } else if case .relative? = previous {
                    subjects = lastNouns; v.isFinite = true
                } else if case .coordinator? = previous, let last = lastVerbBeforeCoordinator {
                    subjects = last.subjects; v.isFinite = v.isFinite && last.finite || v.hasAuxiliary
                } else if case .subordinator? = previous {
                    subjects = nil
                } else if !v.isFinite, lastRole == .prepositionObject, lastPreposition == "of" {
                    subjects = lastNouns   // "a group of people standing ...": the participle modifies the nearest noun
                } else {
                    subjects = clauseSubject ?? lastNouns
                }
                verb = v
                verbSubjects = subjects ?? []
                verbHasNounObject = false
                copulaSubjects = nil
                lastVerbBeforeCoordinator = nil
            case let .copula(isExistential):
                closeVerb()
                pending = nil
                existential = isExistential
                if case .relative? = previous { copulaSubjects = lastNouns } else { copulaSubjects = clauseSubject ?? lastNouns }
            case let .adjectives(adjectives):
                var isPredicate = false
                if case .copula? = previous { isPredicate = true }
                if case .coordinator? = previous, case .adjectives? = beforePrevious { isPredicate = true }
                if isPredicate {
                    for s in copulaSubjects ?? [] { for a in adjectives { tuples.append(.attribute(s, a)) } }
                }
            case .coordinator:
                if verb != nil { lastVerbBeforeCoordinator = (verbSubjects, verb?.isFinite ?? false) }
            case .subordinator:
                closeVerb()
            case let .bareObject(noun):
                tuples.append(.object(noun))
                return
            case .relative, .other:
                break
            }
            if case .other = phrase { return }
            beforePrevious = previous
            previous = phrase.shape
        }

        mutating func finish() { closeVerb() }

        /// A finite active verb that got no noun object gives (subject, verb) ("a woman is smiling").
        private mutating func closeVerb() {
            if let v = verb, v.isFinite, !v.isPassive, !verbHasNounObject, v.lemma != "be" {
                for s in verbSubjects { tuples.append(.attribute(s, v.lemma)) }
            }
            if let v = verb { lastVerbBeforeCoordinator = (verbSubjects, v.isFinite) }
            verb = nil
            verbSubjects = []
        }

        private mutating func verbRelations(_ v: VerbGroup, preposition: String?, objects: [String]) {
            verbHasNounObject = true
            if v.isPassive && v.isFinite {
                // nsubjpass + nmod:agent: (agent, verb, subject); other objects give nothing.
                guard preposition == "by" else { return }
                for agent in objects { for s in verbSubjects { tuples.append(.relation(agent, v.predicate, s)) } }
                return
            }
            var predicate = v.predicate
            if let p = preposition, !(p == "by" && v.isPassive) { predicate += " " + p }
            if predicate.hasPrefix("be ") { predicate.removeFirst(3) }
            for s in verbSubjects { for o in objects { tuples.append(.relation(s, predicate, o)) } }
        }

        private mutating func emitNounTuples(_ np: NounPhrase) {
            for owner in np.ownerPhrases {
                emitNounTuples(owner)
                tuples.append(.relation(owner.head, "have", np.head))
            }
            for extra in np.extraObjects { tuples.append(.object(extra)) }
            if !np.isPronoun { tuples.append(.object(np.head)) }
            for m in np.modifiers { tuples.append(.attribute(np.head, m)) }
            if np.isPlural {
                if let n = np.number { tuples.append(.attribute(np.head, n)) }
                else if let q = np.quantityModifier { tuples.append(.attribute(np.head, q)) }
            }
            if let owner = np.owner { tuples.append(.relation(owner, "have", np.head)) }
        }
    }
}
