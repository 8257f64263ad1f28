import Foundation
import Testing
@testable import Recurrent

@Suite struct RunFolderLockTests {
    /// A PID no process has: a child that has exited and been reaped. (posix_spawn rather than
    /// Foundation's Process, whose weak-reference side table LeakSanitizer reports.)
    static func deadPID() throws -> Int32 {
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/true"), nil]
        defer { free(argv[0]) }
        try #require(posix_spawn(&pid, "/bin/true", nil, nil, argv, nil) == 0)
        var status: Int32 = 0
        try #require(waitpid(pid, &status, 0) == pid)
        return pid
    }

    @Test func secondLockIsRefusedNamingTheHolder() throws {
        let dir = TemporaryDirectory()
        let first = try RunFolderLock(directory: dir.file("run"))
        #expect(try String(contentsOfFile: first.path, encoding: .utf8) == "\(getpid())\n")
        #expect(throws: RunFolderError.inUse(directory: dir.file("run"), pid: getpid())) {
            _ = try RunFolderLock(directory: dir.file("run"))
        }
        first.release()
        #expect(!FileManager.default.fileExists(atPath: first.path))
        let again = try RunFolderLock(directory: dir.file("run"))
        again.release()
        again.release()   // a second release does nothing
    }

    @Test func lockLeftByADeadProcessIsTakenOver() throws {
        let dir = TemporaryDirectory()
        let path = dir.file(RunFolderLock.fileName)
        try "\(try Self.deadPID())\n".write(toFile: path, atomically: false, encoding: .utf8)
        let lock = try RunFolderLock(directory: dir.path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "\(getpid())\n")
        lock.release()
    }

    @Test func aFolderItCreatedIsRemovedWhenLeftEmpty() throws {
        let dir = TemporaryDirectory()
        let lock = try RunFolderLock(directory: dir.file("a/b"))
        #expect(dir.listing() == ["a"])
        lock.release()
        #expect(!FileManager.default.fileExists(atPath: dir.file("a/b")))

        let kept = try RunFolderLock(directory: dir.file("c"))
        try "x".write(toFile: dir.file("c/step-000001.safetensors"), atomically: false, encoding: .utf8)
        kept.release()
        #expect(FileManager.default.fileExists(atPath: dir.file("c/step-000001.safetensors")))
    }

    @Test func aFileInTheWayIsAnError() throws {
        let dir = TemporaryDirectory()
        try "x".write(toFile: dir.file("file"), atomically: false, encoding: .utf8)
        do {
            _ = try RunFolderLock(directory: dir.file("file"))
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("Not a directory"), "\(error)")
        }
    }

    @Test func checkpointSummaryAndRemoval() throws {
        let dir = TemporaryDirectory()
        let run = CheckpointDirectory(path: dir.path, keepLast: 2)
        #expect(try run.checkpointSummary() == "")
        var file = SafeTensors(metadata: [:])
        file.put("w", floats: [1], shape: [1])
        for step in [10, 20, 30] { try run.save(file, step: step, validationLoss: Double(step)) }
        try "notes".write(toFile: dir.file("notes.txt"), atomically: false, encoding: .utf8)
        #expect(try run.checkpointSummary()
                == "latest.safetensors, best.safetensors, 2 step files step-000020.safetensors … step-000030.safetensors")
        #expect(try run.removeCheckpoints().count == 4)
        #expect(dir.listing() == ["notes.txt"])
    }
}
