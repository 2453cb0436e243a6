import ArgumentParser
import EvalTasks
import Foundation
import Metrics

/// `mplug-eval tokenize`: pycocoevalcap's PTB caption tokenization of a file of captions.
struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Tokenize captions exactly as pycocoevalcap 1.2's PTBTokenizer does (no Java).",
        discussion: """
        All captions of the file form one batch, in file order (the reference tokenizer looks ahead \
        across captions). Output: one tokenized caption per input caption, lower-cased, punctuation \
        dropped, tokens joined by single spaces. Carriage returns, form feeds, vertical tabs, U+0085, \
        U+2028 and U+2029 inside a caption count as spaces (the Java tool would shift later captions).
        """)

    @Option(help: "The caption file: one caption per line, or one JSON string per line with --jsonl.")
    var input: String

    @Flag(help: "Read and write one JSON string per line (captions may then contain newlines).")
    var jsonl = false

    func run() throws {
        let captions = try exitingOnBadInput { try CaptionLines.read(path: input, jsonl: jsonl) }
        let tokenized = PTBTokenizer().tokenize(captions)
        var output = ""
        output.reserveCapacity(tokenized.reduce(0) { $0 + $1.utf8.count + 3 })
        for line in tokenized {
            output += jsonl ? CaptionLines.jsonString(line) : line
            output += "\n"
        }
        FileHandle.standardOutput.write(Data(output.utf8))
    }
}

/// Reading and writing caption files for `tokenize`.
enum CaptionLines {
    /// The captions of a file: its lines (a final newline does not start another caption), each
    /// decoded as a JSON string in `jsonl` mode.
    static func read(path: String, jsonl: Bool) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TaskError.badInput("\(path): cannot read the file (missing or unreadable)")
        }
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        var captions: [String] = []
        captions.reserveCapacity(lines.count)
        for (index, bytes) in lines.enumerated() {
            guard let text = String(bytes: bytes, encoding: .utf8) else {
                throw TaskError.badInput("\(path):\(index + 1): the line is not valid UTF-8")
            }
            guard jsonl else { captions.append(text); continue }
            guard let caption = (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) as? String else {
                throw TaskError.badInput("\(path):\(index + 1): expected one JSON string per line, got \(text.prefix(60))")
            }
            captions.append(caption)
        }
        return captions
    }

    /// `text` as a one-line JSON string literal.
    static func jsonString(_ text: String) -> String {
        let data = try? JSONSerialization.data(withJSONObject: text, options: [.fragmentsAllowed, .withoutEscapingSlashes])
        return data.map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
    }
}
