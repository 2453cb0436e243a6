import Foundation
import Metrics
import MetricResources

let c0 = clock()
let lexicon = try WordNetLoader.load()
print("load cpu", Double(clock() - c0) / Double(CLOCKS_PER_SEC))
let spice = SpiceLite(lexicon: lexicon)
let args = CommandLine.arguments
if args.count > 2 && args[1] == "-s" {
    for s in args[2...] { print(s, "->", spice.tuples(s).map(\.description).joined(separator: " ")) }
    exit(0)
}
for path in args.dropFirst() {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    let items = try JSONSerialization.jsonObject(with: data) as! [[String: Any]]
    let cands = items.map { ($0["cand_tok"] as! [String])[0] }
    let refs = items.map { $0["refs_tok"] as! [String] }
    let c1 = clock()
    let stats = try spice.statistics(candidates: cands, references: refs)
    let dt = Double(clock() - c1) / Double(CLOCKS_PER_SEC)
    let scores = SpiceLiteStats.corpusScores(stats)
    print(path.split(separator: "/").suffix(2).joined(separator: "/"), "n=\(stats.count)", String(format: "%.3fs", dt))
    for c in SpiceLiteCategory.allCases { print("  \(c.rawValue): \(scores[c]!.map { String(format: "%.4f", $0) } ?? "nan")") }
    let domains = items.map { $0["domain"] as? String ?? "" }
    for d in Set(domains).sorted() where !d.isEmpty {
        let sub = zip(domains, stats).filter { $0.0 == d }.map(\.1)
        print("  \(d): \(String(format: "%.4f", SpiceLiteStats.corpusScores(sub)[.all]!!)) n=\(sub.count)")
    }
}
