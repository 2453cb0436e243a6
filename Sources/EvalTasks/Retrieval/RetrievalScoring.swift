import Foundation
import DataIO
import Metrics
import MPLUGModel
import TensorMath

/// Image–text retrieval scores from an mPLUG checkpoint, as `evaluation` in the official
/// `retrieval_img_mplug.py`: texts `pre_caption(caption, 30)` tokenised with padding and truncation
/// to 30 ids, ITC cosine similarities, then for each image its `k_test` most similar texts (and for
/// each text its `k_test` most similar images) re-scored by the ITM "match" logit; −100 elsewhere.
public enum RetrievalScoring {
    /// The official text length (`max_length=30`) and `pre_caption` word limit.
    public static let maxTextLength = 30

    /// A retrieval test set in the order of the annotation file, with `re_eval_dataset`'s mapping.
    public struct Dataset: Sendable, Equatable {
        public var images: [URL]
        /// Captions after `pre_caption(·, 30)`.
        public var texts: [String]
        /// Text indices of each image.
        public var textsOfImage: [[Int]]
        /// Image index of each text.
        public var imageOfText: [Int]
    }

    /// Reads the captions file and finds its images under `images`. Accepted layouts:
    /// * the official retrieval annotation (`re_eval_dataset`): `[{"image": path, "caption": [..]}]`,
    ///   images in entry order (path relative to `images`; a path that does not exist there is
    ///   tried by its file name alone), texts in caption order;
    /// * COCO captions: `{"annotations": [{"image_id", "caption"}], "images": [{"id", "file_name"}]}`:
    ///   images in the order of `images` (or, without it, of first appearance in `annotations`,
    ///   found by id as in `ImageLookup`), texts in annotation order.
    /// - Throws: `TaskError.badInput` naming the file and the entry.
    public static func readDataset(captions: URL, images: URL) throws -> Dataset {
        let json = try JSONValue.read(captions)
        let name = captions.path
        var dataset = Dataset(images: [], texts: [], textsOfImage: [], imageOfText: [])
        func add(_ caption: String, image: Int) {
            dataset.imageOfText.append(image)
            dataset.textsOfImage[image].append(dataset.texts.count)
            dataset.texts.append(CaptionNormalization.preCaption(caption, maxWords: maxTextLength))
        }
        if let entries = json.arrayValue {
            for (index, entry) in entries.enumerated() {
                let label = "\(name): entry \(index)"
                guard let path = entry["image"]?.stringValue else { throw TaskError.badInput("\(label) needs a string \"image\"") }
                let captions = entry["caption"].map { $0.arrayValue ?? [$0] } ?? []
                dataset.images.append(try file(path, under: images, context: label))
                dataset.textsOfImage.append([])
                for caption in captions {
                    guard let text = caption.stringValue else { throw TaskError.badInput("\(label): every caption must be a string") }
                    add(text, image: index)
                }
            }
        } else if let annotations = json["annotations"]?.arrayValue {
            var indexOfImage: [ImageID: Int] = [:]
            func addImage(_ id: ImageID, _ url: URL) {
                indexOfImage[id] = dataset.images.count
                dataset.images.append(url)
                dataset.textsOfImage.append([])
            }
            let declared = json["images"]?.arrayValue
            for (index, image) in (declared ?? []).enumerated() {
                guard let id = ImageLookup.imageID(image["id"]), let fileName = image["file_name"]?.stringValue else {
                    throw TaskError.badInput("\(name): images[\(index)] needs an \"id\" and a string \"file_name\"")
                }
                addImage(id, try file(fileName, under: images, context: "\(name): image \(id)"))
            }
            let lookup = declared == nil ? try ImageLookup(directory: images) : nil
            for (index, annotation) in annotations.enumerated() {
                let label = "\(name): annotation \(index)"
                guard let id = ImageLookup.imageID(annotation["image_id"]), let caption = annotation["caption"]?.stringValue else {
                    throw TaskError.badInput("\(label) needs an \"image_id\" and a string \"caption\"")
                }
                if indexOfImage[id] == nil {
                    guard let lookup else { throw TaskError.badInput("\(label): image \(id) is not in \"images\"") }
                    addImage(id, try lookup.file(for: id, context: label))
                }
                add(caption, image: indexOfImage[id]!)
            }
        } else {
            throw TaskError.badInput("\(name): expected the retrieval annotation [{\"image\", \"caption\"}] or COCO captions {\"annotations\", \"images\"}")
        }
        guard !dataset.images.isEmpty, !dataset.texts.isEmpty else { throw TaskError.badInput("\(name): no images or no captions") }
        return dataset
    }

