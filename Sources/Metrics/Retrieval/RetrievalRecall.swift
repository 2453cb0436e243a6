/// A dense row-major score matrix (`rows × columns`), higher is better.
public struct ScoreMatrix: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    /// `rows * columns` scores, row-major.
    public let values: [Double]

    /// - Throws: `MetricError.invalidInput` when `values.count != rows * columns`.
    public init(rows: Int, columns: Int, values: [Double]) throws {
        guard rows >= 0, columns >= 0, values.count == rows * columns else {
            throw MetricError.invalidInput("a \(rows)×\(columns) score matrix needs \(rows * columns) values, got \(values.count)")
        }
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// Row `row` as a slice of `values`.
    public func row(_ row: Int) -> ArraySlice<Double> { values[(row * columns)..<((row + 1) * columns)] }
}

/// Image–text retrieval recall as ALBEF / mPLUG `itm_eval` computes it, with a stable tie rule.
///
/// A query's row is ordered by `np.argsort(row, kind='stable')[::-1]`: descending score, and among
/// equal scores the larger index first. The rank (0-based position) of column `j` is therefore
/// `#{k: s_k > s_j} + #{k > j: s_k == s_j}`.
/// * image→text: an image's rank is the best rank of any of its texts; an image without texts
///   keeps the reference's rank `1e20` (``RetrievalResult/noTextRank``) and always misses.
/// * text→image: the rank of the text's image.
public enum RetrievalRecall {
    /// The recall cut-offs reported by `itm_eval`.
    public static let cutoffs = [1, 5, 10]

    /// Ranks both directions and computes the nine `itm_eval` metrics.
    /// - Parameters:
    ///   - imageToText: `[nImages, nTexts]` scores (`score_i2t`).
    ///   - textToImage: `[nTexts, nImages]` scores (`score_t2i`), not necessarily the transpose.
    ///   - textsOfImage: `img2txt`, the text indices of each image.
    ///   - imageOfText: `txt2img`, the image index of each text.
    /// - Throws: `MetricError.invalidInput` for mismatched shapes, out-of-range indices or NaN scores.
    public static func evaluate(imageToText: ScoreMatrix, textToImage: ScoreMatrix,
                                textsOfImage: [[Int]], imageOfText: [Int]) throws -> RetrievalResult {
        let imageCount = textsOfImage.count, textCount = imageOfText.count
        guard imageCount > 0, textCount > 0 else {
            throw MetricError.invalidInput("retrieval needs at least one image and one text (got \(imageCount) images, \(textCount) texts)")
        }
        guard imageToText.rows == imageCount, imageToText.columns == textCount else {
            throw MetricError.invalidInput("score_i2t has shape [\(imageToText.rows), \(imageToText.columns)] but the mapping has \(imageCount) images and \(textCount) texts (expected [\(imageCount), \(textCount)])")
        }
        guard textToImage.rows == textCount, textToImage.columns == imageCount else {
            throw MetricError.invalidInput("score_t2i has shape [\(textToImage.rows), \(textToImage.columns)] but the mapping has \(textCount) texts and \(imageCount) images (expected [\(textCount), \(imageCount)])")
        }
        for (name, matrix) in [("score_i2t", imageToText), ("score_t2i", textToImage)] {
            if let bad = matrix.values.firstIndex(where: \.isNaN) {
                throw MetricError.invalidInput("\(name) has a NaN score at [\(bad / matrix.columns), \(bad % matrix.columns)]")
            }
        }
        for (image, texts) in textsOfImage.enumerated() {
            if let bad = texts.first(where: { !(0..<textCount).contains($0) }) {
                throw MetricError.invalidInput("img2txt[\(image)] lists text \(bad), outside 0..<\(textCount)")
            }
        }
        if let bad = imageOfText.firstIndex(where: { !(0..<imageCount).contains($0) }) {
            throw MetricError.invalidInput("txt2img[\(bad)] is image \(imageOfText[bad]), outside 0..<\(imageCount)")
        }

        let imageRanks: [Int?] = textsOfImage.enumerated().map { image, texts in
            bestRank(of: texts, in: imageToText.row(image))
        }
        let textRanks = imageOfText.enumerated().map { text, image in
            stableRank(of: image, in: textToImage.row(text))
        }
        return RetrievalResult(imageToTextRanks: imageRanks, textToImageRanks: textRanks, imageOfText: imageOfText)
    }

