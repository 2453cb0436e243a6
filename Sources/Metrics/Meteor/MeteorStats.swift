import Foundation

/// The sufficient statistics of one METEOR 1.5 alignment (or a corpus sum of them).
///
/// These are the 23 numbers that `meteor-1.5.jar -stdio` prints for a `SCORE` request, in the same order:
/// `testLength referenceLength testFunctionWords referenceFunctionWords`, then for each of the four stages
/// (exact, stem, synonym, paraphrase) `testContent referenceContent testFunction referenceFunction`,
/// then `chunks testWordMatches referenceWordMatches`. All are word counts.
public struct MeteorStats: Codable, Equatable, Sendable, CustomStringConvertible {
    /// Matched word counts of one matcher stage.
    public struct StageMatches: Codable, Equatable, Sendable {
        public var testContent = 0
        public var referenceContent = 0
        public var testFunction = 0
        public var referenceFunction = 0
        public init(testContent: Int = 0, referenceContent: Int = 0, testFunction: Int = 0, referenceFunction: Int = 0) {
            self.testContent = testContent
            self.referenceContent = referenceContent
            self.testFunction = testFunction
            self.referenceFunction = referenceFunction
        }
    }

    /// The number of stages (exact, stem, synonym, paraphrase).
    public static let stageCount = 4
    /// The number of values in `values` and in `description`.
    public static let valueCount = 23

    public var testLength = 0
    public var referenceLength = 0
    public var testFunctionWords = 0
    public var referenceFunctionWords = 0
    /// Exactly `stageCount` entries, in the order exact, stem, synonym, paraphrase.
    public var stages = [StageMatches](repeating: StageMatches(), count: MeteorStats.stageCount)
    public var chunks = 0
    public var testWordMatches = 0
    public var referenceWordMatches = 0

    /// All-zero statistics: the start of a corpus sum.
    public static let zero = MeteorStats()

    public init() {}

    /// Statistics from the 23 values in print order. Returns nil unless there are exactly 23 non-negative integers.
    public init?(values: [Double]) {
        guard values.count == MeteorStats.valueCount,
              values.allSatisfy({ $0 >= 0 && $0 == $0.rounded() && $0 < 1e15 }) else { return nil }
        let v = values.map { Int($0) }
        testLength = v[0]; referenceLength = v[1]; testFunctionWords = v[2]; referenceFunctionWords = v[3]
        for s in 0..<MeteorStats.stageCount {
            let b = 4 + 4 * s
            stages[s] = StageMatches(testContent: v[b], referenceContent: v[b + 1],
                                     testFunction: v[b + 2], referenceFunction: v[b + 3])
        }
        chunks = v[20]; testWordMatches = v[21]; referenceWordMatches = v[22]
    }

    /// Parses a statistics line as printed by the jar (23 whitespace-separated numbers).
    public init?(line: String) {
        let numbers = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { Double($0) }
        guard numbers.count == MeteorStats.valueCount else { return nil }
        self.init(values: numbers)
    }

    /// The 23 values in print order.
    public var values: [Double] {
        var out = [testLength, referenceLength, testFunctionWords, referenceFunctionWords]
        for s in stages { out += [s.testContent, s.referenceContent, s.testFunction, s.referenceFunction] }
        out += [chunks, testWordMatches, referenceWordMatches]
        return out.map(Double.init)
    }

    /// Matched test words over all stages.
    public var testTotalMatches: Int { stages.reduce(0) { $0 + $1.testContent + $1.testFunction } }
    /// Matched reference words over all stages.
    public var referenceTotalMatches: Int { stages.reduce(0) { $0 + $1.referenceContent + $1.referenceFunction } }

    /// True when every word on both sides is matched in one chunk (then METEOR's fragmentation is 0).
    public var isPerfectMatch: Bool {
        testTotalMatches == testLength && referenceTotalMatches == referenceLength && chunks == 1
    }

    /// The statistics line exactly as `meteor-1.5.jar` prints it (Java `double` formatting, e.g. `12.0 11.0 ...`).
    public var description: String {
        values.map(javaDoubleString).joined(separator: " ")
    }

