// ProgressBar: the one progress display of the long-running commands on stderr — `irn run`
// (images done, skipped, the last image) and `irn train-cam` / `irn train-irn` (step, epoch,
// losses). Every line has the same frame: bar, count, the command's own fields, images/s, time
// left and elapsed as h:mm:ss, then trailing fields. On a terminal the line is redrawn in place;
// otherwise (a log file, a batch job) one line is printed every `interval` seconds, the first and
// the last always, so logs stay short.
import Dispatch
import Foundation
import Pipeline

struct ProgressBar {
    /// What one update shows.
    struct Report {
        /// Units done of `total` (they fill the bar).
        var done: Int
        var total: Int
        /// The count as shown: "3/10 images", "step 3/10".
        var count: String
        /// Fields after the count ("epoch 1/5", "loss 0.6931").
        var fields: [String] = []
        /// Images per second, when known.
        var imagesPerSecond: Double?
        /// Seconds left, when known (not shown once done == total).
        var secondsLeft: Double?
        /// Seconds since the start.
        var elapsed: Double
        /// Fields after the times ("1 skipped", "last 2007_000032").
        var trailing: [String] = []
    }

    let isTerminal: Bool
    /// Seconds between printed lines when stderr is not a terminal.
    let interval: Double
    let console: Console
    private var lastPrinted = -Double.infinity
    private var drawn = false
    private let start = DispatchTime.now().uptimeNanoseconds

    init(console: Console, isTerminal: Bool, interval: Double = 5) {
        self.console = console
        self.isTerminal = isTerminal
        self.interval = interval
    }

    /// Seconds since this bar was made (the clock of callers that keep none).
    var elapsed: Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }

    /// Shows `report`: redrawn on a terminal, otherwise printed when `interval` seconds have
    /// passed since the last printed line, or it is the first or the last. Returns whether it
    /// was shown (callers that average a quantity between lines start a new average then).
    @discardableResult
    mutating func update(_ report: Report) -> Bool {
        if isTerminal {
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + Self.text(report, barWidth: 24)).utf8))
            drawn = true
            return true
        }
        guard report.done >= report.total || report.elapsed - lastPrinted >= interval else { return false }
        console.err(Self.text(report, barWidth: 0))
        lastPrinted = report.elapsed
        return true
    }

    /// `irn run`'s line for a dataset run's progress.
    mutating func update(_ progress: DatasetRunProgress) {
        update(Self.report(progress))
    }

    /// Ends the redrawn line, so that what follows starts on a new one (once; later calls do nothing).
    mutating func finish() {
        if isTerminal && drawn { FileHandle.standardError.write(Data("\n".utf8)) }
        drawn = false
    }

    /// "[=====>   ] 12/100 images, 3.40 images/s, ETA 0:00:26, elapsed 0:00:03, 2 skipped, last 2007_000032".
    static func report(_ progress: DatasetRunProgress) -> Report {
        Report(done: progress.done, total: progress.total, count: "\(progress.done)/\(progress.total) images",
               imagesPerSecond: progress.imagesPerSecond, secondsLeft: progress.estimatedSecondsLeft,
               elapsed: progress.elapsed,
               trailing: (progress.skipped > 0 ? ["\(progress.skipped) skipped"] : []) + ["last " + progress.id])
    }

    static func text(_ progress: DatasetRunProgress, barWidth: Int) -> String {
        text(report(progress), barWidth: barWidth)
    }

    /// A training command's report after step `step` of `totalSteps` (1-based): "step 3/10",
    /// then `fields`, images/s over the whole run and the time left at that pace.
    /// `firstStep`: the step this process started from (a resumed run's rate counts its own steps).
    static func training(step: Int, totalSteps: Int, batchSize: Int, elapsed: Double, fields: [String],
                         firstStep: Int = 0) -> Report {
        let seconds = max(elapsed, 1e-9)
        let taken = step - firstStep
        return Report(done: step, total: totalSteps, count: "step \(step)/\(totalSteps)", fields: fields,
                      imagesPerSecond: Double(taken * batchSize) / seconds,
                      secondsLeft: seconds / Double(max(taken, 1)) * Double(totalSteps - step), elapsed: elapsed)
    }

    /// Means of some values (losses) over the updates since the last shown line.
    struct Average {
        private var sums: [Double] = []
        private var count = 0

        /// Adds one update's values; returns the means including them.
        mutating func add(_ values: [Float]) -> [Double] {
            if sums.count != values.count { sums = Array(repeating: 0, count: values.count) }
            for (k, v) in values.enumerated() { sums[k] += Double(v) }
            count += 1
            return sums.map { $0 / Double(count) }
        }

        /// Starts a new average (after a shown line).
        mutating func reset() {
            sums = sums.map { _ in 0 }
            count = 0
        }
    }

    /// The line of `report`, with a bar of `barWidth` cells (none when 0).
    static func text(_ report: Report, barWidth: Int) -> String {
        var head = ""
        if barWidth > 0 {
            let filled = report.total <= 0 ? barWidth : min(barWidth, barWidth * report.done / report.total)
            head = "[" + String(repeating: "=", count: filled)
                + (filled < barWidth ? ">" + String(repeating: " ", count: barWidth - filled - 1) : "") + "] "
        }
        var parts = [head + report.count] + report.fields
        if let rate = report.imagesPerSecond, rate.isFinite {
            parts.append(String(format: "%.3g images/s", rate))
        }
        if report.done < report.total, let left = report.secondsLeft {
            parts.append("ETA " + duration(left))
        }
        parts.append("elapsed " + duration(report.elapsed))
        return (parts + report.trailing).joined(separator: ", ")
    }

    /// h:mm:ss.
    static func duration(_ seconds: Double) -> String {
        let total = seconds.isFinite ? max(0, Int(seconds.rounded())) : 0
        return String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
    }
}
