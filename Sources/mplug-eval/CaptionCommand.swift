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

    @OptionGroup var model: ModelOptions
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
            guard (image == nil) != (images == nil) else { throw ValidationError("give exactly one of --image and --images") }
            if images != nil && output == nil { throw ValidationError("--images needs --output") }
            guard beam >= 1, minLength >= 0, maxLength >= 1 else { throw ValidationError("--beam and --max-length must be ≥ 1") }
            let (model, tokenizer) = try self.model.source().load(parts: .caption)
            FileHandleStderr.write(model.skippedKeysSummary + "\n")
            let files = try image.map { [URL(fileURLWithPath: $0)] } ?? ImageDirectory.list(URL(fileURLWithPath: images!))
            guard !files.isEmpty else { throw ValidationError("\(images!): no .jpg/.jpeg/.png images") }
            let settings = GenerationSettings(beamSize: beam, minLength: minLength, maxLength: maxLength)
            let results = try CaptionGeneration.caption(images: files, model: model, tokenizer: tokenizer,
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
