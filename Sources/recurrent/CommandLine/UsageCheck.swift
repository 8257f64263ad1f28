import ArgumentParser
import Foundation

/// Mistakes on the command line that ArgumentParser would misread, and its messages reworded:
/// an unknown subcommand (`recurrent trian` → "did you mean 'train'?"), a long option written
/// with one dash (`-checkpoint`, which it would take as the short flags -c -h … and so print the
/// help and exit 0), and suggestions by edit distance over the options that really exist.
enum UsageCheck {
    /// A message for a mistake found before parsing, or nil.
    static func mistake(in arguments: [String], root: ParsableCommand.Type) -> String? {
        let (command, path, rest) = resolve(arguments, root: root)
        // A word where a subcommand is expected, in a command that only has subcommands.
        let subcommands = command.configuration.subcommands
        if !subcommands.isEmpty, let word = rest.first, !word.hasPrefix("-"), word != "help" {
            let names = subcommands.map(commandName)
            var text = "'\(word)' is not a \(path) command"
            if let near = closestMatch(to: word, in: names) { text += "; did you mean '\(runnable(path)) \(near)'?" } else { text += "." }
            return text + " Commands: \(names.joined(separator: ", "))."
        }
        if path != "recurrent train", rest.prefix(while: { $0 != "--" }).contains("--distributed") {
            return "--distributed is only for 'recurrent train' on text: '\(runnable(path))' runs in one process "
                + "(its data fit one machine); leave out --distributed. See docs/distributed.md."
        }
        for argument in rest {
            if argument == "--" { break }
            // `-checkpoint`: one dash before a word (not a number, not a single letter).
            if argument.count > 2, argument.hasPrefix("-"), !argument.hasPrefix("--"),
               let second = argument.dropFirst().first, second.isLetter {
                let long = "-" + OptionAliases.split(argument).name
                let known = optionNames(of: command, root: root)
                let canonical = OptionAliases.canonical[long] ?? long
                let hint = known.contains(canonical) ? "write '\(canonical)'" : suggestion(for: long, among: known).map { "did you mean '\($0)'?" }
                return "'\(argument)' has one dash; long options take two" + (hint.map { ": \($0)" } ?? ".")
                    + " See '\(runnable(path)) --help'."
            }
        }
        return nil
    }

    /// ArgumentParser's message with `error:` in front and a better suggestion for an unknown
    /// option.
    static func reworded(_ message: String, arguments: [String], typed: [String], root: ParsableCommand.Type) -> String {
        var lines = message.components(separatedBy: "\n")
        guard var first = lines.first else { return message }
        if first.hasPrefix("Error: ") { first = "error: " + first.dropFirst("Error: ".count) }
        if let range = first.range(of: "Unknown option '") {
            let afterQuote = first[range.upperBound...]
            if let end = afterQuote.firstIndex(of: "'") {
                var unknown = String(afterQuote[..<end])
                // Name the spelling the user typed, not the canonical name an alias became.
                if let typed = typed.first(where: { OptionAliases.canonical[OptionAliases.split($0).name] == unknown }) {
                    unknown = OptionAliases.split(typed).name
                }
                let (command, path, _) = resolve(arguments, root: root)
                var text = "error: unknown option '\(unknown)' for '\(path)'"
                if unknown.hasPrefix("--"), let near = suggestion(for: unknown, among: optionNames(of: command, root: root)) {
                    text += "; did you mean '\(near)'?"
                }
                first = text
            }
        }
        lines[0] = first
        return lines.joined(separator: "\n")
    }

    /// The subcommand the arguments name, its path ("recurrent forecast train") and the
    /// arguments after it.
    static func resolve(_ arguments: [String], root: ParsableCommand.Type) -> (ParsableCommand.Type, String, ArraySlice<String>) {
        var command = root
        var path = commandName(root)
        var rest = arguments[...]
        while let word = rest.first,
              let next = command.configuration.subcommands.first(where: { commandName($0) == word }) {
            command = next
            path += " " + word
            rest = rest.dropFirst()
        }
        return (command, path, rest)
    }

    /// `path` ("recurrent forecast") with the executable as invoked in front, to paste.
    static func runnable(_ path: String) -> String {
        ([ShellHint.executable] + path.split(separator: " ").dropFirst().map(String.init)).joined(separator: " ")
    }

    static func commandName(_ command: ParsableCommand.Type) -> String {
        command.configuration.commandName ?? String(describing: command).lowercased()
    }

    /// Every long option `command` accepts, read from its help (hidden ones included).
    static func optionNames(of command: ParsableCommand.Type, root: ParsableCommand.Type) -> [String] {
        let help = root.helpMessage(for: command, includeHidden: true, columns: 1000)
        var names = Set<String>()
        var scanner = help[...]
        while let start = scanner.range(of: "--") {
            var end = start.upperBound
            while end < scanner.endIndex, scanner[end].isLetter || scanner[end].isNumber || scanner[end] == "-" {
                end = scanner.index(after: end)
            }
            let name = String(scanner[start.lowerBound..<end])
            if name.count > 3 { names.insert(name) }
            scanner = scanner[end...]
        }
        return names.sorted()
    }

    /// The closest real option (canonical name) to `name`, compared without the dashes.
    static func suggestion(for name: String, among options: [String]) -> String? {
        let bare = { (s: String) in String(s.drop { $0 == "-" }) }
        let known = Set(options)
        // Aliases of options this command has count as candidates too, suggested by their canonical name.
        let aliases = OptionAliases.canonical.filter { known.contains($0.value) }
        var candidates: [String: String] = [:]
        for option in options { candidates[bare(option)] = option }
        for (alias, canonical) in aliases { candidates[bare(alias)] = canonical }
        guard let match = closestMatch(to: bare(name), in: Array(candidates.keys)) else { return nil }
        return candidates[match]
    }
}
