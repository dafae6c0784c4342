// IRNCommandLine: the entry point of the `irn` tool — dispatch to a command, print help,
// map errors to one line on stderr plus a hint, and choose the exit code
// (0 success, 1 runtime error, 2 usage error). Commands stay thin: they parse, then call
// the library modules.
import Foundation

/// Where a command writes: injectable so tests can capture output.
struct Console {
    var out: (String) -> Void
    var err: (String) -> Void
    /// Whether `err` is the process's stderr and that is a terminal (progress redrawn in place).
    var errIsTerminal = false

    static let standard = Console(
        out: { FileHandle.standardOutput.write(Data(($0 + "\n").utf8)) },
        err: { FileHandle.standardError.write(Data(($0 + "\n").utf8)) },
        errIsTerminal: isatty(STDERR_FILENO) != 0)
}

protocol IRNCommand {
    static var spec: CommandSpec { get }
    static func run(_ arguments: ParsedArguments, console: Console) throws
}

enum IRNCommandLine {
    static let version = "0.1.0"

    static let commands: [IRNCommand.Type] = [
        CAMCommand.self,
        BoundaryCommand.self,
        SemSegCommand.self,
        InsSegCommand.self,
        TrainCAMCommand.self,
        MineRelationsCommand.self,
        TrainIRNCommand.self,
        RunCommand.self,
        RefineCommand.self,
        CRFCommand.self,
        EvalCommand.self,
        ExportCommand.self,
        ConvertCommand.self,
        BenchCommand.self,
        SynthCommand.self,
        DemoCommand.self,
    ]

    static func overview() -> String {
        let width = (commands.map { $0.spec.name.count }.max() ?? 0) + 2
        let list = commands.map { "  " + $0.spec.name + String(repeating: " ", count: width - $0.spec.name.count) + $0.spec.summary }
        return """
            irn \(version): weakly supervised segmentation label synthesis (IRNet, PAMR) in pure Swift

            Usage: irn <command> [options]

            Commands:
            \(list.joined(separator: "\n"))

            Run 'irn <command> --help' for a command's options and an example.
            Example:
              irn bench gemm --sizes 256,512,1024
            """
    }

    /// Runs the tool on `arguments` (without the program name) and returns the exit code.
    static func run(_ arguments: [String], console: Console = .standard) -> Int32 {
        guard let first = arguments.first else {
            console.err(overview())
            return 2
        }
        switch first {
        case "--help", "-h", "help":
            console.out(overview()); return 0
        case "--version":
            console.out("irn \(version)"); return 0
        default: break
        }
        guard let command = commands.first(where: { $0.spec.name == first }) else {
            console.err("irn: error: unknown command '\(first)'")
            console.err("hint: run 'irn --help' for the list of commands")
            return 2
        }
        do {
            let parsed = try ParsedArguments(Array(arguments.dropFirst()), spec: command.spec)
            if parsed.wantsHelp {
                console.out(command.spec.helpText()); return 0
            }
            try command.run(parsed, console: console)
            return 0
        } catch let usage as UsageError {
            console.err("irn: error: \(usage.message)")
            console.err("hint: \(usage.hint)")
            return 2
        } catch {
            let (message, hint) = ErrorReport.describe(error)
            console.err("irn: error: \(message)")
            console.err("hint: \(hint)")
            return 1
        }
    }
}
