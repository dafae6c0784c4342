// irn: the command-line tool. See IRNCommandLine for dispatch and Docs/CLI.md for the commands.
import Foundation

exit(IRNCommandLine.run(Array(CommandLine.arguments.dropFirst())))
