#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A directory of training checkpoints with a retention policy: the last `keepLast` step
/// checkpoints, plus `latest.safetensors` (the newest) and `best.safetensors` (lowest
/// validation loss so far).
///
/// ```
/// run/
///   step-000900.safetensors   ┐
///   step-001000.safetensors   │ the last keepLast steps, by step number
///   step-001100.safetensors   ┘
///   latest.safetensors        same file as step-001100 (a hard link, or a copy)
///   best.safetensors          the checkpoint with the lowest validation loss seen
/// ```
///
/// Every file appears atomically (see ``SafeTensors/write(to:)``) and older step files are
/// deleted only after the new one, `latest` and `best` are safely on disk, so a crash at any
/// moment leaves complete checkpoints only. The validation loss of each saved checkpoint is
/// recorded in its metadata under ``validationLossKey``; that is how `best` is compared across
/// runs (resuming keeps the best of the earlier run).
///
/// Only files named `step-<digits>.safetensors`, and temporary files left by a killed
/// writer whose process is gone, are ever deleted; other files in the directory are left alone.
/// Steps are ranked by number: after resuming from an earlier step, step files of the
/// abandoned later steps stay until newer ones outrank them.
public struct CheckpointDirectory: Sendable {
    /// The directory (created on first save).
    public let path: String
    /// How many step checkpoints to keep (≥ 0; `latest` and `best` are kept regardless).
    public let keepLast: Int

    public static let latestFileName = "latest.safetensors"
    public static let bestFileName = "best.safetensors"
    /// Metadata key holding the validation loss a checkpoint was saved with (decimal text).
    public static let validationLossKey = "validation_loss"

    public init(path: String, keepLast: Int = 3) {
        precondition(keepLast >= 0, "keepLast must be ≥ 0, got \(keepLast)")
        self.path = path
        self.keepLast = keepLast
    }

    /// `step-000123.safetensors`: at least six digits so names sort like steps in a listing.
    public static func fileName(step: Int) -> String {
        precondition(step >= 0, "step must be ≥ 0, got \(step)")
        let digits = String(step)
        return "step-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits + ".safetensors"
    }

    /// The step of a file named `step-<digits>.safetensors`, else nil.
    public static func step(fromFileName name: String) -> Int? {
        let prefix = "step-", suffix = ".safetensors"
        guard name.hasPrefix(prefix), name.hasSuffix(suffix), name.count > prefix.count + suffix.count else { return nil }
        let digits = name.dropFirst(prefix.count).dropLast(suffix.count)
        guard digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return Int(digits)
    }

    public var latestPath: String { join(CheckpointDirectory.latestFileName) }
    public var bestPath: String { join(CheckpointDirectory.bestFileName) }
    public func path(step: Int) -> String { join(CheckpointDirectory.fileName(step: step)) }

    /// A step checkpoint on disk.
    public struct StepCheckpoint: Equatable, Sendable {
        public let step: Int
        public let path: String
    }

    /// The step checkpoints in the directory, oldest step first (empty if the directory does not exist).
    public func stepCheckpoints() throws(SafeTensorsError) -> [StepCheckpoint] {
        try listDirectory()
            .compactMap { name in CheckpointDirectory.step(fromFileName: name).map { (step: $0, name: name) } }
            .sorted { ($0.step, $0.name) < ($1.step, $1.name) }
            .map { StepCheckpoint(step: $0.step, path: join($0.name)) }
    }

    /// The validation loss recorded in `best.safetensors`, or nil when there is no readable
    /// best checkpoint with a finite loss (then the next checkpoint with a loss becomes best).
    public func bestValidationLoss() -> Double? {
        guard let header = try? SafeTensors.readHeader(contentsOf: bestPath),
              let text = header.metadata[CheckpointDirectory.validationLossKey],
              let loss = Double(text), loss.isFinite else { return nil }
        return loss
    }

    /// What ``save(_:step:validationLoss:)`` did.
    public struct SaveResult: Equatable, Sendable {
        /// The step file written.
        public let path: String
        /// True when the checkpoint also became `best.safetensors`.
        public let isBest: Bool
        /// Files deleted by the retention policy.
        public let removed: [String]
    }

