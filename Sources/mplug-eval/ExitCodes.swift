import Foundation
import ArgumentParser

/// The process exit codes shared by every subcommand.
enum ExitCodes {
    /// A check failed or a regression was found.
    static let failedCheck = ExitCode(1)
    /// The input was bad: a missing file, malformed JSON, an unknown id.
    static let badInput = ExitCode(2)
}

/// Runs `body`; a thrown error is printed as one line on standard error and becomes exit code 2.
func exitingOnBadInput<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ExitCode {
        throw error
    } catch {
        FileHandleStderr.write("error: \(error)\n")
        throw ExitCodes.badInput
    }
}

/// Minimal standard-error writer.
enum FileHandleStderr {
    static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
