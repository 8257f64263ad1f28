#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// Thin wrappers over POSIX file calls, so every failure becomes a `SafeTensorsError` naming the
// file (Foundation's `FileHandle` traps on some read errors and cannot `fsync` a directory).

extension SafeTensorsError {
    /// A failed write, close or fsync: out of room (full disk or quota, or past the file-size
    /// limit, which the CLI turns from SIGXFSZ into EFBIG) is ``Problem/noSpace(operation:detail:)``.
    package static func writing(_ file: String, operation: String, code: Int32) -> SafeTensorsError {
        let detail = systemErrorMessage(code)
        switch code {
        case ENOSPC, EDQUOT, EFBIG: return SafeTensorsError(file: file, problem: .noSpace(operation: operation, detail: detail))
        default: return SafeTensorsError(file: file, problem: .writeFailed(operation: operation, detail: detail))
        }
    }
}

/// The operating system's message for an `errno` value.
func systemErrorMessage(_ code: Int32) -> String {
    String(cString: strerror(code))
}

/// The directory part of `path` (`"."` when there is none).
func directoryOf(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    let dir = String(path[..<slash])
    return dir.isEmpty ? "/" : dir
}

/// The last component of `path`.
func fileNameOf(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return path }
    return String(path[path.index(after: slash)...])
}

/// A regular file opened for reading; closed when it goes out of scope.
struct InputFile: ~Copyable {
    let descriptor: Int32
    let path: String
    /// Size in bytes when opened.
    let byteCount: Int

    init(path: String) throws(SafeTensorsError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            switch code {
            case ENOENT, ENOTDIR: throw SafeTensorsError(file: path, problem: .fileNotFound)
            case EISDIR: throw SafeTensorsError(file: path, problem: .isDirectory)
            default: throw SafeTensorsError(file: path, problem: .unreadable(detail: systemErrorMessage(code)))
            }
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw SafeTensorsError(file: path, problem: .unreadable(detail: systemErrorMessage(code)))
        }
        let kind = info.st_mode & S_IFMT
        guard kind == S_IFREG else {
            close(fd)
            throw SafeTensorsError(file: path, problem: kind == S_IFDIR ? .isDirectory : .notRegularFile)
        }
        descriptor = fd
        byteCount = Int(info.st_size)
    }

    deinit { close(descriptor) }

    /// Fills `buffer` from the current position; returns how many bytes were read (fewer only
    /// at end of file).
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(SafeTensorsError) -> Int {
        var done = 0
        while done < buffer.count {
            let n = posixRead(descriptor, buffer.baseAddress! + done, buffer.count - done)
            if n < 0 {
                let code = errno
                if code == EINTR { continue }
                throw SafeTensorsError(file: path, problem: .unreadable(detail: systemErrorMessage(code)))
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// Reads exactly `count` bytes into a new array (fewer at end of file).
    func readBytes(_ count: Int) throws(SafeTensorsError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var got = 0
        if count > 0 {
            // withUnsafeMutableBytes only rethrows untyped errors, so carry the result out.
            let result = bytes.withUnsafeMutableBytes { raw in
                Result { () throws(SafeTensorsError) -> Int in try read(into: raw) }
            }
            got = try result.get()
        }
        if got < count { bytes.removeLast(count - got) }
        return bytes
    }
}

/// `read(2)` and `write(2)` under names that do not collide with the methods below.
@inline(__always)
private func posixRead(_ fd: Int32, _ p: UnsafeMutableRawPointer, _ n: Int) -> Int {
    read(fd, p, n)
}

/// A file being written by ``AtomicFile/write(to:_:)``.
package struct OutputFile {
    package let descriptor: Int32
    /// The final path (named in errors; the bytes go to a temporary file beside it).
    package let target: String

    /// Writes all of `bytes`, retrying short writes and interruptions.
    package func write(_ bytes: UnsafeRawBufferPointer) throws(SafeTensorsError) {
        var done = 0
        while done < bytes.count {
            let n = posixWrite(descriptor, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                let code = errno
                if code == EINTR { continue }
                throw SafeTensorsError.writing(target, operation: "write", code: code)
            }
            done += n
        }
    }

    package func write(_ bytes: [UInt8]) throws(SafeTensorsError) {
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(SafeTensorsError) in try write(raw) }
        }
        try result.get()
    }

    /// Writes all of `bytes` at `offset` (over bytes already written), leaving the position
    /// for the next `write` where it was.
    package func write(_ bytes: [UInt8], at offset: Int) throws(SafeTensorsError) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { raw in pwrite(descriptor, raw.baseAddress! + done, raw.count - done, off_t(offset + done)) }
            if n < 0 {
                let code = errno
                if code == EINTR { continue }
                throw SafeTensorsError.writing(target, operation: "write", code: code)
            }
            done += n
        }
    }
}

