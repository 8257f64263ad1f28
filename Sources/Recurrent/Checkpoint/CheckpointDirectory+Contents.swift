#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// What a checkpoint directory already holds, so a fresh run can refuse to mix with it, or
// (when the user asks) clear it first.
extension CheckpointDirectory {
    /// The checkpoint files present: `latest`, `best` and the step files (oldest step first).
    public func checkpointFiles() throws(SafeTensorsError) -> [String] {
        var files: [String] = []
        for name in [CheckpointDirectory.latestFileName, CheckpointDirectory.bestFileName]
        where access(path(named: name), F_OK) == 0 {
            files.append(path(named: name))
        }
        return files + (try stepCheckpoints().map(\.path))
    }

    /// The checkpoint files by name, step files as a range: `latest.safetensors, best.safetensors,
    /// 3 step files step-000180 … step-000200`. Empty when there are none.
    public func checkpointSummary() throws(SafeTensorsError) -> String {
        var parts: [String] = []
        for name in [CheckpointDirectory.latestFileName, CheckpointDirectory.bestFileName]
        where access(path(named: name), F_OK) == 0 {
            parts.append(name)
        }
        let steps = try stepCheckpoints()
        if let first = steps.first, let last = steps.last {
            let firstName = CheckpointDirectory.fileName(step: first.step), lastName = CheckpointDirectory.fileName(step: last.step)
            parts.append(steps.count == 1 ? firstName : "\(steps.count) step files \(firstName) … \(lastName)")
        }
        return parts.joined(separator: ", ")
    }

    /// Deletes every checkpoint file (`latest`, `best`, the step files); other files stay.
    /// Returns the deleted paths.
    @discardableResult
    public func removeCheckpoints() throws(SafeTensorsError) -> [String] {
        let files = try checkpointFiles()
        for file in files where unlink(file) != 0 && errno != ENOENT {
            throw SafeTensorsError(file: file, problem: .writeFailed(operation: "deleting an earlier run's checkpoint",
                                                                     detail: systemErrorMessage(errno)))
        }
        if !files.isEmpty { try AtomicFile.syncDirectory(path, target: path) }
        return files
    }

    private func path(named name: String) -> String {
        path.hasSuffix("/") ? path + name : path + "/" + name
    }
}
