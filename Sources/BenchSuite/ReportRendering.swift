import Foundation

/// Markdown and HTML renderings of a `BenchReport` (pure: report in, text out).
public enum ReportRendering {
    // MARK: Markdown

    public static func markdown(_ report: BenchReport) -> String {
        var lines: [String] = []
        lines.append("# mplug-bench --ablate-stride (preset \(report.preset))")
        lines.append("")
        lines += headerLines(report).map { "- \($0)" }
        lines.append("")
        lines.append("| part | variant | stride | precision | memory | batch | GFLOP | median ms | p95 ms | CPU ms | images/s | tokens/s | GFLOP/s | % sgemm peak | peak RSS MiB | live tensors MiB | status |")
        lines.append("|---|---|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        for row in report.rows {
            let cells: [String] = [
                row.part.rawValue, row.variant ?? "–", row.stride.map(String.init) ?? "–", row.precision.rawValue,
                row.memory.rawValue, String(row.batch), fixed(row.flops / 1e9, 2), fixed(row.medianSeconds.map { $0 * 1e3 }, 2),
                fixed(row.p95Seconds.map { $0 * 1e3 }, 2), fixed(row.medianCpuSeconds.map { $0 * 1e3 }, 1),
                fixed(row.imagesPerSecond, 2), fixed(row.tokensPerSecond, 1),
                fixed(row.gflopsPerSecond, 1), fixed(row.percentOfSgemmPeak, 1), mib(row.peakRssBytes),
                mib(row.liveTensorHighWaterBytes), row.status,
            ]
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        lines.append("")
        lines.append("## Targets")
        lines.append("")
        lines.append("| target | value | threshold | met | detail |")
        lines.append("|---|---:|---:|---|---|")
        for check in report.targets {
            let met = check.met.map { $0 ? "yes" : "no" } ?? "not measured"
            lines.append("| \(check.name) | \(fixed(check.value, 2)) | \(fixed(check.threshold, 2)) | \(met) | \(check.detail) |")
        }
        lines.append("")
        lines.append("## Notes")
        lines.append("")
        lines += report.notes.map { "- \($0)" }
        return lines.joined(separator: "\n") + "\n"
    }

    static func headerLines(_ report: BenchReport) -> [String] {
        let s = report.system
        let coretype = s.openblasCoretypeSet ? "set (\(s.openblasCoretype))" : "not set"
        let weights = report.weightBytes.sorted { $0.key < $1.key }.map { "\($0.key) \(mib($0.value)) MiB" }.joined(separator: ", ")
        let kernels = report.kernels.sorted { $0.key < $1.key }.map { "\($0.key) → \($0.value)" }.joined(separator: ", ")
        return [
            "date: \(s.date)", "CPU: \(s.cpu) (\(s.cores) cores, AVX512-BF16: \(s.cpuHasAVX512BF16 ? "yes" : "no")), "
                + "load average at start \(s.loadAverage.map { fixed($0, 2) }.joined(separator: " / "))",
            "OpenBLAS core: \(s.openblasCore), threads: \(s.openblasThreads), OPENBLAS_CORETYPE \(coretype)",
            "kernels: \(kernels)", "weights loaded: \(weights)",
            "text length \(report.textLength), caption tokens \(report.generationLength), VQA answer tokens \(report.answerLength), "
                + "warm-up \(report.warmup), repetitions \(report.repetitions)",
        ]
    }

    static func fixed(_ value: Double?, _ digits: Int) -> String {
        guard let value, value.isFinite else { return "–" }
        return String(format: "%.\(digits)f", value)
    }

    static func mib(_ bytes: Int?) -> String {
        guard let bytes else { return "–" }
        return String(format: "%.1f", Double(bytes) / 1_048_576)
    }

    // MARK: HTML

    /// A standalone page: header, throughput-vs-stride chart (inline SVG), per-part time
    /// breakdown (inline SVG bars), the full table and the targets.
    public static func html(_ report: BenchReport) -> String {
        var body = "<h1>mplug-bench --ablate-stride (preset \(escape(report.preset)))</h1>\n<ul>"
        body += headerLines(report).map { "<li>\(escape($0))</li>" }.joined() + "</ul>\n"
        body += "<h2>Text encoder + fusion throughput vs fusion schedule</h2>\n" + strideChart(report)
        body += "<h2>Per-part time breakdown</h2>\n" + breakdownChart(report)
        body += "<h2>All settings</h2>\n" + htmlTable(markdownTable: markdown(report))
        return """
        <!DOCTYPE html>
        <html><head><meta charset="utf-8"><title>mplug-bench \(escape(report.preset))</title>
        <style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;font-size:12px}\
        td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}td:first-child{text-align:left}</style>
        </head><body>
        \(body)
        </body></html>

        """
    }

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]

