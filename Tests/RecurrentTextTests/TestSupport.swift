import Foundation
@testable import RecurrentText

/// Texts that break naive tokenizers: multi-scalar grapheme clusters, both normalization forms
/// of the same letter, scripts without spaces, CRLF and a lone CR, a byte-order mark.
enum Samples {
    static let tricky = "\u{FEFF}Café vs Cafe\u{301}: naïve résumé — ZWJ 👨‍👩‍👧‍👦, tone 👍🏽, flags 🇯🇵🇺🇸🇬🇧.\r\n"
        + "東京は晴れ。한국어 텍스트. Zalgo: a\u{0323}\u{0308}\u{0301}!\r\nline\rend\ttab  two spaces\n\n"
        + "Ελληνικά, русский, עברית, हिन्दी, ไทย.\n"
}

/// A file in a fresh temporary directory, removed with the directory by `cleanUp()`.
struct TemporaryFile {
    let directory: URL
    let path: String

    init(bytes: [UInt8], name: String = "corpus.txt") throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("recurrent-text-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    init(text: String) throws { try self.init(bytes: Array(text.utf8)) }

    func cleanUp() { try? FileManager.default.removeItem(at: directory) }
}

/// The project root (the folder with Package.swift), found from this file's path.
func packageRoot(_ file: String = #filePath) -> URL {
    var url = URL(fileURLWithPath: file).deletingLastPathComponent()
    while url.path != "/" {
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        url = url.deletingLastPathComponent()
    }
    return url
}

extension TokenArray {
    var ids: [Int] { map { Int($0) } }
}
