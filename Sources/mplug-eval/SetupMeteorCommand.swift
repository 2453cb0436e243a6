import ArgumentParser
import Foundation
import MetricResources

/// `mplug-eval setup-meteor`: builds METEOR's memory-mapped index from the extracted resources.
/// Hidden: `scripts/setup-meteor.sh` extracts the files and calls it.
struct SetupMeteorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "setup-meteor",
        abstract: "Build the METEOR 1.5 index (called by scripts/setup-meteor.sh).",
        shouldDisplay: false
    )

    @Option(help: "The METEOR resource directory (default: ${MPLUG_EVAL_CACHE:-$HOME/.cache/mplug-eval}/meteor-1.5).")
    var directory: String?

    func run() throws {
        try exitingOnBadInput {
            let url = directory.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? MeteorResourceLoader.defaultDirectory
            try MeteorResourceLoader.buildIndex(directory: url)
            print("setup-meteor: built \(url.path)/meteor-en.index")
        }
    }
}
