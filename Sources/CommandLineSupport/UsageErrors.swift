import ArgumentParser
import Foundation

extension ParsableCommand {
    /// Parses the command line and runs the chosen command, like `main()`, except that a usage
    /// error (unknown option, missing or invalid argument) prints one line on standard error,
    /// `error: <message> (see '<command> --help')`, and exits with code 2, the code the tools use
    /// for every bad input. Help, `--version` and explicit exit codes behave as in `main()`.
    public static func mainWithUsageErrorsAsBadInput() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
            let firstLine = message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid arguments"
            let commandName = configuration.commandName ?? "the command"
            FileHandle.standardError.write(Data("error: \(firstLine) (see '\(commandName) --help')\n".utf8))
            Foundation.exit(2)
        }
    }
}
