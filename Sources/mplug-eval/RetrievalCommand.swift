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
        Score matrices are .npy (<f4, <f8, integers; C order) or JSON arrays of rows. The mapping \
        JSON holds "img2txt" (text indices per image) and "txt2img" (image index per text).
        """)

    @Option(name: .customLong("scores-i2t"), help: "Image-to-text scores, [n_images, n_texts].")
    var scoresImageToText: String
    @Option(name: .customLong("scores-t2i"), help: "Text-to-image scores, [n_texts, n_images].")
    var scoresTextToImage: String
    @Option(name: .customLong("mapping"), help: "JSON with img2txt and txt2img.")
    var mapping: String
    @Option(name: .customLong("json"), help: "Write the report (schema mplug-eval.retrieval/1) to this file.")
    var jsonOutput: String?

    func run() throws {
        try runAndReport(jsonOutput: jsonOutput, compute: {
            try RetrievalTask.run(scoresImageToText: URL(fileURLWithPath: scoresImageToText),
                                  scoresTextToImage: URL(fileURLWithPath: scoresTextToImage),
                                  mapping: URL(fileURLWithPath: mapping))
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
