import ArgumentParser
import DataIO
import EvalTasks
import Foundation
import MPLUGModel

/// `mplug-eval caption`: caption images with an mPLUG checkpoint (official caption evaluation path).
struct CaptionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "caption",
        abstract: "Caption one image (--image) or a directory of images (--images DIR --output results.json) with an mPLUG checkpoint.")

    @Option(help: "Checkpoint (.pth, possibly wrapped in {'model': ...}, or .safetensors).")
    var checkpoint: String
    @Option(help: "Flat golden-style config.json (BERT fields + vision fields).")
    var config: String?
    @Option(name: .customLong("bert-config"), help: "Official bert json (e.g. config_bert_stride3.json); needs --vision and --image-res.")
    var bertConfig: String?
    @Option(help: "Vision tower: ViT-B-16 or ViT-L-14.")
    var vision: String?
    @Option(name: .customLong("image-res"), help: "Image resolution (384 for the base caption model).")
    var imageRes: Int?
    @Option(help: "BERT vocab.txt.")
    var vocab: String
    @Option(help: "One image to caption.")
    var image: String?
    @Option(help: "A directory of .jpg/.jpeg/.png images.")
    var images: String?
    @Option(help: "Where to write COCO-format results for --images.")
    var output: String?
    @Option var beam: Int = 5
    @Option(name: .customLong("min-length")) var minLength: Int = 8
    @Option(name: .customLong("max-length")) var maxLength: Int = 25
    @Flag(name: .customLong("no-kv-cache"), help: "Official full recomputation at every step.")
    var noKVCache = false

    func run() throws {
        try exitingOnBadInput {
            let modelConfig: MPLUGConfig
            if let config {
                modelConfig = try MPLUGConfig.load(goldenConfig: URL(fileURLWithPath: config))
            } else if let bertConfig, let vision, let imageRes {
                modelConfig = try MPLUGConfig.load(bertConfig: URL(fileURLWithPath: bertConfig), vision: try VisionPreset.named(vision),
                                                   imageResolution: imageRes)
            } else {
                throw ValidationError("give --config, or --bert-config with --vision and --image-res")
            }
            guard (image == nil) != (images == nil) else { throw ValidationError("give exactly one of --image and --images") }
            if images != nil && output == nil { throw ValidationError("--images needs --output") }
            guard beam >= 1, minLength >= 0, maxLength >= 1 else { throw ValidationError("--beam and --max-length must be ≥ 1") }
            let stateDict = try modelConfig.adaptingCheckpoint(StateDict.load(URL(fileURLWithPath: checkpoint)))
            let model = try MPLUGModel(config: modelConfig, stateDict: stateDict, parts: .caption)
            FileHandleStderr.write(model.skippedKeysSummary + "\n")
            let vocabulary = try BertVocabulary(contentsOf: URL(fileURLWithPath: vocab))
            let files = try image.map { [URL(fileURLWithPath: $0)] } ?? CaptionGeneration.imageFiles(in: URL(fileURLWithPath: images!))
            let settings = GenerationSettings(beamSize: beam, minLength: minLength, maxLength: maxLength)
            let results = try CaptionGeneration.caption(images: files, model: model, vocabulary: vocabulary,
                                                        settings: settings, useKVCache: !noKVCache)
            if let output, images != nil {
                try CaptionGeneration.resultsJSON(results).write(to: URL(fileURLWithPath: output))
                print("wrote \(results.count) captions to \(output)")
            } else {
                for r in results { print(r.caption) }
            }
        }
    }
}
