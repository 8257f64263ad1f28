#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An advisory lock on a run folder, so two training processes never write checkpoints into
/// the same folder: the second is refused at once, with the holder's process id.
///
/// The lock is `flock(2)` on `<folder>/.recurrent.lock`, a file holding the holder's PID. The
/// kernel drops an `flock` when its process exits however it exits, so a lock file left by a
/// killed process is simply taken over. Where a file system has no `flock` (some network file
/// systems report `ENOLCK`), the PID in the file decides: a live process holds the folder, a
/// dead one's lock is taken over.
///
/// ```
/// run/
///   .recurrent.lock      "4242\n" while process 4242 trains here; removed when it releases
///   step-000200.safetensors …
/// ```
///
/// The lock file is removed on ``release()``. Removing a lock file races with another process
/// that has it open but not yet locked; so after locking, the holder checks that the path still
/// names the file it locked, and tries again otherwise.
public final class RunFolderLock {
    /// The name of the lock file inside the folder.
    public static let fileName = ".recurrent.lock"

    /// The folder locked.
    public let directory: String
    /// `<directory>/.recurrent.lock`.
    public let path: String
    private var descriptor: Int32
    /// True when ``init(directory:)`` created the folder (released folders left empty are removed).
    private let createdDirectory: Bool

    /// Locks `directory`, creating it (and its parents) when missing.
    ///
    /// - Throws: ``RunFolderError/inUse(directory:pid:)`` when another process holds it,
    ///   ``RunFolderError/cannotLock(directory:detail:)`` when the folder or the lock file cannot be made.
    public init(directory: String) throws(RunFolderError) {
        self.directory = directory
        path = directory.hasSuffix("/") ? directory + RunFolderLock.fileName : directory + "/" + RunFolderLock.fileName
        createdDirectory = try RunFolderLock.makeDirectories(directory)
        do {
            descriptor = try RunFolderLock.acquire(path, directory: directory)
        } catch {
            if createdDirectory { rmdir(directory) }
            throw error
        }
    }

    deinit { release() }

    /// Unlocks the folder and removes the lock file (and the folder, when this lock created it
    /// and nothing else was written). Calling it again does nothing.
    public func release() {
        guard descriptor >= 0 else { return }
        unlink(path)
        close(descriptor)
        descriptor = -1
        if createdDirectory { rmdir(directory) }
    }

    // MARK: Locking

    private static func acquire(_ path: String, directory: String) throws(RunFolderError) -> Int32 {
        while true {
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                throw RunFolderError.cannotLock(directory: directory, detail: "creating \(path): \(systemErrorMessage(errno))")
            }
            if flock(fd, LOCK_EX | LOCK_NB) != 0 {
                let code = errno
                if code == EINTR { close(fd); continue }
                if code == EWOULDBLOCK {
                    let holder = readPID(fd)
                    close(fd)
                    throw RunFolderError.inUse(directory: directory, pid: holder)
                }
                guard code == ENOLCK || code == ENOTSUP || code == EOPNOTSUPP else {
                    close(fd)
                    throw RunFolderError.cannotLock(directory: directory, detail: "flock \(path): \(systemErrorMessage(code))")
                }
                // No flock here: the PID in the file decides.
                if let holder = readPID(fd), holder != getpid(), isAlive(holder) {
                    close(fd)
                    throw RunFolderError.inUse(directory: directory, pid: holder)
                }
            }
            // The holder we waited on may have removed the file between our open and flock:
            // then we locked an orphan, and must lock whatever the path names now.
            var locked = stat(), current = stat()
            guard fstat(fd, &locked) == 0, stat(path, &current) == 0,
                  locked.st_dev == current.st_dev, locked.st_ino == current.st_ino else {
                close(fd)
                continue
            }
            let text = Array("\(getpid())\n".utf8)
            guard ftruncate(fd, 0) == 0, pwrite(fd, text, text.count, 0) == text.count else {
                let code = errno
                close(fd)
                unlink(path)
                throw RunFolderError.cannotLock(directory: directory, detail: "writing \(path): \(systemErrorMessage(code))")
            }
            return fd
        }
    }

    /// The PID written in the lock file, if it holds one.
    private static func readPID(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = pread(fd, &buffer, buffer.count, 0)
        guard n > 0 else { return nil }
        let digits = buffer[..<n].prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        return Int32(String(decoding: digits, as: UTF8.self)).flatMap { $0 > 0 ? $0 : nil }
    }

    /// `kill(pid, 0)` probes without signalling: ESRCH means no such process (EPERM: it exists).
    private static func isAlive(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno != ESRCH
    }

    /// `mkdir -p`; returns true when the last component was created here.
    private static func makeDirectories(_ directory: String) throws(RunFolderError) -> Bool {
        var prefix = directory.hasPrefix("/") ? "/" : ""
        var createdLast = false
        for component in directory.split(separator: "/") {
            prefix += component + "/"
            if mkdir(prefix, 0o755) == 0 {
                createdLast = true
                continue
            }
            let code = errno
            var info = stat()
            guard code == EEXIST, stat(prefix, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
                throw RunFolderError.cannotLock(directory: directory,
                                                detail: "creating '\(prefix)': \(systemErrorMessage(code == EEXIST ? ENOTDIR : code))")
            }
            createdLast = false
        }
        return createdLast
    }
}
