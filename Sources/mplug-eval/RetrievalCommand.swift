import Foundation
import ArgumentParser
import EvalTasks
import Metrics

/// `mplug-eval retrieval`: image–text retrieval recall@K from score matrices.
struct RetrievalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retrieval",
        abstract: "Retrieval recall@1/5/10 as ALBEF / mPLUG itm_eval computes it (stable tie rule).",
        discussion: """
        Either score existing matrices (--scores-i2t, --scores-t2i, --mapping) or compute them with an \
        mPLUG checkpoint (--checkpoint, its config and --vocab, --images DIR, --captions) as the official \
        retrieval_img_mplug.py evaluation: ITC similarities, the top --k-test re-scored by ITM, -100 elsewhere. \
        Score matrices are .npy (<f4, <f8, integers; C order) or JSON arrays of rows. The mapping \
        JSON holds "img2txt" (text indices per image) and "txt2img" (image index per text).
        """)

    @Option(name: .customLong("scores-i2t"), help: "Image-to-text scores, [n_images, n_texts].")
    var scoresImageToText: String?
    @Option(name: .customLong("scores-t2i"), help: "Text-to-image scores, [n_texts, n_images].")
    var scoresTextToImage: String?
    @Option(name: .customLong("mapping"), help: "JSON with img2txt and txt2img.")
    var mapping: String?
    @OptionGroup var model: ModelOptions
    @OptionGroup var bootstrap: BootstrapOptions
    @Option(help: "With --checkpoint: the image directory the captions file refers to.")
    var images: String?
    @Option(help: "With --checkpoint: [{\"image\", \"caption\": [..]}] (official) or COCO captions JSON.")
    var captions: String?
    @Option(name: .customLong("k-test"), help: "With --checkpoint: candidates re-scored by ITM per image and per text.")
    var kTest: Int = 256
    @Option(name: .customLong("save-scores"), help: "With --checkpoint: write score_i2t.npy, score_t2i.npy and MAP.json here.")
    var saveScores: String?
    @Option(name: .customLong("json"), help: "Write the report (schema mplug-eval.retrieval/1) to this file.")
    var jsonOutput: String?

    func run() throws {
        try runAndReport(jsonOutput: jsonOutput, bootstrap: bootstrap, compute: {
            if !model.isGiven {
                guard let scoresImageToText, let scoresTextToImage, let mapping else {
                    throw ValidationError("give --scores-i2t, --scores-t2i and --mapping, or --checkpoint with --images and --captions")
                }
                return try RetrievalTask.run(scoresImageToText: URL(fileURLWithPath: scoresImageToText),
                                             scoresTextToImage: URL(fileURLWithPath: scoresTextToImage),
                                             mapping: URL(fileURLWithPath: mapping))
            }
            guard scoresImageToText == nil, scoresTextToImage == nil, mapping == nil else {
                throw ValidationError("--checkpoint computes the scores; do not also give --scores-i2t/--scores-t2i/--mapping")
            }
            guard let images, let captions else { throw ValidationError("--checkpoint needs --images DIR and --captions FILE") }
            let dataset = try RetrievalScoring.readDataset(captions: URL(fileURLWithPath: captions), images: URL(fileURLWithPath: images))
            let (mplug, tokenizer) = try model.source().load(parts: .retrieval)
            FileHandleStderr.write(mplug.skippedKeysSummary + "\n")
            let scores = try RetrievalScoring.score(dataset, model: mplug, tokenizer: tokenizer, k: kTest)
            if let saveScores {
                try RetrievalScoring.save(i2t: scores.i2t, t2i: scores.t2i, dataset: dataset, to: URL(fileURLWithPath: saveScores))
            }
            return try RetrievalScoring.recall(i2t: scores.i2t, t2i: scores.t2i, dataset: dataset)
        }, table: Self.table, report: RetrievalTask.report)
    }

    /// The nine metrics in percent with 2 decimals (the JSON report has full precision).
    static func table(_ result: RetrievalResult) -> String {
        let metrics = result.metrics
        func cell(_ key: String) -> String { String(format: "%8.2f", metrics[key] ?? .nan) }
        return """
        Retrieval recall (%, itm_eval), \(result.imageToTextRanks.count) images, \(result.textToImageRanks.count) texts
                            R@1     R@5    R@10    mean
          image->text  \(cell("txt_r1"))\(cell("txt_r5"))\(cell("txt_r10"))\(cell("txt_r_mean"))
          text->image  \(cell("img_r1"))\(cell("img_r5"))\(cell("img_r10"))\(cell("img_r_mean"))
          r_mean       \(cell("r_mean"))

        """
    }
}
