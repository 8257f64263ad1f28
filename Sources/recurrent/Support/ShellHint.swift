import Foundation

/// Commands printed for the user to paste: the executable as it was invoked and every path
/// quoted for a POSIX shell.
enum ShellHint {
    /// How to call this executable again: `recurrent` when that name on PATH is this very
    /// file (or it was found through PATH), else the path it was started by, quoted.
    static let executable: String = {
        let invoked = CommandLine.arguments.first ?? "recurrent"
        guard invoked.contains("/") else { return quoted(invoked) }
        let name = (invoked as NSString).lastPathComponent
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        let me = (invoked as NSString).resolvingSymlinksInPath
        for directory in paths {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate),
               (candidate as NSString).resolvingSymlinksInPath == me {
                return quoted(name)
            }
        }
        return quoted(invoked)
    }()

    /// `recurrent <words…>`, the words already quoted where needed.
    static func command(_ words: String...) -> String {
        ([executable] + words).joined(separator: " ")
    }

    /// `text` as one shell word: unchanged when it holds only safe characters, else in single
    /// quotes (a `'` inside becomes `'\''`).
    static func quoted(_ text: String) -> String {
        let safe = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./+:,@%=")
        if !text.isEmpty, text.unicodeScalars.allSatisfy({ safe.contains($0) }) { return text }
        return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
