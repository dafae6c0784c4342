// ProgressBar: the progress line of `irn run` on stderr: images done of the total, images per
// second, time left, images skipped because their outputs existed, and the image just done.
// On a terminal the line is redrawn in place; otherwise (a log file, a batch job) one line is
// printed every `interval` seconds and after the last image, so logs stay short.
import Foundation
import Pipeline

struct ProgressBar {
    let isTerminal: Bool
    let interval: Double
    let console: Console
    private var lastPrinted = -Double.infinity
    private var drawn = false

    init(console: Console, isTerminal: Bool, interval: Double = 5) {
        self.console = console
        self.isTerminal = isTerminal
        self.interval = interval
    }

    mutating func update(_ progress: DatasetRunProgress) {
        let last = progress.done == progress.total
        if isTerminal {
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + Self.text(progress, barWidth: 24)).utf8))
            drawn = true
        } else if last || progress.elapsed - lastPrinted >= interval {
            console.err(Self.text(progress, barWidth: 0))
            lastPrinted = progress.elapsed
        }
    }

    /// Ends the redrawn line, so that what follows starts on a new one.
    func finish() {
        if isTerminal && drawn { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    /// "[=====>   ] 12/100 images, 3.40 images/s, ETA 0:00:26, 2 skipped, last 2007_000032".
    static func text(_ progress: DatasetRunProgress, barWidth: Int) -> String {
        var parts: [String] = []
        var head = ""
        if barWidth > 0 {
            let filled = progress.total == 0 ? barWidth : barWidth * progress.done / progress.total
            head = "[" + String(repeating: "=", count: filled)
                + (filled < barWidth ? ">" + String(repeating: " ", count: barWidth - filled - 1) : "") + "] "
        }
        parts.append(head + "\(progress.done)/\(progress.total) images")
        if let rate = progress.imagesPerSecond {
            parts.append(String(format: "%.3g images/s", rate))
        }
        if progress.done < progress.total, let left = progress.estimatedSecondsLeft {
            parts.append("ETA " + duration(left))
        }
        parts.append("elapsed " + duration(progress.elapsed))
        if progress.skipped > 0 { parts.append("\(progress.skipped) skipped") }
        parts.append("last " + progress.id)
        return parts.joined(separator: ", ")
    }

    /// h:mm:ss.
    static func duration(_ seconds: Double) -> String {
        let total = seconds.isFinite ? max(0, Int(seconds.rounded())) : 0
        return String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
    }
}
