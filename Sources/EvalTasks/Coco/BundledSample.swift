import Foundation

/// The bundled COCO caption sample that `mplug-eval coco` scores when no files are given.
public enum BundledCocoSample {
    /// The sample's path relative to the package root.
    public static let relativePath = "Tests/Fixtures/captions/coco_val2014_fakecap_1000"

    /// The sample directory (`relativePath`, by default the COCO sample; `refs.json` and `cands.json`
    /// inside), searching each start directory and its ancestors; nil if not found.
    public static func locate(_ relativePath: String = relativePath, searchingFrom starts: [URL]) -> URL? {
        BundledData.locate(relativePath, containing: ["refs.json", "cands.json"], searchingFrom: starts)
    }
}

/// Bundled data sets of the package checkout (`Tests/Fixtures/...`), found from the executable's
/// or the working directory's location.
public enum BundledData {
    /// The directory `relativePath` (relative to the package root) that holds every file of
    /// `files`, searching each start directory and its ancestors; nil if not found.
    public static func locate(_ relativePath: String, containing files: [String], searchingFrom starts: [URL]) -> URL? {
        for start in starts {
            var directory = start.standardizedFileURL
            while true {
                let candidate = directory.appendingPathComponent(relativePath, isDirectory: true)
                if files.allSatisfy({ FileManager.default.fileExists(atPath: candidate.appendingPathComponent($0).path) }) {
                    return candidate
                }
                let parent = directory.deletingLastPathComponent()
                if parent.path == directory.path { break }
                directory = parent
            }
        }
        return nil
    }

    /// The start directories of the command-line tools: the executable's directory, then the
    /// working directory.
    public static var defaultStarts: [URL] {
        [URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent(),
         URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
    }
}