    /// The score matrices `i2t [images, texts]` and `t2i [texts, images]` (ITM logits in each row's
    /// top `k` by ITC similarity, −100 elsewhere; `k` is clamped to the row length) and the ITC
    /// similarities `[images, texts]`. Images are encoded one at a time, texts in batches of 256.
    /// Like the official evaluation this keeps every image's tokens in memory (Ni·H floats each:
    /// 1.8 MB at 577×768, so the 5k-image COCO test split needs about 9 GB).
    public static func score(_ dataset: Dataset, model: MPLUGModel, tokenizer: WordPieceTokenizer,
                             k: Int) throws -> (similarity: Tensor, i2t: Tensor, t2i: Tensor) {
        let imageEmbeds = stacked(try dataset.images.map { try model.imageEmbeddings(of: $0) })
        var textParts: [Tensor] = [], textMask: [[Int]] = []
        for start in stride(from: 0, to: dataset.texts.count, by: 256) {
            let batch = tokenizer.batch(Array(dataset.texts[start..<min(start + 256, dataset.texts.count)]),
                                        padding: .maxLength(maxTextLength), maxLength: maxTextLength)
            textParts.append(try model.encodeText(ids: batch.ids, mask: batch.attentionMask))
            textMask += batch.attentionMask
        }
        return try model.retrievalScores(imageEmbeds: imageEmbeds, textEmbeds: stacked(textParts), textMask: textMask, k: max(k, 1))
    }

    /// Recall@1/5/10 of the score matrices (`RetrievalTask.evaluate`, `itm_eval`).
    public static func recall(i2t: Tensor, t2i: Tensor, dataset: Dataset) throws -> RetrievalResult {
        func matrix(_ t: Tensor) throws -> ScoreMatrix {
            try ScoreMatrix(rows: t.shape[0], columns: t.shape[1], values: t.storage.map(Double.init))
        }
        return try RetrievalTask.evaluate(imageToText: matrix(i2t), textToImage: matrix(t2i), textsOfImage: dataset.textsOfImage,
                                          imageOfText: dataset.imageOfText, sources: "model scores")
    }

    /// Writes `score_i2t.npy`, `score_t2i.npy` (float32, as the official evaluation returns them)
    /// and `MAP.json` (`img2txt`, `txt2img`) into `directory`, the inputs of `mplug-eval retrieval
    /// --scores-i2t … --scores-t2i … --mapping …`.
    public static func save(i2t: Tensor, t2i: Tensor, dataset: Dataset, to directory: URL) throws {
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) }
        catch { throw TaskError.badInput("\(directory.path): cannot create the directory") }
        try Npy.writeFloat32(i2t.storage, shape: i2t.shape, to: directory.appendingPathComponent("score_i2t.npy"))
        try Npy.writeFloat32(t2i.storage, shape: t2i.shape, to: directory.appendingPathComponent("score_t2i.npy"))
        let mapping = JSONValue.object([
            "img2txt": .array(dataset.textsOfImage.map { .array($0.map { .int(Int64($0)) }) }),
            "txt2img": .array(dataset.imageOfText.map { .int(Int64($0)) }),
        ])
        try mapping.write(to: directory.appendingPathComponent("MAP.json"))
    }

    /// `path` under `directory`, else its file name alone under `directory`.
    static func file(_ path: String, under directory: URL, context: String) throws -> URL {
        for candidate in [directory.appendingPathComponent(path), directory.appendingPathComponent((path as NSString).lastPathComponent)]
        where FileManager.default.fileExists(atPath: candidate.path) {
            return candidate
        }
        throw TaskError.badInput("\(context): image \(path) is not under \(directory.path)")
    }

    /// Rank-3 tensors `[B_i, L, D]` stacked along the first dimension.
    static func stacked(_ parts: [Tensor]) -> Tensor {
        var storage: [Float] = []
        storage.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        for part in parts { storage += part.storage }
        return Tensor(shape: [parts.reduce(0) { $0 + $1.shape[0] }] + parts[0].shape.dropFirst(), storage: storage)
    }
}
