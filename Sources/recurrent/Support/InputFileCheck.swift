import Foundation
import Recurrent
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a file is, found from its first bytes, so a command can refuse the wrong kind before
/// using it and say what the file is instead ("a text file, not a checkpoint").
enum SniffedFile: Equatable {
    case missing
    case directory
    /// A device, FIFO or socket: reading it may never end (`/dev/zero`) or block.
    case special(String)
    case empty
    /// A safetensors file; `format` is its `format` metadata (nil when it has none).
    case safetensors(format: String?)
    case text
    case binary

    /// `path` sniffed: stat, then the safetensors header or the first 4 KiB.
    static func sniff(_ path: String) -> SniffedFile {
        var info = stat()
        guard stat(path, &info) == 0 else { return .missing }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .directory
        case S_IFREG: break
        case S_IFCHR: return .special("a character device")
        case S_IFBLK: return .special("a block device")
        case S_IFIFO: return .special("a FIFO (named pipe)")
        case S_IFSOCK: return .special("a socket")
        default: return .special("not a regular file")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else { return .binary }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 4096)) ?? Data()
        if head.isEmpty { return .empty }
        let size = UInt64(info.st_size)
        if head.count >= 9 {
            // safetensors: u64 little-endian header length N, then N bytes of JSON starting with '{'.
            let n = head.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
            if n >= 2, n <= size - 8, n < 100 << 20, head[8] == UInt8(ascii: "{") {
                try? handle.seek(toOffset: 8)
                if let json = try? handle.read(upToCount: Int(n)),
                   let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any] {
                    let metadata = object["__metadata__"] as? [String: Any]
                    return .safetensors(format: metadata?["format"] as? String)
                }
            }
        }
        // Text: valid UTF-8 (a character may be cut at the 4 KiB boundary) without control
        // bytes other than tab, newline, form feed, carriage return and escape.
        let allowed: Set<UInt8> = [9, 10, 12, 13, 27]
        if head.contains(where: { $0 < 0x20 && !allowed.contains($0) }) { return .binary }
        for cut in 0..<4 where head.count > cut {
            if String(data: head.dropLast(cut), encoding: .utf8) != nil { return .text }
        }
        return .binary
    }

    /// The kind of checkpoint a `format` names, as a user would say it.
    static func checkpointKind(_ format: String?) -> String? {
        switch format {
        case CheckpointKey.formatName?: "language model"
        case "recurrent-forecast-1"?: "forecast"
        case "recurrent-hybrid-1"?: "hybrid forecast"
        case "recurrent-classify-1"?: "classifier"
        default: nil
        }
    }

    /// The command that uses a checkpoint of `format`.
    static func command(for format: String?) -> String? {
        switch format {
        case CheckpointKey.formatName?: "generate"
        case "recurrent-forecast-1"?, "recurrent-hybrid-1"?: "forecast predict"
        case "recurrent-classify-1"?: "classify predict"
        default: nil
        }
    }
}

/// Checks on the files a command is given, before any work.
enum InputFileCheck {
    /// `path` must be a checkpoint in `format` (or a directory holding checkpoints, left to the
    /// loader). `command` is the command's name, for the message.
    static func requireCheckpoint(_ path: String, format: String, command: String) throws {
        let kind = SniffedFile.sniff(path)
        let wanted = SniffedFile.checkpointKind(format) ?? format
        let quoted = ShellHint.quoted(path)
        switch kind {
        case .missing, .directory:
            return      // the loader names a missing file, and finds the checkpoint in a directory
        case .safetensors(let found) where found == format:
            return
        case .safetensors(let found):
            if let other = SniffedFile.checkpointKind(found), let use = SniffedFile.command(for: found) {
                throw CommandFailure("\(quoted) is a \(other) checkpoint, not a \(wanted) one: use `\(ShellHint.command(use))` with it")
            }
            if format == CheckpointKey.formatName { return }   // the loader explains how to add the metadata
            throw CommandFailure("\(quoted) is a safetensors file without recurrent's \(wanted) metadata; pass a checkpoint written by `\(ShellHint.command(command.replacingOccurrences(of: "predict", with: "train")))`")
        case .text:
            throw CommandFailure("\(quoted) is a text file, not a checkpoint; `\(ShellHint.command(command))` needs a \(wanted) checkpoint (.safetensors)")
        case .empty:
            throw CommandFailure("\(quoted) is empty, not a checkpoint")
        case .special(let what):
            throw CommandFailure("\(quoted) is \(what), not a checkpoint")
        case .binary:
            throw CommandFailure("\(quoted) is not a safetensors file; `\(ShellHint.command(command))` needs a \(wanted) checkpoint (.safetensors)")
        }
    }

    /// `path` must be a regular file to read as text or data (not a device, FIFO or a checkpoint).
    static func requireDataFile(_ path: String, role: String) throws {
        let quoted = ShellHint.quoted(path)
        switch SniffedFile.sniff(path) {
        case .special(let what):
            throw CommandFailure("\(quoted) is \(what), not a file; give the \(role) as a regular file")
        case .safetensors(let format):
            let what = SniffedFile.checkpointKind(format).map { "a \($0) checkpoint" } ?? "a safetensors file"
            throw CommandFailure("\(quoted) is \(what), not a \(role)")
        default:
            return      // missing, empty and unreadable files are named by the loader
        }
    }

    /// Creates the output folder `path` if needed and checks that files can be written in it,
    /// so a bad --output fails now and not at the first checkpoint.
    static func requireWritableFolder(_ path: String) throws {
        let quoted = ShellHint.quoted(path)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw CommandFailure("--output \(quoted) is a file, not a folder; choose a folder for the checkpoints")
            }
        } else {
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw CommandFailure("cannot create the output folder \(quoted): \(error.localizedDescription)")
            }
        }
        let probe = (path as NSString).appendingPathComponent(".recurrent-write-test-\(getpid())")
        guard FileManager.default.createFile(atPath: probe, contents: Data()) else {
            throw CommandFailure("cannot write in the output folder \(quoted) (permissions?); choose another --output")
        }
        try? FileManager.default.removeItem(atPath: probe)
    }
}
