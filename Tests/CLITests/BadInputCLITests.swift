import Foundation
import Testing

/// Every bad input gives a clear message naming the problem, a non-zero exit status, and
/// never a crash (a signal).
@Suite(.serialized) struct BadInputCLITests {
    static func expectFailure(_ r: CLI.Result, mentioning words: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!r.signaled, "crashed: \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.status != 0, sourceLocation: sourceLocation)
        for w in words { #expect(r.stderr.contains(w), "missing \"\(w)\" in: \(r.stderr)", sourceLocation: sourceLocation) }
        #expect(!r.stderr.contains("Fatal error"), sourceLocation: sourceLocation)
    }

    static let small = ["--hidden-size", "8", "--layers", "1", "--seq-length", "8", "--batch-size", "4", "--steps", "2"]

    @Test func badCorpora() throws {
        let d = try CLI.temporaryDirectory("bad-corpora")
        Self.expectFailure(try CLI.run(["train", "missing.txt"] + Self.small, in: d), mentioning: ["missing.txt", "no such file"])
        try FileManager.default.createDirectory(at: d.appendingPathComponent("folder"), withIntermediateDirectories: true)
        Self.expectFailure(try CLI.run(["train", "folder"] + Self.small, in: d), mentioning: ["folder", "directory"])
        FileManager.default.createFile(atPath: d.appendingPathComponent("empty.txt").path, contents: Data())
        Self.expectFailure(try CLI.run(["train", "empty.txt"] + Self.small, in: d), mentioning: ["empty.txt", "empty"])
        try "too short\n".write(to: d.appendingPathComponent("short.txt"), atomically: true, encoding: .utf8)
        Self.expectFailure(try CLI.run(["train", "short.txt"] + Self.small, in: d), mentioning: ["training", "--seq-length"])

        var latin1 = Data("caf".utf8)
        latin1.append(0xE9)                 // é in Latin-1: not UTF-8
        latin1.append(contentsOf: Array(String(repeating: " and more text here\n", count: 20).utf8))
        try latin1.write(to: d.appendingPathComponent("latin1.txt"))
        Self.expectFailure(try CLI.run(["train", "latin1.txt"] + Self.small, in: d),
                           mentioning: ["latin1.txt", "UTF-8", "byte offset 3", "--level byte"])
        Self.expectFailure(try CLI.run(["train", "latin1.txt", "--level", "word"] + Self.small, in: d), mentioning: ["--level byte"])
        let bytes = try CLI.run(["train", "latin1.txt", "--level", "byte", "--validation-fraction", "0", "--output", "b"] + Self.small, in: d)
        #expect(bytes.succeeded, "\(bytes.stderr)")

        Self.expectFailure(try CLI.run(["train", "latin1.txt", "--hidden-size", "0"], in: d), mentioning: ["--hidden-size"])
        Self.expectFailure(try CLI.run(["train", "latin1.txt", "--cell", "gru", "--peepholes"], in: d), mentioning: ["--peepholes"])
    }

    @Test func badCheckpoints() throws {
        let d = try CLI.temporaryDirectory("bad-checkpoints")
        let text = String(repeating: "jerry: hello there.\nnora: what?\n", count: 20)
        try text.write(to: d.appendingPathComponent("a.txt"), atomically: true, encoding: .utf8)
        try (text + "Xylophone ÷\n").write(to: d.appendingPathComponent("b.txt"), atomically: true, encoding: .utf8)
        let train = try CLI.run(["train", "a.txt", "--validation-fraction", "0", "--output", "run"] + Self.small, in: d)
        #expect(train.succeeded, "\(train.stderr)")

        Self.expectFailure(try CLI.run(["generate", "nothing.safetensors"], in: d), mentioning: ["nothing.safetensors", "does not exist"])
        Self.expectFailure(try CLI.run(["generate", "a.txt"], in: d), mentioning: ["a.txt", "is a text file, not a checkpoint"])
        let full = try Data(contentsOf: d.appendingPathComponent("run/latest.safetensors"))
        try full.prefix(full.count / 2).write(to: d.appendingPathComponent("cut.safetensors"))
        Self.expectFailure(try CLI.run(["generate", "cut.safetensors"], in: d), mentioning: ["cut.safetensors"])
        try Data([1, 2, 3]).write(to: d.appendingPathComponent("tiny.safetensors"))
        Self.expectFailure(try CLI.run(["evaluate", "tiny.safetensors", "a.txt"], in: d), mentioning: ["tiny.safetensors"])

        // A character the vocabulary lacks, in a prime and in a corpus to resume on.
        Self.expectFailure(try CLI.run(["generate", "run", "--prime", "jerry: Xylophone÷"], in: d),
                           mentioning: ["not in the model's vocabulary", "\"X\"", "\"÷\""])
        Self.expectFailure(try CLI.run(["train", "b.txt", "--resume", "run/latest.safetensors"], in: d),
                           mentioning: ["different tokenizer", "b.txt"])
        Self.expectFailure(try CLI.run(["train", "a.txt", "--resume", "run", "--hidden-size", "16"], in: d),
                           mentioning: ["--hidden-size 16", "checkpoint: 8"])
        Self.expectFailure(try CLI.run(["train", "a.txt", "--resume", "run", "--level", "word"], in: d),
                           mentioning: ["--level word"])
        Self.expectFailure(try CLI.run(["evaluate", "run", "b.txt"], in: d), mentioning: ["\"X\""])
    }

    @Test func badWordPrimeNamesTheWords() throws {
        let d = try CLI.temporaryDirectory("bad-prime")
        let text = String(repeating: "jerry: hello there.\nnora: what?\n", count: 20)
        try text.write(to: d.appendingPathComponent("a.txt"), atomically: true, encoding: .utf8)
        let train = try CLI.run(["train", "a.txt", "--level", "word", "--validation-fraction", "0", "--output", "w"] + Self.small, in: d)
        #expect(train.succeeded, "\(train.stderr)")
        Self.expectFailure(try CLI.run(["generate", "w", "--prime", "jerry: hello zanzibar and kumquat"], in: d),
                           mentioning: ["\"zanzibar\"", "\"and\"", "\"kumquat\""])
        let ok = try CLI.run(["generate", "w", "--prime", "JERRY: Hello", "--length", "5", "--seed", "1"], in: d)
        #expect(ok.succeeded, "\(ok.stderr)")
        #expect(ok.stdout.hasPrefix("jerry: hello"))
    }
}