    /// The smallest stable descending rank among `targets` in `row`, or nil when `targets` is empty.
    /// Ranks are monotone in the order (score descending, index descending), so the best target is
    /// the one that comes first in it, and one counting pass gives its rank.
    static func bestRank(of targets: [Int], in row: ArraySlice<Double>) -> Int? {
        let base = row.startIndex
        guard var best = targets.first else { return nil }
        for target in targets.dropFirst() {
            let (s, t) = (row[base + target], row[base + best])
            if s > t || (s == t && target > best) { best = target }
        }
        return stableRank(of: best, in: row)
    }

    /// The 0-based position of column `target` in `row` ordered by descending score, larger index
    /// first among equal scores: `#{k: s_k > s_t} + #{k > t: s_k == s_t}`.
    static func stableRank(of target: Int, in row: ArraySlice<Double>) -> Int {
        let score = row[row.startIndex + target]
        var rank = 0
        for (offset, other) in row.enumerated() where other > score || (other == score && offset > target) {
            rank += 1
        }
        return rank
    }
}

/// Ranks of both directions and the recall metrics derived from them.
public struct RetrievalResult: Sendable, Equatable {
    /// The rank `itm_eval` leaves for an image with no text: `1e20`.
    public static let noTextRank = 1e20

    /// 0-based rank of each image's best text; nil for an image with no text.
    public var imageToTextRanks: [Int?]
    /// 0-based rank of each text's image.
    public var textToImageRanks: [Int]
    /// `txt2img`: the image of each text (groups texts with images for resampling).
    public var imageOfText: [Int]

    public init(imageToTextRanks: [Int?], textToImageRanks: [Int], imageOfText: [Int]) {
        self.imageToTextRanks = imageToTextRanks
        self.textToImageRanks = textToImageRanks
        self.imageOfText = imageOfText
    }

    /// Image→text ranks as `itm_eval` stores them (floats, `1e20` for no text).
    public var imageToTextRanksAsReported: [Double] { imageToTextRanks.map { $0.map(Double.init) ?? Self.noTextRank } }
    public var textToImageRanksAsReported: [Double] { textToImageRanks.map(Double.init) }

    /// Per-image hit at `k` (rank < k): the sufficient statistic of `txt_r<k>`.
    public func imageToTextHits(at k: Int) -> [Bool] { imageToTextRanks.map { ($0 ?? Int.max) < k } }
    /// Per-text hit at `k`: the sufficient statistic of `img_r<k>`.
    public func textToImageHits(at k: Int) -> [Bool] { textToImageRanks.map { $0 < k } }

    /// The nine `itm_eval` metrics in percent, computed in its order:
    /// `R@K = 100.0 * hits / n`; `txt_r_mean = (tr1 + tr5 + tr10) / 3`; `img_r_mean` likewise;
    /// `r_mean = (txt_r_mean + img_r_mean) / 2`. `txt_*` is image→text retrieval, `img_*` text→image.
    public var metrics: [String: Double] {
        Self.metrics(imageRanks: imageToTextRanks, textRanks: textToImageRanks)
    }

    static func metrics(imageRanks: [Int?], textRanks: [Int]) -> [String: Double] {
        func recall(_ ranks: [Int?], _ k: Int) -> Double {
            100.0 * Double(ranks.filter { ($0 ?? Int.max) < k }.count) / Double(ranks.count)
        }
        let tr = RetrievalRecall.cutoffs.map { recall(imageRanks, $0) }
        let ir = RetrievalRecall.cutoffs.map { recall(textRanks, $0) }
        let txtMean = (tr[0] + tr[1] + tr[2]) / 3
        let imgMean = (ir[0] + ir[1] + ir[2]) / 3
        return [
            "txt_r1": tr[0], "txt_r5": tr[1], "txt_r10": tr[2],
            "img_r1": ir[0], "img_r5": ir[1], "img_r10": ir[2],
            "txt_r_mean": txtMean, "img_r_mean": imgMean, "r_mean": (txtMean + imgMean) / 2,
        ]
    }
}

/// Resampling unit: an image together with the texts whose `txt2img` is that image, so a
/// bootstrap over images keeps each caption with its picture (ranks are not recomputed).
extension RetrievalResult: ResamplableScores {
    public var itemCount: Int { imageToTextRanks.count }
    public var itemIDs: [String] { imageToTextRanks.indices.map(String.init) }

    public func corpusScores(over indices: [Int]) -> [String: Double] {
        var textsOfImage = [[Int]](repeating: [], count: itemCount)
        for (text, image) in imageOfText.enumerated() { textsOfImage[image].append(text) }
        let textRanks = indices.flatMap { textsOfImage[$0].map { textToImageRanks[$0] } }
        return Self.metrics(imageRanks: indices.map { imageToTextRanks[$0] }, textRanks: textRanks)
    }
}
