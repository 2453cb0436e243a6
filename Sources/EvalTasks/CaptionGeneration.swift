import Foundation
import DataIO
import MPLUGModel
import TensorMath

/// Captioning images with an mPLUG checkpoint, as the official `caption_mplug.py` evaluation:
/// CLIP preprocessing (bicubic squash to R×R), ViT, decoder over image tokens only, beam search
/// (default beam 5, min 8, max 25), official decoding of the best hypothesis.
public enum CaptionGeneration {
    /// A COCO result entry: `image_id` is the trailing digits of the file stem as an integer
    /// (`COCO_val2014_000000391895.jpg` → 391895), else the whole stem as a string.
    public struct Result: Sendable, Equatable {
        public enum ImageID: Sendable, Equatable { case number(Int), name(String) }
        public var imageID: ImageID
        public var caption: String
    }

    /// The image id of an image file (see `Result`).
    public static func imageID(for url: URL) -> Result.ImageID {
        let stem = url.deletingPathExtension().lastPathComponent
        let digits = String(stem.reversed().prefix { $0.isASCII && $0.isNumber }.reversed())
        if !digits.isEmpty, let n = Int(digits) { return .number(n) }
        return .name(stem)
    }

    /// The image files (`.jpg`, `.jpeg`, `.png`) of `directory`, sorted by name.
    public static func imageFiles(in directory: URL) throws -> [URL] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else {
            throw TaskError.badInput("\(directory.path): cannot list the image directory")
        }
        let files = names.filter { ["jpg", "jpeg", "png"].contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
        guard !files.isEmpty else { throw TaskError.badInput("\(directory.path): no .jpg/.jpeg/.png images") }
        return files.map { directory.appendingPathComponent($0) }
    }

    /// Captions every image (one at a time; results do not depend on batching).
    public static func caption(images: [URL], model: MPLUGModel, vocabulary: BertVocabulary,
                               settings: GenerationSettings = .caption, useKVCache: Bool = true) throws -> [Result] {
        let resolution = model.config.imageResolution
        return try images.map { url in
            let pixels: [Float]
            do { pixels = try ImagePreprocessing.clipTensor(contentsOf: url, resolution: resolution) }
            catch { throw TaskError.badInput("\(url.path): \(error)") }
            let embeds = try model.encodeImages(Tensor(shape: [1, 3, resolution, resolution], storage: pixels))
            let best = try model.generate(memory: DecoderMemory(states: embeds), settings: settings, useKVCache: useKVCache)[0]
            return Result(imageID: imageID(for: url), caption: vocabulary.decodeAnswer(best.first?.ids ?? []))
        }
    }

    /// COCO results JSON: `[{"caption": ..., "image_id": ...}, ...]` in input order, sorted keys.
    public static func resultsJSON(_ results: [Result]) throws -> Data {
        let entries: [[String: Any]] = results.map { r in
            let id: Any
            switch r.imageID { case let .number(n): id = n; case let .name(s): id = s }
            return ["image_id": id, "caption": r.caption]
        }
        return try JSONSerialization.data(withJSONObject: entries, options: [.prettyPrinted, .sortedKeys])
    }
}
