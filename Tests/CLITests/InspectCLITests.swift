import Foundation
import Testing

/// `recurrent inspect` and `recurrent demo --output`, run as a user runs them.
@Suite(.serialized) struct InspectCLITests {
    @Test func writesAPageAndListsUnitsPerFeature() throws {
        let directory = try Trained.scripts.get()
        let r = try CLI.run(["inspect", "words", "scripts.txt", "--html", "inside.html", "--max-tokens", "300"], in: directory)
        #expect(r.succeeded, "\(r.stderr)")
        #expect(r.stdout.contains("300 tokens read"))
        #expect(r.stdout.contains("speaker-name"), "\(r.stdout)")
        #expect(r.stdout.contains(/after-newline +1:\d+ [ch] [+-]0\.\d\d/), "\(r.stdout)")
        let page = try String(contentsOf: directory.appendingPathComponent("inside.html"), encoding: .utf8)
        #expect(page.components(separatedBy: "<span data-i=\"").count - 1 == 300)
        #expect(page.contains("class=\"unit\""))
        #expect(!page.contains("http://") || page.contains("http://www.w3.org/2000/svg"))   // no network
    }

    @Test func colouredTerminalView() throws {
        let directory = try Trained.scripts.get()
        let r = try CLI.run(["inspect", "words", "scripts.txt", "--unit", "1:5", "--signal", "f", "--max-tokens", "40"], in: directory)
        #expect(r.succeeded, "\(r.stderr)")
        #expect(r.stdout.contains("layer 1, unit 5, forget gate f"))
        #expect(r.stdout.contains("\u{1B}[38;2;0;0;0;48;2;"))
    }

    @Test func badUnitsAndFilesAreRefusedWithoutWritingAnything() throws {
        let directory = try Trained.scripts.get()
        let cases: [([String], String)] = [
            (["--unit", "2:0"], "the model has layers 1 to 1"),
            (["--unit", "1:64"], "units 0 to 63"),
            (["--unit", "0:3"], "--unit must be LAYER:UNIT"),
            (["--signal", "x", "--unit", "1:0"], "--signal must be one of"),
            (["--signal", "r", "--unit", "1:0"], "a lstm cell has c, h, i, f, g, o"),
        ]
        for (options, message) in cases {
            let r = try CLI.run(["inspect", "words", "scripts.txt", "--html", "bad.html"] + options, in: directory)
            #expect(r.status != 0 && !r.signaled, "\(options)")
            #expect(r.stderr.contains(message), "\(options): \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("bad.html").path))
        }
        let missing = try CLI.run(["inspect", "words", "nope.txt"], in: directory)
        #expect(missing.status == 1 && missing.stderr.contains("no such file: nope.txt"))
        let notModel = try CLI.run(["inspect", "scripts.txt", "scripts.txt"], in: directory)
        #expect(notModel.status == 1 && notModel.stderr.hasPrefix("error:"))
    }

    /// The demo keeps its model when asked, and inspect reads the folder.
    @Test func demoKeepsItsModelForInspection() throws {
        let directory = try CLI.temporaryDirectory("demo-output")
        let demo = try CLI.run(["demo", "--seconds", "2", "--hidden-size", "16", "--length", "20", "--corpus-bytes", "5000",
                                "--output", "kept"], in: directory)
        #expect(demo.succeeded, "\(demo.stderr)")
        #expect(demo.stderr.contains("recurrent inspect kept"))
        let r = try CLI.run(["inspect", "kept", "kept/scripts.txt", "--max-tokens", "100", "--html", "page.html"], in: directory)
        #expect(r.succeeded, "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("page.html").path))
    }
}
