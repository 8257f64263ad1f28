#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file mapped read-only into memory; unmapped when the last reference goes.
///
/// Pages are read from the file when first touched and, being clean file pages, the kernel can
/// drop them again under memory pressure: a mapping larger than memory works, and it counts as
/// page cache (`RssFile`), not as the process's anonymous memory. Immutable, so shared freely
/// between threads.
final class MappedFile: @unchecked Sendable {
    let path: String
    /// The first byte (nil for an empty file, which cannot be mapped).
    let base: UnsafeRawPointer?
    let byteCount: Int

    enum Failure: Error { case open(String), map(String) }

    init(path: String) throws(Failure) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .open(String(cString: strerror(errno))) }
        defer { close(fd) }   // the mapping outlives the descriptor
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .open(String(cString: strerror(errno))) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw .open("not a regular file") }
        byteCount = Int(info.st_size)
        guard byteCount > 0 else {
            base = nil
            return
        }
        let address = mmap(nil, byteCount, PROT_READ, MAP_SHARED, fd, 0)
        guard let address, address != UnsafeMutableRawPointer(bitPattern: -1) else {
            throw .map(String(cString: strerror(errno)))
        }
        base = UnsafeRawPointer(address)
    }

    deinit {
        if let base { munmap(UnsafeMutableRawPointer(mutating: base), byteCount) }
    }

    /// `count` elements of type `T` starting `offset` bytes into the file (which must lie in
    /// the file and be aligned for `T`).
    func buffer<T>(of _: T.Type, at offset: Int, count: Int) -> UnsafeBufferPointer<T> {
        precondition(offset >= 0 && count >= 0 && offset + count * MemoryLayout<T>.stride <= byteCount, "outside the mapped file")
        guard let base, count > 0 else { return UnsafeBufferPointer(start: nil, count: 0) }
        precondition(offset % MemoryLayout<T>.alignment == 0, "misaligned")
        return UnsafeBufferPointer(start: (base + offset).assumingMemoryBound(to: T.self), count: count)
    }
}
