import Foundation
import DataIO
import Metrics

/// The retrieval task: two score matrices and an image–text mapping in, `itm_eval` recall out.
public enum RetrievalTask {
    /// The report's `schema` value.
    public static let schema = "mplug-eval.retrieval/1"

    /// Reads the inputs and computes ranks and recall (see ``Metrics/RetrievalRecall``).
    /// - Parameters:
    ///   - scoresImageToText: `[nImages, nTexts]` scores, `.npy` (`<f4`, `<f8`, integers) or a JSON 2-D array.
    ///   - scoresTextToImage: `[nTexts, nImages]` scores, same formats.
    ///   - mapping: JSON with `txt2img` (image index per text) and `img2txt` (text indices per image),
    ///     each an array or an object keyed by the decimal index (ALBEF's dicts saved as JSON).
    /// - Throws: `TaskError.badInput` naming the file: unreadable or malformed files, shapes that
    ///   disagree with the mapping, out-of-range indices, NaN scores.
    public static func run(scoresImageToText: URL, scoresTextToImage: URL, mapping: URL) throws -> RetrievalResult {
        let (textsOfImage, imageOfText) = try readMapping(mapping)
        return try evaluate(imageToText: try readScores(scoresImageToText), textToImage: try readScores(scoresTextToImage),
                            textsOfImage: textsOfImage, imageOfText: imageOfText,
                            sources: "score_i2t: \(scoresImageToText.path); score_t2i: \(scoresTextToImage.path); img2txt, txt2img: \(mapping.path)")
    }

    /// Recall of score matrices already in memory; `sources` names where they came from in errors.
    public static func evaluate(imageToText: ScoreMatrix, textToImage: ScoreMatrix, textsOfImage: [[Int]], imageOfText: [Int],
                                sources: String) throws -> RetrievalResult {
        do {
            return try RetrievalRecall.evaluate(imageToText: imageToText, textToImage: textToImage,
                                                textsOfImage: textsOfImage, imageOfText: imageOfText)
        } catch let error as MetricError {
            throw TaskError.badInput("\(error) (\(sources))")
        }
    }

    /// The JSON report: the nine metrics (percent), and the ranks as `itm_eval` stores them
    /// (`1e20` for an image without texts), and `txt2img` (the image of each text, which
    /// `mplug-eval compare` needs to resample images with their texts).
    public static func report(_ result: RetrievalResult) -> JSONValue {
        func ranks(_ values: [Int?]) -> JSONValue {
            .array(values.map { $0.map { JSONValue.int(Int64($0)) } ?? .double(RetrievalResult.noTextRank) })
        }
        return .object([
            "schema": .string(schema),
            "metrics": .object(result.metrics.mapValues { .double($0) }),
            "ranks_i2t": ranks(result.imageToTextRanks),
            "ranks_t2i": ranks(result.textToImageRanks),
            "txt2img": .array(result.imageOfText.map { .int(Int64($0)) }),
        ])
    }

    /// Reads a score matrix from `.npy` or from a JSON array of equally long number arrays.
    public static func readScores(_ url: URL) throws -> ScoreMatrix {
        let name = url.path
        if url.pathExtension.lowercased() == "npy" {
            let tensor: RawTensor
            do {
                tensor = try Npy.read(url)
            } catch let error as DataIOError {
                throw TaskError.badInput(error.description)
            }
            guard tensor.shape.count == 2, tensor.dtype != .bool else {
                throw TaskError.badInput("\(name): expected a 2-D numeric score matrix, got shape \(tensor.shape) of \(tensor.dtype.rawValue)")
            }
            return try ScoreMatrix(rows: tensor.shape[0], columns: tensor.shape[1], values: tensor.doubles())
        }
        guard let rows = try JSONValue.read(url).arrayValue else {
            throw TaskError.badInput("\(name): expected a JSON array of score rows")
        }
        var values: [Double] = []
        let columns = rows.first?.arrayValue?.count ?? 0
        for (index, row) in rows.enumerated() {
            guard let items = row.arrayValue, items.count == columns else {
                throw TaskError.badInput("\(name): row \(index) is not an array of \(columns) numbers")
            }
            for item in items {
                guard let value = item.doubleValue else {
                    throw TaskError.badInput("\(name): row \(index) holds \(item.typeDescription), not a number")
                }
                values.append(value)
            }
        }
        return try ScoreMatrix(rows: rows.count, columns: columns, values: values)
    }

    /// Reads `img2txt` and `txt2img` from the mapping file.
    static func readMapping(_ url: URL) throws -> (textsOfImage: [[Int]], imageOfText: [Int]) {
        let json = try JSONValue.read(url)
        let name = url.path
        guard let imageToTexts = json["img2txt"], let textToImage = json["txt2img"] else {
            throw TaskError.badInput("\(name): expected an object with \"img2txt\" and \"txt2img\"")
        }
        let textsOfImage = try indexedList(imageToTexts, name: "\(name): img2txt").enumerated().map { image, entry in
            guard let texts = entry.arrayValue else {
                throw TaskError.badInput("\(name): img2txt[\(image)] must be an array of text indices")
            }
            return try texts.map { try index($0, label: "\(name): img2txt[\(image)]") }
        }
        let imageOfText = try indexedList(textToImage, name: "\(name): txt2img").enumerated().map { text, entry in
            try index(entry, label: "\(name): txt2img[\(text)]")
        }
        return (textsOfImage, imageOfText)
    }

    /// An array as is, or an object keyed `"0"…"n-1"` as the array of its values in index order.
    private static func indexedList(_ json: JSONValue, name: String) throws -> [JSONValue] {
        if let items = json.arrayValue { return items }
        guard let members = json.objectValue else {
            throw TaskError.badInput("\(name) must be an array or an object keyed by index")
        }
        return try (0..<members.count).map { position in
            guard let item = members[String(position)] else {
                throw TaskError.badInput("\(name) is an object without key \"\(position)\"; its keys must be 0..<\(members.count)")
            }
            return item
        }
    }

    private static func index(_ json: JSONValue, label: String) throws -> Int {
        guard let value = json.int64Value, let index = Int(exactly: value) else {
            throw TaskError.badInput("\(label) must be an integer index, not \(json.typeDescription)")
        }
        return index
    }
}