    /// Images/s of `text_encoder_fusion` per schedule (x: connected-only, strides ascending,
    /// co-attention-only), one line per precision × batch.
    static func strideChart(_ report: BenchReport) -> String {
        let rows = report.rows.filter { $0.part == .textEncoderFusion }
        var categories: [String] = []
        func category(_ row: BenchRow) -> String { row.stride.map { "stride \($0)" } ?? (row.variant ?? "?") }
        let strides = Set(rows.compactMap(\.stride)).sorted()
        categories = [FusionVariant.connectedOnly.name] + strides.map { "stride \($0)" } + [FusionVariant.coAttentionOnly.name]
        var series: [(String, [Double?])] = []
        var seen: [String] = []
        for row in rows {
            let key = "\(row.precision.rawValue) batch \(row.batch)"
            if !seen.contains(key) { seen.append(key) }
        }
        for key in seen {
            let values = categories.map { cat in
                rows.first { "\($0.precision.rawValue) batch \($0.batch)" == key && category($0) == cat }?.imagesPerSecond
            }
            series.append((key, values))
        }
        let maxValue = series.flatMap { $0.1.compactMap { $0 } }.max() ?? 1
        let width = 640.0, height = 320.0, left = 60.0, bottom = 40.0, top = 20.0, right = 160.0
        let plotW = width - left - right, plotH = height - top - bottom
        func x(_ i: Int) -> Double { left + (categories.count > 1 ? Double(i) / Double(categories.count - 1) : 0.5) * plotW }
        func y(_ v: Double) -> Double { top + plotH * (1 - v / max(maxValue, 1e-12)) }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-size=\"11\">\n"
        svg += "<line x1=\"\(left)\" y1=\"\(top + plotH)\" x2=\"\(left + plotW)\" y2=\"\(top + plotH)\" stroke=\"black\"/>"
        svg += "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(top + plotH)\" stroke=\"black\"/>\n"
        for tick in 0...4 {
            let v = maxValue * Double(tick) / 4
            svg += "<text x=\"\(left - 4)\" y=\"\(y(v) + 4)\" text-anchor=\"end\">\(fixed(v, 1))</text>"
        }
        svg += "<text x=\"12\" y=\"\(top + plotH / 2)\" transform=\"rotate(-90 12 \(top + plotH / 2))\" text-anchor=\"middle\">images/s</text>\n"
        for (i, cat) in categories.enumerated() {
            svg += "<text x=\"\(x(i))\" y=\"\(top + plotH + 16)\" text-anchor=\"middle\">\(escape(cat))</text>"
        }
        for (s, (name, values)) in series.enumerated() {
            let color = palette[s % palette.count]
            let points = values.enumerated().compactMap { i, v in v.map { "\(x(i)),\(y($0))" } }
            svg += "\n<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(points.joined(separator: " "))\"/>"
            for point in points {
                let xy = point.split(separator: ",")
                svg += "<circle cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"3\" fill=\"\(color)\"/>"
            }
            svg += "<text x=\"\(left + plotW + 10)\" y=\"\(top + 14 * Double(s + 1))\" fill=\"\(color)\">\(escape(name))</text>"
        }
        return svg + "\n</svg>\n"
    }

