import Foundation
import Metrics

/// The versioned result document of `mplug-eval nocaps` (`"schema": "mplug-eval.nocaps/1"`).
///
/// * `domains[D]` for D in `in-domain`, `near-domain`, `out-domain` (those with images) and
///   `entire`: `n_images`, `bleu_totalcomps`, and the members of the coco document (`corpus`,
///   `imgToEval`, `image_order`, `diagnostics`, `stats`, and `ci95` with `--bootstrap`; see
///   `CocoCaptionReport`) of that subset.
///   Key names and the raw 0–1 scale are pycocoevalcap's.
/// * `server_format[D]`: the corpus scores under the nocaps EvalAI names (`B1`…`B4`, `METEOR`,
///   `ROUGE-L`, `CIDEr`, and `SPICE-lite`, never `SPICE`), raw scale (leaderboards show ×100).
public struct NocapsReport: Sendable {
    public static let schema = "mplug-eval.nocaps/1"

    /// Per part (`NocapsEvaluation.parts` order): its name and its coco report.
    public var parts: [(name: String, report: CocoCaptionReport)]

    /// - Parameter intervals: bootstrap intervals of one part's corpus scores (resampling that part's
    ///   images), written as `domains[D].ci95`; nil for none.
    public init(_ evaluation: NocapsEvaluation,
                intervals: (CocoCaptionEvaluation) -> [String: ConfidenceInterval]? = { _ in nil }) {
        parts = evaluation.parts.map { ($0.name, CocoCaptionReport($0.evaluation, ci95: intervals($0.evaluation))) }
    }

    /// The report of part `name`, if evaluated.
    public subscript(name: String) -> CocoCaptionReport? {
        parts.first { $0.name == name }?.report
    }

    /// pycocoevalcap corpus names → nocaps EvalAI names, in the server's order. SPICE-lite keeps its
    /// own name (it is not SPICE); its per-category keys (`SPICE-lite/Object`, …) stay in `corpus` only.
    static let serverColumns: [(corpus: String, server: String)] = [
        ("Bleu_1", "B1"), ("Bleu_2", "B2"), ("Bleu_3", "B3"), ("Bleu_4", "B4"), ("METEOR", "METEOR"),
        ("ROUGE_L", "ROUGE-L"), ("CIDEr", "CIDEr"), ("SPICE-lite", "SPICE-lite"),
    ]

    /// The corpus scores of `report` under the nocaps server's names (those computed).
    public static func serverFormat(_ report: CocoCaptionReport) -> [String: Double] {
        Dictionary(uniqueKeysWithValues: serverColumns.compactMap { column in
            report.corpus[column.corpus].map { (column.server, $0) }
        })
    }

    /// The document as JSON (sorted keys, compact, trailing newline).
    public func jsonData() -> Data {
        let domains = parts.map { part -> (String, JSONOutput) in
            var members: [(String, JSONOutput)] = [("n_images", .int(part.report.imageOrder.count))]
            if let totals = part.report.diagnostics.bleuTotals {
                members.append(("bleu_totalcomps", CocoCaptionReport.json(totals)))
            }
            return (part.name, .object(members + part.report.jsonMembers()))
        }
        let server = parts.map { part in
            (part.name, JSONOutput.object(Self.serverFormat(part.report).map { ($0.key, .double($0.value)) }))
        }
        return Data(JSONOutput.object([("schema", .string(Self.schema)), ("domains", .object(domains)),
                                       ("server_format", .object(server))]).bytes())
    }

    /// The server columns computed in the first part (all parts have the same metrics).
    private var columns: [(corpus: String, server: String)] {
        Self.serverColumns.filter { parts.first?.report.corpus[$0.corpus] != nil }
    }

    private func rows() -> [[String]] {
        parts.map { part in
            [part.name, String(part.report.imageOrder.count)]
                + columns.map { part.report.corpus[$0.corpus].map { String(format: "%.4f", $0) } ?? "-" }
        }
    }

    /// A plain-text table, one row per domain (raw scale, 4 decimals).
    public func textTable() -> String {
        let header = ["domain", "images"] + columns.map(\.server)
        let table = [header] + rows()
        let widths = header.indices.map { column in table.map { $0[column].count }.max() ?? 0 }
        return table.map { row in
            row.enumerated().map { column, cell in
                column == 0 ? cell.padding(toLength: widths[0], withPad: " ", startingAt: 0)
                            : String(repeating: " ", count: widths[column] - cell.count) + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    /// A Markdown table, one row per domain (raw scale, 4 decimals).
    public func markdownTable() -> String {
        let header = ["domain", "images"] + columns.map(\.server)
        var lines = ["| " + header.joined(separator: " | ") + " |",
                     "|---|" + String(repeating: "---:|", count: header.count - 1)]
        lines += rows().map { "| " + $0.joined(separator: " | ") + " |" }
        lines.append("")
        lines.append("Each domain scored as its own subset (own CIDEr-D document frequencies); pycocoevalcap 1.2 semantics, raw 0–1 scale.")
        return lines.joined(separator: "\n") + "\n"
    }
}
