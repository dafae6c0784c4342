// TrainingProgress: the progress bar of the training commands on stderr: step, epoch, loss
// (mean since the last report), images per second and the estimated time left. On a terminal
// the line is redrawn in place; otherwise (a log file, a test) one line per report interval.
import Dispatch
import Foundation

struct TrainingProgress {
    let totalSteps: Int
    let batchSize: Int
    let console: Console
    /// Steps between printed lines when stderr is not a terminal.
    let interval: Int
    private let interactive: Bool
    private let start = DispatchTime.now().uptimeNanoseconds
    private var lossSum = 0.0
    private var lossCount = 0
    private(set) var lastLoss = Float.nan

    init(totalSteps: Int, batchSize: Int, console: Console, interval: Int) {
        self.totalSteps = totalSteps
        self.batchSize = batchSize
        self.console = console
        self.interval = max(1, interval)
        self.interactive = console.errIsTerminal
    }

    /// Seconds since the run started.
    var elapsed: Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }

    /// Records the loss of step `step` (1-based) and reports.
    mutating func update(step: Int, epoch: Int, epochs: Int, loss: Float) {
        lossSum += Double(loss)
        lossCount += 1
        lastLoss = loss
        let last = step == totalSteps
        guard interactive || step % interval == 0 || step == 1 || last else { return }
        let seconds = elapsed
        let rate = Double(step * batchSize) / max(seconds, 1e-9)
        let remaining = seconds / Double(step) * Double(totalSteps - step)
        let fraction = Double(step) / Double(totalSteps)
        let width = 20, filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let line = "[\(bar)] step \(step)/\(totalSteps) epoch \(epoch + 1)/\(epochs) loss "
            + String(format: "%.4f", lossSum / Double(lossCount)) + " " + String(format: "%.2f", rate)
            + " img/s ETA " + Self.clock(remaining)
        lossSum = 0
        lossCount = 0
        if interactive {
            FileHandle.standardError.write(Data(("\r" + line + (last ? "\n" : "")).utf8))
        } else {
            console.err(line)
        }
    }

    /// h:mm:ss.
    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        return String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
    }
}
