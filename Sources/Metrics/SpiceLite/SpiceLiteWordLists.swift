/// Closed-class word lists for the SPICE-lite tagger, and SPICE's category word lists.
enum SpiceLiteWordLists {
    static let bracketTokens: Set<String> = ["-lrb-", "-rrb-", "-lsb-", "-rsb-", "-lcb-", "-rcb-"]
    static let determiners: Set<String> = [
        "a", "an", "the", "this", "that", "these", "those", "some", "any", "each", "every", "no",
        "another", "both", "all", "either", "neither", "such", "what", "which", "whose",
    ]
    static let pluralDeterminers: Set<String> = ["these", "those", "some", "both", "all", "many", "several", "few"]
    static let singularDeterminers: Set<String> = ["a", "an", "this", "that", "each", "every", "another"]
    static let possessivePronouns: Set<String> = [
        "his", "her", "its", "their", "my", "your", "our",
    ]
    /// Personal pronouns that SPICE's pronoun resolution considers singular
    /// (CoreNLP dcoref `Dictionaries.singularPronouns`).
    static let singularPronouns: Set<String> = [
        "i", "me", "myself", "mine", "my", "yourself", "he", "him", "himself", "his", "she", "her",
        "herself", "hers", "it", "itself", "its", "one", "oneself", "one's",
    ]
    static let pronouns: Set<String> = [
        "i", "me", "you", "he", "him", "she", "it", "we", "us", "they", "them", "himself", "herself",
        "itself", "themselves", "myself", "yourself", "ourselves", "one",
        "mine", "yours", "hers", "ours", "theirs",
    ]
    static let numberWords: Set<String> = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
        "nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
        "hundred", "thousand", "million", "dozen",
    ]
    /// Quantity words that CoreNLP tags as adjectives (amod), so SPICE keeps them as attributes.
    static let adjectivalQuantifiers: Set<String> = [
        "several", "many", "few", "numerous", "multiple", "various", "much", "more", "most", "other",
        "little", "lots",
    ]
    /// Plural nouns that are their own WordNet lemma (the PTB tags them NNS).
    static let invariantPlurals: Set<String> = [
        "people", "police", "cattle", "clothes", "folks", "livestock", "poultry", "pants", "jeans",
        "shorts", "scissors", "glasses", "sunglasses", "goggles", "trousers", "pajamas", "binoculars",
    ]
    /// Forms of "be" (auxiliary or copula).
    static let beForms: Set<String> = ["is", "are", "was", "were", "be", "been", "being", "am", "'s", "'re", "'m"]
    static let haveForms: Set<String> = ["has", "have", "had", "having", "'ve"]
    static let modalsAndDo: Set<String> = [
        "do", "does", "did", "could", "will", "would", "may", "might", "shall", "should",
        "must", "'ll", "'d", "ca", "wo",
    ]
    static let negations: Set<String> = ["not", "n't", "never"]
    static let coordinators: Set<String> = ["and", "or", "&", "but", "plus"]
    /// Words that start a clause without a subject of their own (adverbial clauses).
    static let subordinators: Set<String> = [
        "while", "when", "because", "since", "if", "although", "though", "whilst", "after",
        "before", "until", "so", "then", "where",
    ]
    /// Relative pronouns: the clause they open takes the preceding noun as its subject.
    static let relativePronouns: Set<String> = ["that", "which", "who", "whom"]

    static let prepositions: Set<String> = [
        "in", "on", "at", "with", "of", "by", "near", "under", "over", "above", "below", "behind",
        "beside", "besides", "between", "through", "across", "along", "around", "into", "onto",
        "inside", "outside", "atop", "against", "toward", "towards", "from", "for", "about",
        "during", "past", "up", "down", "beneath", "underneath", "among", "amongst", "amid",
        "alongside", "within", "without", "upon", "off", "out", "throughout", "like", "beyond",
        "via", "except", "despite", "unlike", "aboard", "to", "after", "before", "than",
        "round", "opposite", "per",
    ]
    /// Multiword prepositions that CoreNLP's collapsed dependencies join into one `nmod:` relation
    /// (UniversalEnglishGrammaticalStructure's two- and three-word preposition lists, the part
    /// that occurs in captions), longest first.
    static let multiwordPrepositions: [[String]] = [
        ["in", "front", "of"], ["on", "top", "of"], ["in", "addition", "to"], ["on", "behalf", "of"],
        ["in", "spite", "of"], ["in", "place", "of"], ["in", "case", "of"], ["by", "means", "of"],
        ["on", "account", "of"], ["with", "respect", "to"], ["as", "well", "as"],
        ["next", "to"], ["close", "to"], ["near", "to"], ["out", "of"], ["inside", "of"],
        ["outside", "of"], ["ahead", "of"], ["because", "of"], ["instead", "of"], ["away", "from"],
        ["along", "with"], ["together", "with"], ["apart", "from"], ["aside", "from"], ["far", "from"],
        ["across", "from"], ["due", "to"], ["according", "to"], ["prior", "to"], ["off", "of"],
        ["such", "as"], ["thanks", "to"], ["alongside", "of"], ["compared", "to"], ["compared", "with"],
    ]
    /// Particles that CoreNLP attaches to verbs (compound:prt) when they are not followed by a noun phrase.
    static let particles: Set<String> = [
        "up", "down", "out", "off", "away", "back", "over", "around", "on", "in", "together",
        "apart", "along", "through", "about", "by", "forward", "aside", "outside", "inside",
    ]
    /// Words that are never nouns even when WordNet lists a noun sense (function words, frequent adverbs).
    static let nonNouns: Set<String> = [
        "very", "there", "here", "also", "just", "too", "only", "really", "well", "together", "while",
        "then", "now", "still", "almost", "nearly", "not", "so", "yet", "even", "ready", "away",
        "how", "why", "when", "where", "who", "whom", "what", "which", "that", "if", "than", "else",
        "each", "other", "others", "do", "does", "did", "is", "are", "be",
        "been", "being", "was", "were", "has", "have", "had", "having", "ago", "again", "already",
        "about", "upon", "out", "off", "up", "down", "over", "under", "in", "on", "at",
        "to", "with", "of", "by", "from", "into", "for", "as", "a", "an", "the", "and", "or",
    ]

    // MARK: SPICE 1.0 category lists
    // Copied (as data) from peteanderson80/SPICE, src/main/java/edu/anu/spice/TupleFilter.java.

    /// SPICE `TupleFilter.smallNumbers`: attribute words counted as Cardinality.
    static let smallNumbers: Set<String> = [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    ]
    /// SPICE `TupleFilter.commonColors`: attribute words counted as Color.
    static let colors: Set<String> = [
        "black", "brown", "blue", "red", "yellow", "pink", "gray", "grey", "green", "dark", "light",
        "white", "cream", "orange", "purple", "maroon", "beige", "violet",
    ]
    /// SPICE `TupleFilter.sizeAdjectives`: attribute words counted as Size.
    static let sizes: Set<String> = [
        "baby", "illimitable", "scrawny", "beefy", "immeasurable", "short", "big", "immense",
        "sizable", "bony", "infinitesimal", "skeletal", "boundless", "lanky", "skimpy", "brawny",
        "large", "skinny", "broad", "lean", "slender", "bulky", "life-size", "slim", "chunky",
        "limitless", "small", "colossal", "little", "squat", "compact", "mammoth", "stocky",
        "corpulent", "massive", "stout", "cosmic", "meager", "strapping", "cubby", "measly", "sturdy",
        "curvy", "microscopic", "tall", "elfin", "mini", "teensy", "emaciated", "miniature", "teeny",
        "endless", "minuscule", "teeny-tiny", "enormous", "minute", "teeny-weeny", "epic", "narrow",
        "thick", "expansive", "obese", "thickset", "extensive", "outsized", "thin", "fat", "oversize",
        "tiny", "fleshy", "overweight", "titanic", "full-size", "paltry", "towering", "gargantuan",
        "petite", "trifling", "gaunt", "pint-size", "trim", "giant", "plump", "tubby", "gigantic",
        "pocket-size", "undersized", "grand", "portly", "underweight", "great", "pudgy", "unlimited",
        "heavy", "puny", "vast", "hefty", "rotund", "wee", "huge", "scanty", "whopping", "hulking",
        "scraggy", "wide",
    ]
}
