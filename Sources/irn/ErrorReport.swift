// ErrorReport: turns any error a command throws into one line of text and a hint for the user.
// Library errors are typed (PNGError, NPYError, ...); this is the one place that knows how to
// phrase them at the command line.
import Codecs

/// An error raised by a command itself (a missing file, a bad combination of inputs).
struct CommandFailure: Error {
    let message: String
    let hint: String
}

enum ErrorReport {
    static func describe(_ error: Error) -> (message: String, hint: String) {
        switch error {
        case let failure as CommandFailure:
            return (failure.message, failure.hint)
        case let npy as NPYError:
            return ("not a readable .npy array: \(npy)", "write arrays with numpy.save (C order, little-endian)")
        default:
            return ("\(error)", "run with --help to check the inputs")
        }
    }
}
