import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Terminal output for the commands: results to stdout, progress and messages to stderr.
enum Console {
    /// Whether stderr is a terminal (live progress line) or a file/pipe (plain lines).
    static let stderrIsTerminal = isatty(STDERR_FILENO) == 1

    /// Writes to stdout at once (generated text streams token by token).
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// Columns of the terminal on stderr (80 when unknown).
    static var terminalWidth: Int {
        var size = winsize()
        if ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return 80
    }

    /// Silences `message` and `status` (the processes of a distributed run other than rank 0;
    /// set once, before any output).
    nonisolated(unsafe) static var isQuiet = false

    /// A message line on stderr.
    static func message(_ text: String) {
        guard !isQuiet else { return }
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Text on stderr without a newline (the live progress line).
    static func status(_ text: String) {
        guard !isQuiet else { return }
        FileHandle.standardError.write(Data(text.utf8))
    }
}

/// An error already worded for the user: the command prints it and exits non-zero.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs a command body: any error is printed as `error: <message>` on stderr and becomes
/// exit status 1 (never a crash or a stack trace). An `ExitCode` passes through.
func runReportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        Console.message("error: \(String(describing: error))")
        throw ExitCode.failure
    }
}

/// "1h02m", "4m12s", "37s".
func formatDuration(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "?" }
    let s = Int(seconds.rounded())
    if s >= 3600 { return "\(s / 3600)h\(String(format: "%02d", (s % 3600) / 60))m" }
    if s >= 60 { return "\(s / 60)m\(String(format: "%02d", s % 60))s" }
    return "\(s)s"
}

/// "12.3k", "950".
func formatRate(_ value: Double) -> String {
    value >= 10_000 ? String(format: "%.1fk", value / 1000) : String(format: "%.0f", value)
}
