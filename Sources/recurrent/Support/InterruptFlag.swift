#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Ctrl-C (SIGINT) during training: the first asks the trainer to stop at the next step
/// boundary and save a checkpoint; a second one exits at once (checkpoint writes are atomic,
/// so the directory still holds only complete files).
enum InterruptFlag {
    /// Set from the signal handler, read by the training loop between steps.
    nonisolated(unsafe) private static var count: sig_atomic_t = 0

    static var isSet: Bool { count > 0 }

    static func install() {
        // A parent may have started us with SIGINT blocked (Foundation's Process does): let it through.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        signal(SIGINT) { _ in
            if InterruptFlag.count > 0 { _exit(130) }
            InterruptFlag.count = 1
        }
    }

    static func uninstall() {
        signal(SIGINT, SIG_DFL)
    }
}
