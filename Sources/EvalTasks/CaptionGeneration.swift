import Foundation
import DataIO
import MPLUGModel
import TensorMath

/// Captioning images with an mPLUG checkpoint, as the official `caption_mplug.py` evaluation:
/// CLIP preprocessing (bicubic squash to R×R), ViT, decoder over image tokens only, beam search
/// (default beam 5, min 8, max 25), official decoding of the best hypothesis.
public enum CaptionGeneration {
    /// A COCO result entry; `imageID` comes from the file name (`ImageID(fileName:)`).
    public struct Result: Sendable, Equatable {
        public var imageID: ImageID
        public var caption: String
    }

    /// Captions every image (one at a time; results do not depend on batching).
    public static func caption(images: [URL], model: MPLUGModel, tokenizer: WordPieceTokenizer,
                               settings: GenerationSettings = .caption, useKVCache: Bool = true) throws -> [Result] {
        try images.map { url in
            let memory = DecoderMemory(states: try model.imageEmbeddings(of: url))
            let best = try model.generate(memory: memory, settings: settings, useKVCache: useKVCache)[0]
            return Result(imageID: ImageID(fileName: url.lastPathComponent), caption: tokenizer.decode(best.first?.ids ?? []))
        }
    }

    /// COCO results JSON: `[{"caption": ..., "image_id": ...}, ...]` in input order, sorted keys.
    public static func resultsJSON(_ results: [Result]) throws -> Data {
        let entries: [[String: Any]] = results.map { r in
            let id: Any
            switch r.imageID { case let .int(n): id = n; case let .string(s): id = s }
            return ["image_id": id, "caption": r.caption]
        }
        return try JSONSerialization.data(withJSONObject: entries, options: [.prettyPrinted, .sortedKeys])
    }
}