    /// Adds one segment's statistics to this corpus sum, as the jar's `EVAL` does: all counts are summed,
    /// except that the chunk count of a perfectly matched segment (`isPerfectMatch`) is not added.
    public mutating func add(segment s: MeteorStats) {
        testLength += s.testLength
        referenceLength += s.referenceLength
        testFunctionWords += s.testFunctionWords
        referenceFunctionWords += s.referenceFunctionWords
        for i in 0..<MeteorStats.stageCount {
            stages[i].testContent += s.stages[i].testContent
            stages[i].referenceContent += s.stages[i].referenceContent
            stages[i].testFunction += s.stages[i].testFunction
            stages[i].referenceFunction += s.stages[i].referenceFunction
        }
        if !s.isPerfectMatch { chunks += s.chunks }
        testWordMatches += s.testWordMatches
        referenceWordMatches += s.referenceWordMatches
    }

    /// The corpus sum of per-segment statistics (what the jar's `EVAL ||| s1 ||| s2 ...` scores).
    public static func corpus<S: Sequence>(_ segments: S) -> MeteorStats where S.Element == MeteorStats {
        var total = MeteorStats.zero
        for s in segments { total.add(segment: s) }
        return total
    }

    /// The METEOR score of these statistics (0...1), computed as `MeteorScorer.computeMetrics` in METEOR 1.5:
    /// weighted precision and recall (content words weighted by `delta`, function words by `1 - delta`, stage
    /// matches by `moduleWeights`), the harmonic mean `1 / ((1-alpha)/P + alpha/R)`, and the fragmentation penalty
    /// `gamma * (chunks / meanMatches)^beta`. Undefined values (empty hypothesis) give 0.
    public func score(parameters p: MeteorParameters = .englishRanking) -> Double {
        let testWeightedLength = p.delta * Double(testLength - testFunctionWords)
            + (1.0 - p.delta) * Double(testFunctionWords)
        let referenceWeightedLength = p.delta * Double(referenceLength - referenceFunctionWords)
            + (1.0 - p.delta) * Double(referenceFunctionWords)
        var testWeighted = 0.0
        var referenceWeighted = 0.0
        for i in 0..<MeteorStats.stageCount { testWeighted += Double(stages[i].testContent) * p.moduleWeights[i] * p.delta }
        for i in 0..<MeteorStats.stageCount { referenceWeighted += Double(stages[i].referenceContent) * p.moduleWeights[i] * p.delta }
        for i in 0..<MeteorStats.stageCount { testWeighted += Double(stages[i].testFunction) * p.moduleWeights[i] * (1.0 - p.delta) }
        for i in 0..<MeteorStats.stageCount { referenceWeighted += Double(stages[i].referenceFunction) * p.moduleWeights[i] * (1.0 - p.delta) }
        let precision = testWeighted / testWeightedLength
        let recall = referenceWeighted / referenceWeightedLength
        let fMean = 1.0 / (((1.0 - p.alpha) / precision) + (p.alpha / recall))
        let fragmentation: Double = isPerfectMatch
            ? 0 : Double(chunks) / (Double(testWordMatches + referenceWordMatches) / 2)
        let penalty = p.gamma * pow(fragmentation, p.beta)
        let score = fMean * (1.0 - penalty)
        return score.isNaN ? 0 : max(score, 0.0)
    }
}

/// The scoring parameters of METEOR 1.5 (`-l en` selects the default task `rank`).
public struct MeteorParameters: Codable, Equatable, Sendable {
    public var alpha: Double
    public var beta: Double
    public var gamma: Double
    public var delta: Double
    /// Weights of the exact, stem, synonym and paraphrase stages in the score (4 values).
    public var moduleWeights: [Double]

    public init(alpha: Double, beta: Double, gamma: Double, delta: Double, moduleWeights: [Double]) {
        self.alpha = alpha; self.beta = beta; self.gamma = gamma; self.delta = delta
        self.moduleWeights = moduleWeights
    }

    /// English, task `rank` (METEOR 1.5 `Constants.PARAM_RANK` / `WEIGHT_RANK`): what `-l en` uses.
    public static let englishRanking = MeteorParameters(alpha: 0.85, beta: 0.20, gamma: 0.60, delta: 0.75,
                                                        moduleWeights: [1.0, 0.6, 0.8, 0.6])
}

/// Java's `Double.toString` for a non-negative integer-valued double (`3.0`, `1.0E7`).
func javaDoubleString(_ value: Double) -> String {
    if value < 1e7 { return "\(Int(value)).0" }
    var digits = String(Int(value))
    let exponent = digits.count - 1
    while digits.count > 2, digits.hasSuffix("0") { digits.removeLast() }
    let mantissa = digits.dropFirst().isEmpty ? "0" : String(digits.dropFirst())
    return "\(digits.prefix(1)).\(mantissa)E\(exponent)"
}