    /// Saves `checkpoint` as step `step`, makes it `latest`, makes it `best` when
    /// `validationLoss` is finite and lower than the best so far, then deletes step files
    /// beyond the last `keepLast`.
    ///
    /// `validationLoss` is written to the metadata under ``validationLossKey`` (and that key is
    /// removed when it is nil, so a loss copied from an older checkpoint is never misattributed).
    ///
    /// - Throws: ``SafeTensorsError`` when a file cannot be written; files already complete
    ///   stay complete.
    @discardableResult
    public func save(_ checkpoint: SafeTensors, step: Int, validationLoss: Double? = nil) throws(SafeTensorsError) -> SaveResult {
        try makeDirectories(path, target: self.path(step: step))
        var checkpoint = checkpoint
        checkpoint.metadata[CheckpointDirectory.validationLossKey] = validationLoss.map { String($0) }
        let stepPath = self.path(step: step)
        try checkpoint.write(to: stepPath)
        try publish(checkpoint, from: stepPath, as: latestPath)
        var isBest = false
        if let loss = validationLoss, loss.isFinite, bestValidationLoss().map({ loss < $0 }) ?? true {
            try publish(checkpoint, from: stepPath, as: bestPath)
            isBest = true
        }
        return SaveResult(path: stepPath, isBest: isBest, removed: try prune())
    }

    /// Deletes step files beyond the last `keepLast` (by step number) and temporary files
    /// left by writers that were killed; returns the deleted paths.
    @discardableResult
    public func prune() throws(SafeTensorsError) -> [String] {
        var removed: [String] = []
        for old in try stepCheckpoints().dropLast(keepLast) {
            try remove(old.path)
            removed.append(old.path)
        }
        for name in try listDirectory() where isAbandonedTemporaryFile(name) {
            try remove(join(name))
            removed.append(join(name))
        }
        if !removed.isEmpty { try AtomicFile.syncDirectory(path, target: path) }
        return removed
    }

    // MARK: Helpers

    private func join(_ name: String) -> String {
        path.hasSuffix("/") ? path + name : path + "/" + name
    }

    /// Makes `target` name the same contents as `source`: a hard link renamed into place, or
    /// an atomic copy where the file system has no hard links.
    private func publish(_ checkpoint: SafeTensors, from source: String, as target: String) throws(SafeTensorsError) {
        if try !AtomicFile.replace(target, withHardLinkTo: source) {
            try checkpoint.write(to: target)
        }
    }

    /// `.<name>.tmp-<pid>-<hex>` whose process no longer exists.
    private func isAbandonedTemporaryFile(_ name: String) -> Bool {
        guard name.hasPrefix("."), let marker = name.ranges(of: AtomicFile.temporaryMarker).last else {
            return false
        }
        let rest = name[marker.upperBound...].split(separator: "-", omittingEmptySubsequences: false)
        guard rest.count == 2, let pid = Int32(rest[0]), pid > 0, UInt64(rest[1], radix: 16) != nil else { return false }
        // kill(pid, 0) probes without signalling: ESRCH means no such process.
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    private func remove(_ file: String) throws(SafeTensorsError) {
        guard unlink(file) == 0 || errno == ENOENT else {
            throw SafeTensorsError(file: file, problem: .writeFailed(operation: "deleting an old checkpoint", detail: systemErrorMessage(errno)))
        }
    }

    /// File names in the directory (none if it does not exist).
    private func listDirectory() throws(SafeTensorsError) -> [String] {
        guard let dir = opendir(path) else {
            let code = errno
            if code == ENOENT { return [] }
            throw SafeTensorsError(file: path, problem: .unreadable(detail: systemErrorMessage(code)))
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// `mkdir -p`.
    private func makeDirectories(_ directory: String, target: String) throws(SafeTensorsError) {
        var prefix = directory.hasPrefix("/") ? "/" : ""
        for component in directory.split(separator: "/") {
            prefix += component + "/"
            if mkdir(prefix, 0o755) != 0 {
                let code = errno
                var info = stat()
                guard code == EEXIST, stat(prefix, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
                    throw SafeTensorsError(file: target, problem: .writeFailed(
                        operation: "creating directory '\(prefix)'", detail: systemErrorMessage(code == EEXIST ? ENOTDIR : code)))
                }
            }
        }
    }
}
