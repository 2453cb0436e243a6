import Foundation
import DataIO
import MPLUGModel
import TensorMath

/// Where an mPLUG checkpoint, its configuration and its vocabulary come from; shared by the
/// caption, VQA and retrieval runners.
public struct ModelSource: Sendable {
    /// The model configuration.
    public enum Configuration: Sendable {
        /// A flat golden-style `config.json` (BERT fields + vision fields).
        case flat(URL)
        /// An official bert json (e.g. `config_bert_stride3.json`) with the vision tower
        /// (`ViT-B-16` or `ViT-L-14`) and the image resolution in pixels.
        case official(bertConfig: URL, vision: String, imageResolution: Int)
    }

    /// `.pth` (possibly wrapped in `{'model': ...}`) or `.safetensors`.
    public var checkpoint: URL
    public var configuration: Configuration
    /// BERT `vocab.txt`.
    public var vocabulary: URL

    public init(checkpoint: URL, configuration: Configuration, vocabulary: URL) {
        self.checkpoint = checkpoint
        self.configuration = configuration
        self.vocabulary = vocabulary
    }

    /// Reads the configuration, adapts the checkpoint as the official fine-tuning scripts do
    /// (positional-embedding resize, pre-trained key renaming) and binds the weights `parts` needs.
    public func load(parts: ModelParts) throws -> (model: MPLUGModel, tokenizer: WordPieceTokenizer) {
        let config: MPLUGConfig
        switch configuration {
        case let .flat(url):
            config = try MPLUGConfig.load(goldenConfig: url)
        case let .official(bertConfig, vision, imageResolution):
            config = try MPLUGConfig.load(bertConfig: bertConfig, vision: try VisionPreset.named(vision),
                                          imageResolution: imageResolution)
        }
        let stateDict = try config.adaptingCheckpoint(StateDict.load(checkpoint))
        let model = try MPLUGModel(config: config, stateDict: stateDict, parts: parts)
        return (model, try WordPieceTokenizer(contentsOf: vocabulary))
    }
}

extension MPLUGModel {
    /// Image embeddings `[1, Ni, H]` of one image file after the official test transform (§2).
    /// - Throws: `TaskError.badInput` naming the file when it cannot be decoded.
    func imageEmbeddings(of url: URL) throws -> Tensor {
        let resolution = config.imageResolution
        let pixels: [Float]
        do { pixels = try ImagePreprocessing.clipTensor(contentsOf: url, resolution: resolution) }
        catch {
            let message = "\(error)"   // DataIO errors already start with the path
            throw TaskError.badInput(message.hasPrefix(url.path) ? message : "\(url.path): \(message)")
        }
        return try encodeImages(Tensor(shape: [1, 3, resolution, resolution], storage: pixels))
    }
}

/// The images of a directory by image id (`ImageID(fileName:)`: `COCO_val2014_000000391895.jpg`
/// and `391895.png` are both image 391895).
struct ImageLookup {
    let directory: URL
    private let files: [ImageID: URL]

    /// Lists `directory`; two files with the same id are an error (the lookup would be ambiguous).
    init(directory: URL) throws {
        self.directory = directory
        var files: [ImageID: URL] = [:]
        for url in try ImageDirectory.list(directory) {
            let id = ImageID(fileName: url.lastPathComponent)
            if let other = files.updateValue(url, forKey: id) {
                throw TaskError.badInput("\(directory.path): \(other.lastPathComponent) and \(url.lastPathComponent) are both image \(id)")
            }
        }
        self.files = files
    }

    /// The id of a JSON `image_id` (a number, or a string of digits or a name).
    static func imageID(_ json: JSONValue?) -> ImageID? {
        if let number = json?.int64Value, let id = Int(exactly: number) { return .int(id) }
        if let text = json?.stringValue { return ImageID(fileName: text) }
        return nil
    }

    /// The file of image `id`; `context` names the item that needs it in the error message.
    func file(for id: ImageID, context: String) throws -> URL {
        guard let url = files[id] else {
            throw TaskError.badInput("\(context) needs image \(id), but \(directory.path) has no such image "
                + "(looked for COCO_<split>_<012d id>.jpg, <id>.jpg, <id>.png and other names whose stem ends in the id)")
        }
        return url
    }
}
