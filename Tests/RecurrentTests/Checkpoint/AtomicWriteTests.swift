import Foundation
import Testing
@testable import Recurrent

@Suite struct AtomicWriteTests {
    static func tensors(_ count: Int, value: Float) -> SafeTensors {
        var file = SafeTensors(metadata: ["value": "\(value)"])
        file.put("w", floats: Array(repeating: value, count: count), shape: [count])
        return file
    }

    @Test func leavesNoTemporaryFileBehind() throws {
        let dir = TemporaryDirectory()
        try Self.tensors(10, value: 1).write(to: dir.file("model.safetensors"))
        try Self.tensors(10, value: 2).write(to: dir.file("model.safetensors"))
        #expect(dir.listing() == ["model.safetensors"])
    }

    @Test func replacesAnExistingFileWhole() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("model.safetensors")
        try Self.tensors(1000, value: 1).write(to: path)
        let small = Self.tensors(3, value: 2)
        try small.write(to: path)
        // No tail of the larger old file survives.
        #expect(Bytes.read(path) == small.serialized())
        #expect(try SafeTensors(contentsOf: path) == small)
    }

    @Test func relativePathInTheCurrentDirectoryForm() throws {
        let dir = TemporaryDirectory()
        // "dir/./name" exercises directoryOf on a path whose directory part is not the plain parent.
        try Self.tensors(2, value: 3).write(to: dir.path + "/./x.safetensors")
        #expect(dir.listing() == ["x.safetensors"])
    }

    @Test func aFailureMidWriteLeavesTheOldFileAndNoTemporary() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("model.safetensors")
        let old = Self.tensors(100, value: 1)
        try old.write(to: path)
        let interrupted = SafeTensorsError(file: path, problem: .writeFailed(operation: "write", detail: "simulated crash"))
        #expect(throws: interrupted) {
            try AtomicFile.write(to: path) { (file) throws(SafeTensorsError) in
                try file.write([UInt8](repeating: 0xAB, count: 4096))
                throw interrupted
            }
        }
        #expect(Bytes.read(path) == old.serialized())
        #expect(dir.listing() == ["model.safetensors"])
    }

    @Test func missingDirectoryIsAClearError() {
        let dir = TemporaryDirectory()
        let path = dir.file("no/such/model.safetensors")
        #expect(throws: SafeTensorsError(file: path, problem: .directoryNotFound(directory: dir.file("no/such")))) {
            try Self.tensors(1, value: 1).write(to: path)
        }
        #expect(dir.listing().isEmpty)
    }

    @Test func targetThatIsADirectoryFailsCleanly() throws {
        let dir = TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.file("taken"), withIntermediateDirectories: false)
        try FileManager.default.createDirectory(atPath: dir.file("taken/inside"), withIntermediateDirectories: false)
        do {
            try Self.tensors(1, value: 1).write(to: dir.file("taken"))
            Issue.record("writing over a non-empty directory should fail")
        } catch {
            guard case .writeFailed(let operation, _) = error.problem else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(operation == "rename")
        }
        #expect(dir.listing() == ["taken"])
    }

    @Test func hardLinkReplacementIsAtomicAndShared() throws {
        let dir = TemporaryDirectory()
        let a = Self.tensors(4, value: 5)
        try a.write(to: dir.file("a.safetensors"))
        try Self.tensors(9, value: 6).write(to: dir.file("latest.safetensors"))
        let linked = try AtomicFile.replace(dir.file("latest.safetensors"), withHardLinkTo: dir.file("a.safetensors"))
        #expect(linked)
        #expect(Bytes.read(dir.file("latest.safetensors")) == a.serialized())
        #expect(dir.listing() == ["a.safetensors", "latest.safetensors"])
    }
}
