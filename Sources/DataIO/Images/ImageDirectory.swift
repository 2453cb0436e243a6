import Foundation

/// An image identifier derived from a file name, as `mplug-eval caption --images DIR` reports it.
public enum ImageID: Hashable, Sendable, CustomStringConvertible {
    /// The trailing digits of the file stem (`COCO_val2014_000000391895.jpg` → 391895).
    case number(Int)
    /// The whole stem, when it does not end in digits (or they do not fit in an Int).
    case name(String)

    public var description: String {
        switch self {
        case let .number(n): return String(n)
        case let .name(s): return s
        }
    }

    /// The id for `fileName` (a name or path; the directory part and last extension are ignored).
    public init(fileName: String) {
        let stem = ((fileName as NSString).lastPathComponent as NSString).deletingPathExtension
        let digits = stem.unicodeScalars.reversed().prefix(while: { ("0"..."9").contains($0) })
        if !digits.isEmpty, let value = Int(String(String.UnicodeScalarView(digits.reversed()))) {
            self = .number(value)
        } else {
            self = .name(stem)
        }
    }
}

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
