import Metrics
import XCTest

/// One clear sentence per extraction rule; expectations follow SPICE's dependency patterns.
final class SpiceLiteTupleExtractorTests: XCTestCase {
    private func tuples(_ caption: String) throws -> [SpiceLiteTuple] {
        try SpiceLiteTestLexicon.spice().tuples(caption)
    }

    private func assertContains(_ caption: String, _ expected: [SpiceLiteTuple], file: StaticString = #filePath, line: UInt = #line) throws {
        let found = try tuples(caption)
        for tuple in expected {
            XCTAssertTrue(found.contains(tuple), "\(caption): missing \(tuple) in \(found)", file: file, line: line)
        }
    }

    private func assertLacks(_ caption: String, _ unexpected: [SpiceLiteTuple], file: StaticString = #filePath, line: UInt = #line) throws {
        let found = try tuples(caption)
        for tuple in unexpected {
            XCTAssertFalse(found.contains(tuple), "\(caption): unexpected \(tuple) in \(found)", file: file, line: line)
        }
    }

    func testVerbWithDirectObject() throws {
        XCTAssertEqual(Set(try tuples("a man riding a horse")),
                       [.object("man"), .object("horse"), .relation("man", "ride", "horse")])
    }

    func testVerbWithPrepositionJoinsThePreposition() throws {
        try assertContains("a cat sitting in a chair", [.object("cat"), .object("chair"), .relation("cat", "sit in", "chair")])
        try assertContains("a man is riding a horse on a beach",
                           [.relation("man", "ride", "horse"), .relation("man", "ride on", "beach")])
    }

    func testParticleJoinsTheVerb() throws {
        try assertContains("a man picking up a ball", [.relation("man", "pick up", "ball")])
    }

    func testNumberBeforePluralNounIsCardinality() throws {
        XCTAssertEqual(Set(try tuples("two dogs")), [.object("dog"), .attribute("dog", "two")])
        try assertContains("two people are walking down the street",
                           [.attribute("people", "two"), .relation("people", "walk down", "street")])
        // SPICE only reads numbers on plural nouns.
        try assertLacks("one dog", [.attribute("dog", "one")])
    }

    func testPredicateAdjectiveIsAttribute() throws {
        XCTAssertEqual(Set(try tuples("the man is tall")), [.object("man"), .attribute("man", "tall")])
        try assertContains("the dog is brown and white", [.attribute("dog", "brown"), .attribute("dog", "white")])
    }

    func testAdjectivesAndCompoundsAreAttributes() throws {
        try assertContains("a black and white photo of a red car",
                           [.attribute("photo", "black"), .attribute("photo", "white"), .attribute("car", "red"),
                            .relation("photo", "of", "car")])
        let hydrant = try tuples("a fire hydrant")
        XCTAssertTrue(hydrant.contains(.attribute("hydrant", "fire")))
        XCTAssertFalse(hydrant.contains(.object("fire")), "compound modifiers are not objects")
    }

    func testPossessives() throws {
        try assertContains("a man checking his watch", [.relation("man", "have", "watch"), .relation("man", "check", "watch")])
        try assertContains("the man 's hat is red", [.relation("man", "have", "hat"), .attribute("hat", "red")])
        // A pronoun that opens the caption has no antecedent (SPICE resolves only later pronouns).
        XCTAssertEqual(try tuples("his watch"), [.object("watch")])
    }

    func testMultiwordPreposition() throws {
        try assertContains("a red car next to a building",
                           [.object("car"), .attribute("car", "red"), .object("building"), .relation("car", "next to", "building")])
        try assertContains("a man standing in front of a bus", [.relation("man", "stand in front of", "bus")])
    }

    func testPassives() throws {
        try assertContains("a pizza topped with cheese", [.relation("pizza", "top with", "cheese")])
        // A passive participle keeps the noun as subject; "by" is not joined (SPICE's ACL pattern, nmod:agent).
        try assertContains("a man being pulled by a horse", [.relation("man", "pull", "horse")])
        // A finite passive gives (agent, verb, subject) (SPICE's AGENT pattern).
        try assertContains("a man is being pulled by a horse", [.relation("horse", "pull", "man")])
    }

    func testCoordinatedNounPhrasesShareRelations() throws {
        try assertContains("a dog and a cat on a couch",
                           [.object("dog"), .object("cat"), .relation("dog", "on", "couch"), .relation("cat", "on", "couch")])
        try assertContains("a kitchen with a stove and a refrigerator",
                           [.relation("kitchen", "with", "stove"), .relation("kitchen", "with", "refrigerator")])
        try assertContains("a man holding a bat and a ball", [.relation("man", "hold", "bat"), .relation("man", "hold", "ball")])
    }