    /// Median time of each part per precision × batch, as horizontal bars (fusion parts at the
    /// official stride 3 when timed, else the first stride; generation with the KV cache).
    static func breakdownChart(_ report: BenchReport) -> String {
        let strides = Set(report.rows.compactMap(\.stride)).sorted()
        let officialStride = strides.contains(3) ? 3 : strides.first
        var groups: [(String, [(String, Double)])] = []
        var keys: [(Precision, Int)] = []
        for row in report.rows where !keys.contains(where: { $0 == (row.precision, row.batch) }) {
            keys.append((row.precision, row.batch))
        }
        for (precision, batch) in keys {
            var bars: [(String, Double)] = []
            for part in BenchPart.allCases {
                let match = report.rows.first {
                    $0.part == part && $0.precision == precision && $0.batch == batch
                        && (!part.dependsOnFusion || $0.stride == officialStride)
                        && (!part.generates || $0.memory == .kvCache)
                }
                if let median = match?.medianSeconds { bars.append((part.rawValue, median)) }
            }
            groups.append(("\(precision.rawValue), batch \(batch)", bars))
        }
        let maxTime = groups.flatMap { $0.1.map(\.1) }.max() ?? 1
        let rowHeight = 16.0, labelWidth = 160.0, barWidth = 380.0
        let totalRows = groups.reduce(0) { $0 + $1.1.count + 1 }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(labelWidth + barWidth + 120))\" height=\"\(Int(Double(totalRows) * rowHeight + 10))\" font-size=\"11\">\n"
        var yPos = 12.0
        for (g, (title, bars)) in groups.enumerated() {
            svg += "<text x=\"0\" y=\"\(yPos)\" font-weight=\"bold\">\(escape(title))</text>\n"
            yPos += rowHeight
            for (name, time) in bars {
                let w = barWidth * time / max(maxTime, 1e-12)
                svg += "<text x=\"10\" y=\"\(yPos)\">\(escape(name))</text>"
                svg += "<rect x=\"\(labelWidth)\" y=\"\(yPos - 10)\" width=\"\(w)\" height=\"11\" fill=\"\(palette[g % palette.count])\"/>"
                svg += "<text x=\"\(labelWidth + w + 4)\" y=\"\(yPos)\">\(fixed(time * 1e3, 2)) ms</text>\n"
                yPos += rowHeight
            }
        }
        let note = "<p>text_encoder_fusion and vqa at stride \(officialStride.map(String.init) ?? "–"); generation with the KV cache; "
            + "captioning does not run the fusion, so it does not depend on the stride.</p>\n"
        return svg + "</svg>\n" + note
    }

    /// Converts the Markdown tables of `markdown(_:)` (from the first table on) into HTML tables.
    static func htmlTable(markdownTable text: String) -> String {
        var html = ""
        var inTable = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("|") {
                let cells = line.dropFirst().dropLast().split(separator: "|", omittingEmptySubsequences: false)
                    .map { $0.trimmingCharacters(in: .whitespaces) }
                if cells.allSatisfy({ $0.allSatisfy { "-:".contains($0) } }) { continue }
                if !inTable { html += "<table>\n"; inTable = true
                    html += "<tr>" + cells.map { "<th>\(escape($0))</th>" }.joined() + "</tr>\n"
                    continue
                }
                html += "<tr>" + cells.map { "<td>\(escape($0))</td>" }.joined() + "</tr>\n"
            } else {
                if inTable { html += "</table>\n"; inTable = false }
                if line.hasPrefix("## ") { html += "<h2>\(escape(String(line.dropFirst(3))))</h2>\n" }
                else if line.hasPrefix("- ") && html.contains("<table>") { html += "<p>\(escape(String(line.dropFirst(2))))</p>\n" }
            }
        }
        if inTable { html += "</table>\n" }
        return html
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
