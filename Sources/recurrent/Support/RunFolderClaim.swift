import Foundation
import Recurrent

/// A training command's output folder, claimed for this process: locked against a second
/// process (``RunFolderLock``), and, for a fresh run, checked to hold no other run's
/// checkpoints, so two runs never mix in one folder (`latest` of one, `best` of the other).
///
/// A fresh run into a folder with checkpoints is refused (nothing written, the checkpoints
/// untouched) unless `overwrite` is given; then the earlier checkpoints are deleted by
/// ``clearEarlierRun()`` just before training starts, once the new run has been set up.
final class RunFolderClaim {
    let lock: RunFolderLock
    let checkpoints: CheckpointDirectory
    private let overwrite: Bool

    /// Claims `directory` for a training run.
    ///
    /// - Parameters:
    ///   - resumingFrom: the folder of the checkpoint being resumed, if any; writing back into
    ///     it continues that run, so its checkpoints are expected there.
    ///   - overwrite: the user asked to delete another run's checkpoints found there.
    init(_ directory: String, resumingFrom: String?, overwrite: Bool) throws {
        let checkpoints = CheckpointDirectory(path: directory)
        let continuing = resumingFrom.map { RunFolderClaim.sameFolder($0, directory) } ?? false
        if overwrite && continuing {
            throw CommandFailure("--overwrite would delete the checkpoints being resumed from '\(directory)'; "
                + "leave out --overwrite to continue that run, or give another --output")
        }
        lock = try RunFolderLock(directory: directory)
        self.checkpoints = checkpoints
        self.overwrite = overwrite
        guard !continuing, !overwrite else { return }
        let found = try checkpoints.checkpointSummary()
        guard found.isEmpty else {
            lock.release()
            let advice = resumingFrom == nil
                ? "continue that run with --resume \(directory), train into another folder with --output DIR, "
                    + "or pass --overwrite to delete them and start afresh there"
                : "resume into the checkpoint's own folder (leave out --output), choose another --output, "
                    + "or pass --overwrite to delete them"
            throw RunFolderError.holdsAnotherRun(directory: directory, files: found, advice: advice)
        }
    }

    /// With `overwrite`: deletes the earlier run's checkpoints (call once the new run is set up,
    /// so a mistyped option never costs them). Returns how many files were deleted.
    @discardableResult
    func clearEarlierRun() throws -> Int {
        guard overwrite else { return 0 }
        return try checkpoints.removeCheckpoints().count
    }

    func release() { lock.release() }

    /// Whether two paths name the same existing folder.
    static func sameFolder(_ a: String, _ b: String) -> Bool {
        var x = stat(), y = stat()
        guard stat(a, &x) == 0, stat(b, &y) == 0 else { return a == b }
        return x.st_dev == y.st_dev && x.st_ino == y.st_ino
    }
}
