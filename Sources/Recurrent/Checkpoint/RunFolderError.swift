/// Why a training run may not use its output folder; ``description`` is the message a user sees.
public enum RunFolderError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Another process holds the folder's lock (`pid` nil when the lock file names none yet).
    case inUse(directory: String, pid: Int32?)
    /// The folder or its lock file could not be created (`detail` says which and why).
    case cannotLock(directory: String, detail: String)
    /// A fresh run would write into a folder holding another run's checkpoints (`files`, as
    /// listed by ``CheckpointDirectory/checkpointSummary()``); `advice` says what to do instead.
    case holdsAnotherRun(directory: String, files: String, advice: String)

    public var description: String {
        switch self {
        case let .inUse(directory, pid):
            let holder = pid.map { "process \($0)" } ?? "another process"
            return "'\(directory)' is in use by another training run (\(holder), see \(directory)/\(RunFolderLock.fileName)); "
                + "wait for it to finish or stop it, or write into another folder with --output DIR"
        case let .cannotLock(directory, detail):
            return "cannot use '\(directory)' as the run folder: \(detail)"
        case let .holdsAnotherRun(directory, files, advice):
            return "'\(directory)' already holds another run's checkpoints (\(files)); \(advice)"
        }
    }
}
