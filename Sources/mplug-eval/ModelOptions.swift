import ArgumentParser
import EvalTasks
import Foundation

/// The options that locate an mPLUG checkpoint, its configuration and vocabulary (caption, vqa,
/// retrieval). They are optional to the parser so that `vqa` and `retrieval` can also score
/// existing prediction files; `source()` requires them.
struct ModelOptions: ParsableArguments {
    @Option(help: "Checkpoint (.pth, possibly wrapped in {'model': ...}, or .safetensors).")
    var checkpoint: String?
    @Option(help: "Flat golden-style config.json (BERT fields + vision fields).")
    var config: String?
    @Option(name: .customLong("bert-config"), help: "Official bert json (e.g. config_bert_stride3.json); needs --vision and --image-res.")
    var bertConfig: String?
    @Option(help: "Vision tower: ViT-B-16 or ViT-L-14.")
    var vision: String?
    @Option(name: .customLong("image-res"), help: "Image resolution (384 for the base caption/VQA models, 336 for the large ones).")
    var imageRes: Int?
    @Option(help: "BERT vocab.txt.")
    var vocab: String?

    /// Whether a model was asked for.
    var isGiven: Bool { checkpoint != nil }

    /// The model source; throws a `ValidationError` naming what is missing.
    func source() throws -> ModelSource {
        guard let checkpoint else { throw ValidationError("give --checkpoint") }
        guard let vocab else { throw ValidationError("give --vocab (the BERT vocab.txt)") }
        let configuration: ModelSource.Configuration
        if let config {
            configuration = .flat(URL(fileURLWithPath: config))
        } else if let bertConfig, let vision, let imageRes {
            configuration = .official(bertConfig: URL(fileURLWithPath: bertConfig), vision: vision, imageResolution: imageRes)
        } else {
            throw ValidationError("give --config, or --bert-config with --vision and --image-res")
        }
        return ModelSource(checkpoint: URL(fileURLWithPath: checkpoint), configuration: configuration,
                           vocabulary: URL(fileURLWithPath: vocab))
    }
}
