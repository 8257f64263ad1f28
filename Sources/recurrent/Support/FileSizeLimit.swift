#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file-size limit (`ulimit -f`) as an error message instead of a dead process.
///
/// By default the kernel kills a process with SIGXFSZ when a write would pass the limit, in the
/// middle of a checkpoint and leaving its temporary file behind. With the signal ignored the
/// write fails with EFBIG, and the file layer reports it like a full disk: a message naming the
/// file, exit status 1, the temporary file removed, earlier checkpoints unchanged.
enum FileSizeLimit {
    static func reportAsErrors() {
        signal(SIGXFSZ, SIG_IGN)
    }
}
