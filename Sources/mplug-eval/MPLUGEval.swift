import ArgumentParser
import CommandLineSupport

/// `mplug-eval`: score caption, VQA, nocaps and retrieval predictions, and run the mPLUG model.
///
/// Exit codes: 0 ok, 1 a failed check or regression, 2 bad input.
@main
struct MPLUGEval: ParsableCommand {
    static func main() { mainWithUsageErrorsAsBadInput() }

    static let configuration = CommandConfiguration(
        commandName: "mplug-eval",
        abstract: "Evaluate and benchmark the mPLUG vision-language model.",
        subcommands: [CocoCommand.self, NocapsCommand.self, VQACommand.self, RetrievalCommand.self,
                      TokenizeCommand.self, CaptionCommand.self, ConformanceCommand.self, CompareCommand.self,
                      SuiteCommand.self, ReportCommand.self, SetupMeteorCommand.self]
    )
}