    func testFiniteIntransitiveVerbIsAttributeButParticipleIsNot() throws {
        try assertContains("a woman is smiling", [.attribute("woman", "smile")])
        try assertLacks("a woman smiling", [.attribute("woman", "smile")])
    }

    func testCopulaWithPrepositionAndExistential() throws {
        try assertContains("the dog is on the bed", [.relation("dog", "on", "bed")])
        try assertContains("there is a dog on the bed", [.relation("dog", "on", "bed")])
    }

    func testRelativeClauseTakesTheAntecedentAsSubject() throws {
        try assertContains("a dog that is sitting on a couch", [.relation("dog", "sit on", "couch")])
    }

    func testQuantityNounHandsOverTheHead() throws {
        // SemanticGraphEnhancer turns "a couple of" into a quantifier of "dogs" (with "a" as its head word).
        try assertContains("a couple of dogs playing in the grass",
                           [.object("couple"), .object("dog"), .attribute("dog", "a"), .relation("dog", "play in", "grass")])
    }

    func testParticipleAfterOfModifiesTheNearestNoun() throws {
        try assertContains("a group of people standing around a table",
                           [.relation("group", "of", "people"), .relation("people", "stand around", "table")])
    }

    func testTaggingRulesResolveNounVerbAmbiguity() throws {
        // "can" is a modal only before a bare verb; "sits" after a singular noun phrase is a verb.
        try assertContains("a trash can sits next to a bench", [.object("can"), .relation("can", "sit next to", "bench")])
        // A singular determiner makes the -s word a verb; a number makes it the plural head.
        try assertContains("a street sign points to a pole", [.relation("sign", "point to", "pole")])
        try assertContains("three teddy bears", [.attribute("bear", "teddy"), .attribute("bear", "three")])
        // A plural subject licenses a base-form verb; a verb after "and" repeating an earlier form is a verb.
        try assertContains("people walk down the street", [.relation("people", "walk down", "street")])
        try assertContains("a man reclines on a bed and works on a laptop", [.relation("man", "work on", "laptop")])
        // Noun + participle + noun is one noun phrase.
        try assertContains("a man skiing down a snow covered slope",
                           [.attribute("slope", "snow"), .attribute("slope", "covered"), .relation("man", "ski down", "slope")])
    }

    // Long, Flickr30k-style captions.

    func testParticipleAfterPrepositionalPhrasesTakesTheClauseSubject() throws {
        let caption = "a man in a blue shirt is standing on a ladder cleaning windows"
        try assertContains(caption, [.relation("man", "in", "shirt"), .attribute("shirt", "blue"),
                                     .relation("man", "stand on", "ladder"), .relation("man", "clean", "window")])
        try assertLacks(caption, [.relation("shirt", "clean", "window"), .relation("ladder", "clean", "window")])
        try assertContains("a man on a skateboard doing a trick",
                           [.relation("man", "on", "skateboard"), .relation("man", "do", "trick")])
    }

    func testPluralSubjectWithModifiersKeepsItsVerb() throws {
        let caption = "two young guys with shaggy hair look at their hands while hanging out in the yard"
        try assertContains(caption, [.attribute("guy", "two"), .attribute("guy", "young"), .attribute("hair", "shaggy"),
                                     .relation("guy", "with", "hair"), .relation("guy", "look at", "hand"),
                                     .relation("guy", "have", "hand"), .object("yard")])
        try assertLacks(caption, [.relation("hair", "look at", "hand")])
    }

    func testWithAfterAVerbObjectAttachesToTheVerbOnlyBeforeAPossessive() throws {
        try assertContains("a man throwing a frisbee with his friend",
                           [.relation("man", "throw", "frisbee"), .relation("man", "throw with", "friend")])
        try assertLacks("a man throwing a frisbee with his friend", [.relation("frisbee", "with", "friend")])
        try assertContains("a man sitting on a bench with his dog", [.relation("man", "sit with", "dog")])
        try assertContains("a man wearing a hat with a feather", [.relation("hat", "with", "feather")])
    }

    func testIngWordNamingAnObjectHeadsACompound() throws {
        XCTAssertEqual(Set(try tuples("a brick building with a clock tower")),
                       [.object("building"), .attribute("building", "brick"), .object("tower"),
                        .attribute("tower", "clock"), .relation("building", "with", "tower")])
        // An -ing word whose first sense is an act stays a participle.
        try assertContains("a woman cooking on a stove", [.relation("woman", "cook on", "stove")])
        // So does one with an object, or one after a plural noun.
        try assertContains("a man building a sand castle", [.relation("man", "build", "castle")])
    }

    func testPrepositionWithoutObjectPassesItsSiteOn() throws {
        try assertContains("two zebras standing next to each other in a field", [.relation("zebra", "stand in", "field")])
    }
}
