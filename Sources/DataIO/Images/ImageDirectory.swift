import Foundation

/// Finds the images of a directory for batch captioning.
public enum ImageDirectory {
    /// File extensions accepted (compared case-insensitively).
    public static let extensions: Set<String> = ["jpg", "jpeg", "png"]

    /// The `.jpg`/`.jpeg`/`.png` files directly inside `directory` (not recursive, hidden files
    /// skipped), sorted by file name (Unicode scalar order) so runs are deterministic.
    public static func list(_ directory: URL) throws -> [URL] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw DataIOError.unreadable(path: directory.path, reason: "not a readable directory")
        }
        return names
            .filter { !$0.hasPrefix(".") && extensions.contains(($0 as NSString).pathExtension.lowercased()) }
            .sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
            .map { directory.appendingPathComponent($0) }
            .filter { url in
                var isDirectory: ObjCBool = false
                return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && !isDirectory.boolValue
            }
    }
}
