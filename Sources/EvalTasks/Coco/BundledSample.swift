import Foundation

/// The caption sample shipped with the package (`Tests/Fixtures/captions/coco_val2014_fakecap_1000`:
/// the official coco-caption demo, 1000 val2014 images), found by walking up from given directories.
public enum BundledCocoSample {
    /// The sample's path relative to the package root.
    public static let relativePath = "Tests/Fixtures/captions/coco_val2014_fakecap_1000"

    /// The sample directory (`relativePath`, by default the COCO sample; `refs.json` and `cands.json`
    /// inside), searching each start directory and its ancestors; nil if not found.
    public static func locate(_ relativePath: String = relativePath, searchingFrom starts: [URL]) -> URL? {
        for start in starts {
            var directory = start.standardizedFileURL
            while true {
                let candidate = directory.appendingPathComponent(relativePath, isDirectory: true)
                if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("refs.json").path),
                   FileManager.default.fileExists(atPath: candidate.appendingPathComponent("cands.json").path) {
                    return candidate
                }
                let parent = directory.deletingLastPathComponent()
                if parent.path == directory.path { break }
                directory = parent
            }
        }
        return nil
    }
}
