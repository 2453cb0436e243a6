import Foundation
@testable import EvalTasks
import TestSupport

/// One case of `captions/edge_cases.json` with the reference tools' recorded outcome.
struct CocoEdgeCase {
    let name: String
    let refs: Any
    let cands: Any
    /// `results["C.UTF-8"]`: `image_order`, `tokenized {gts, res}`, `metrics`, or `load.error`.
    let recorded: [String: Any]

    static func all() throws -> [CocoEdgeCase] {
        let root = try Fixtures.json("captions/edge_cases.json") as! [String: Any]
        return (root["cases"] as! [[String: Any]]).map {
            CocoEdgeCase(name: $0["name"] as! String, refs: $0["refs"]!, cands: $0["cands"]!,
                         recorded: ($0["results"] as! [String: Any])["C.UTF-8"] as! [String: Any])
        }
    }

    var imageOrder: [String]? { (recorded["image_order"] as? [Any])?.map { "\($0)" } }
    var tokenizedReferences: [String: [String]] { (recorded["tokenized"] as! [String: [String: [String]]])["gts"]! }
    var tokenizedCandidates: [String: String] { (recorded["tokenized"] as! [String: [String: [String]]])["res"]!.mapValues { $0[0] } }

    /// Recorded `{corpus, per_image}` of a metric, or nil if it raised.
    func metric(_ name: String) -> (corpus: Double, perImage: [String: Double])? {
        guard let entry = (recorded["metrics"] as? [String: Any])?[name] as? [String: Any],
              let corpus = entry["corpus"] as? Double else { return nil }
        return (corpus, entry["per_image"] as! [String: Double])
    }

    /// Writes the case's files into a fresh temporary directory and loads them.
    func load() throws -> CocoCaptionSet {
        let (refsURL, candsURL) = try writeFiles()
        return try CocoCaptionSet.load(annotations: refsURL, results: candsURL)
    }

    func writeFiles() throws -> (URL, URL) {
        try writeTemporaryFiles(["refs.json": JSONSerialization.data(withJSONObject: refs),
                                 "cands.json": JSONSerialization.data(withJSONObject: cands)])
    }
}

/// Writes `files` (name → bytes) into a new temporary directory; returns the URLs of the first two by name.
func writeTemporaryFiles(_ files: [String: Data]) throws -> (URL, URL) {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("coco-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    for (name, data) in files { try data.write(to: directory.appendingPathComponent(name)) }
    return (directory.appendingPathComponent("refs.json"), directory.appendingPathComponent("cands.json"))
}

/// The tolerances of the golden README (rel 1e-9; BLEU abs 1e-15 below 1e-6; CIDEr abs 1e-12 at 0).
func goldenClose(_ name: String, _ actual: Double, _ expected: Double) -> Bool {
    if name.hasPrefix("Bleu"), abs(expected) < 1e-6 { return isClose(actual, expected, rel: 1e-9, abs: 1e-15) }
    if name == "CIDEr", expected == 0 { return isClose(actual, expected, rel: 1e-9, abs: 1e-12) }
    return isClose(actual, expected, rel: 1e-9)
}
