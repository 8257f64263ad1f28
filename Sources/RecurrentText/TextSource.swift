import Foundation

/// Where corpus bytes come from: a file read in chunks, or bytes already in memory.
///
/// A file is never read whole: `forEachChunk` hands out `chunkSize` bytes at a time, so
/// tokenizing a corpus of hundreds of megabytes needs one chunk of memory, not the file.
public enum TextSource: Sendable {
    case file(path: String)
    case bytes([UInt8])

    /// The UTF-8 bytes of `text` as a source.
    public static func text(_ text: String) -> TextSource { .bytes(Array(text.utf8)) }

    /// The file path for error messages, or nil for bytes in memory.
    var name: String? {
        if case .file(let path) = self { return path }
        return nil
    }

    /// Checks that the source can be read and is not empty, and returns its size in bytes.
    /// Errors name the path: no such file, a directory, an empty file, unreadable.
    public func validatedSize() throws(TextError) -> Int {
        switch self {
        case .bytes(let bytes):
            guard !bytes.isEmpty else { throw .emptyFile(path: "(text in memory)") }
            return bytes.count
        case .file(let path):
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw .fileNotFound(path: path)
            }
            if isDirectory.boolValue { throw .isDirectory(path: path) }
            let size: Int
            do {
                let attributes = try FileManager.default.attributesOfItem(atPath: path)
                size = (attributes[.size] as? NSNumber)?.intValue ?? 0
            } catch {
                throw .unreadable(path: path, reason: error.localizedDescription)
            }
            guard size > 0 else { throw .emptyFile(path: path) }
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw .unreadable(path: path, reason: "permission denied")
            }
            return size
        }
    }

    /// Calls `body` with consecutive chunks of at most `chunkSize` bytes, in order.
    func forEachChunk(chunkSize: Int, _ body: (UnsafeRawBufferPointer) throws(TextError) -> Void) throws(TextError) {
        precondition(chunkSize > 0, "chunkSize must be positive")
        switch self {
        case .bytes(let bytes):
            var start = 0
            while start < bytes.count {
                let end = min(start + chunkSize, bytes.count)
                var failure: TextError? = nil
                bytes.withUnsafeBytes { all in
                    do throws(TextError) { try body(UnsafeRawBufferPointer(rebasing: all[start..<end])) } catch { failure = error }
                }
                if let failure { throw failure }
                start = end
            }
        case .file(let path):
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw .unreadable(path: path, reason: "could not open the file")
            }
            defer { try? handle.close() }
            while true {
                let data: Data
                do {
                    guard let read = try handle.read(upToCount: chunkSize), !read.isEmpty else { return }
                    data = read
                } catch {
                    throw .unreadable(path: path, reason: error.localizedDescription)
                }
                // withUnsafeBytes rethrows untyped errors: carry the typed one out by hand.
                var failure: TextError? = nil
                data.withUnsafeBytes { chunk in
                    do throws(TextError) { try body(chunk) } catch { failure = error }
                }
                if let failure { throw failure }
            }
        }
    }
}