@inline(__always)
private func posixWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int {
    write(fd, p, n)
}

/// Crash-safe file replacement: write a temporary file in the same directory, flush it to
/// disk, rename it over the target, flush the directory.
///
/// `rename(2)` within one file system is atomic, so at every instant the target path holds
/// either the complete old file or the complete new one; the file `fsync` before the rename
/// ensures the new name never points at data still in the page cache (a power cut after the
/// rename would otherwise leave a zero-length or partial file), and the directory `fsync`
/// makes the rename itself durable. On any failure the temporary file is removed and the
/// target is untouched. A process killed mid-write leaves only a temporary file named
/// `.<name>.tmp-<pid>-<random>`, which ``CheckpointDirectory`` removes later.
package enum AtomicFile {
    /// The marker in temporary file names: `.<name>` + marker + `<pid>-<random>`.
    static let temporaryMarker = ".tmp-"

    /// Writes a file at `path` atomically; `body` writes the contents.
    package static func write(to path: String,
                              _ body: (OutputFile) throws(SafeTensorsError) -> Void) throws(SafeTensorsError) {
        let directory = directoryOf(path)
        let temporary = temporaryPath(for: path)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR {
                throw SafeTensorsError(file: path, problem: .directoryNotFound(directory: directory))
            }
            throw SafeTensorsError(file: path, problem: .writeFailed(
                operation: "creating a temporary file in '\(directory)'", detail: systemErrorMessage(code)))
        }
        var open = true
        do throws(SafeTensorsError) {
            try body(OutputFile(descriptor: fd, target: path))
            try flush(fd, path: path)
            open = false
            if close(fd) != 0 {
                throw SafeTensorsError.writing(path, operation: "close", code: errno)
            }
            if rename(temporary, path) != 0 {
                throw SafeTensorsError(file: path, problem: .writeFailed(operation: "rename", detail: systemErrorMessage(errno)))
            }
        } catch {
            if open { close(fd) }
            unlink(temporary)
            throw error
        }
        try syncDirectory(directory, target: path)
    }

    /// Atomically makes `path` another name for the file at `source` (a hard link renamed into
    /// place: no copy, no moment without a complete file). Returns false, changing nothing,
    /// when the file system does not support hard links; the caller then writes a copy.
    static func replace(_ path: String, withHardLinkTo source: String) throws(SafeTensorsError) -> Bool {
        let temporary = temporaryPath(for: path)
        if link(source, temporary) != 0 {
            let code = errno
            switch code {
            case EPERM, ENOTSUP, EOPNOTSUPP, EXDEV, EMLINK: return false
            case ENOENT: throw SafeTensorsError(file: source, problem: .fileNotFound)
            default:
                throw SafeTensorsError(file: path, problem: .writeFailed(operation: "link", detail: systemErrorMessage(code)))
            }
        }
        if rename(temporary, path) != 0 {
            let code = errno
            unlink(temporary)
            throw SafeTensorsError(file: path, problem: .writeFailed(operation: "rename", detail: systemErrorMessage(code)))
        }
        try syncDirectory(directoryOf(path), target: path)
        return true
    }

    /// `.<name>.tmp-<pid>-<random>` beside `path`.
    static func temporaryPath(for path: String) -> String {
        let directory = directoryOf(path)
        let name = "." + fileNameOf(path) + temporaryMarker + "\(getpid())-" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
        return directory == "/" ? "/" + name : directory + "/" + name
    }

    /// Flushes a file's data to stable storage (`F_FULLFSYNC` on Apple platforms, where plain
    /// `fsync` only reaches the drive's cache).
    static func flush(_ fd: Int32, path: String) throws(SafeTensorsError) {
        #if canImport(Darwin)
        if fcntl(fd, F_FULLFSYNC) == 0 { return }
        #endif
        while fsync(fd) != 0 {
            let code = errno
            if code == EINTR { continue }
            throw SafeTensorsError.writing(path, operation: "fsync", code: code)
        }
    }

    /// Flushes a directory so a rename or unlink in it survives a power cut.
    static func syncDirectory(_ directory: String, target: String) throws(SafeTensorsError) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            throw SafeTensorsError(file: target, problem: .writeFailed(
                operation: "opening directory '\(directory)' to fsync it", detail: systemErrorMessage(errno)))
        }
        defer { close(fd) }
        while fsync(fd) != 0 {
            let code = errno
            if code == EINTR { continue }
            // Some file systems cannot fsync a directory; the rename is still atomic there.
            if code == EINVAL || code == ENOTSUP || code == EOPNOTSUPP || code == EBADF { return }
            throw SafeTensorsError(file: target, problem: .writeFailed(
                operation: "fsync of directory '\(directory)'", detail: systemErrorMessage(code)))
        }
    }
}
