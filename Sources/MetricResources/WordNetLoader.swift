import Foundation
import Metrics

/// Loads WordNet 3.0 dictionary files (Debian `wordnet-base`) into a `WordNetLexicon`.
public enum WordNetLoader {
    /// The command that installs the dictionary files.
    public static let setupCommand = "apt-get install -y wordnet-base"

    /// The dictionary directory: `$WNHOME/dict` when `WNHOME` is set, else `/usr/share/wordnet`
    /// (Debian's `wordnet-base` location). Nil when neither holds `index.noun`.
    public static func dictionaryDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        var candidates: [URL] = []
        if let home = environment["WNHOME"], !home.isEmpty {
            candidates.append(URL(fileURLWithPath: home).appendingPathComponent("dict", isDirectory: true))
        }
        candidates.append(URL(fileURLWithPath: "/usr/share/wordnet", isDirectory: true))
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("index.noun").path) }
    }

    /// Whether the dictionary files are installed where `load()` looks for them.
    public static func isInstalled(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        dictionaryDirectory(environment: environment) != nil
    }

    /// Reads `index.*`, `*.exc` and `cntlist.rev` from `directory` (default: `dictionaryDirectory()`).
    /// Throws `ResourceError.missing` naming the install command when a file is absent.
    public static func load(from directory: URL? = nil) throws -> WordNetLexicon {
        guard let dir = directory ?? dictionaryDirectory() else {
            throw ResourceError.missing(resource: "WordNet 3.0 (/usr/share/wordnet or $WNHOME/dict)", setupCommand: setupCommand)
        }
        func read(_ name: String) throws -> String {
            let url = dir.appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw ResourceError.missing(resource: "WordNet file \(url.path)", setupCommand: setupCommand)
            }
            return String(decoding: data, as: UTF8.self)
        }
        let names: [(WordNetLexicon.PartOfSpeech, String)] = [(.noun, "noun"), (.verb, "verb"), (.adjective, "adj"), (.adverb, "adv")]
        var files: [WordNetLexicon.PartOfSpeech: WordNetLexicon.Files] = [:]
        for (pos, name) in names {
            files[pos] = WordNetLexicon.Files(index: try read("index.\(name)"), exceptions: try read("\(name).exc"))
        }
        return WordNetLexicon(files: files, senseCounts: try read("cntlist.rev"))
    }
}
