import Foundation

/// Locates the committed test fixtures under `Tests/Fixtures` (see its README for provenance).
public enum Fixtures {
    /// `Tests/Fixtures`, found relative to this source file so tests run from any directory.
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()   // TestSupport
        .deletingLastPathComponent()   // Sources
        .deletingLastPathComponent()   // package root
        .appendingPathComponent("Tests/Fixtures", isDirectory: true)

    /// The URL of a fixture file, `relative` to `Tests/Fixtures`.
    public static func url(_ relative: String) -> URL {
        root.appendingPathComponent(relative)
    }

    /// The raw bytes of a fixture file.
    public static func data(_ relative: String) throws -> Data {
        try Data(contentsOf: url(relative))
    }

    /// A fixture file parsed with `JSONSerialization` (fragments allowed).
    public static func json(_ relative: String) throws -> Any {
        try JSONSerialization.jsonObject(with: data(relative), options: [.fragmentsAllowed])
    }
}
