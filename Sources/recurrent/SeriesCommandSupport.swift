import ArgumentParser
import Foundation
import Recurrent
import RecurrentSeries

/// Progress and notes for the series commands go to stderr, so stdout holds only results.
func seriesNote(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Writes `text` to `path` atomically, creating its directory; errors name the path.
func seriesWrite(_ text: String, to path: String) throws {
    let url = URL(fileURLWithPath: path)
    do {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    } catch {
        throw SeriesError.invalidArgument("cannot write \(path): \(error.localizedDescription)")
    }
}

/// Creates `directory` (and parents) or fails naming it.
func seriesMakeDirectory(_ directory: String) throws {
    do {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    } catch {
        throw SeriesError.invalidArgument("cannot create the output directory \(directory): \(error.localizedDescription)")
    }
}

extension MissingValuePolicy: ExpressibleByArgument {}
extension SequencePooling: ExpressibleByArgument {}
/// `--reference`: auto (nil) or one of the encodings.
struct ReferenceArgument: ExpressibleByArgument {
    var reference: WindowEncoding.Reference?

    init?(argument: String) {
        switch argument {
        case "auto": reference = nil
        case "last", "last-value": reference = .lastValue
        case "mean": reference = .mean
        case "seasonal": reference = .seasonal
        default: return nil
        }
    }

    init(_ reference: WindowEncoding.Reference?) { self.reference = reference }

    static var allValueStrings: [String] { ["auto", "seasonal", "last", "mean"] }
    var defaultValueDescription: String {
        switch reference {
        case nil: "auto"
        case .lastValue?: "last"
        case .mean?: "mean"
        case .seasonal?: "seasonal"
        }
    }
}

/// A number for a CSV cell: plain decimal, enough digits for Float32 results.
func seriesCSVNumber(_ x: Double) -> String {
    guard x.isFinite else { return "" }
    let rounded = (x * 1_000_000).rounded() / 1_000_000
    return String(rounded)
}

/// The date of step `index` of a series with `dates` (not empty): its own date, or, past the
/// end, the last date advanced by `frequency` (`nil` without one).
func seriesDate(_ dates: [CalendarDate], _ index: Int, frequency: SeriesFrequency?) -> CalendarDate? {
    if index < dates.count { return dates[index] }
    return frequency?.advance(dates[dates.count - 1], by: index - dates.count + 1)
}
