import Foundation
import Testing

/// `recurrent experiment TASK --inspect FILE.html`: a tiny run writes the memory page; tasks
/// without marked inputs, a file that is not .html and a run without an LSTM are refused
/// before any training.
@Suite(.serialized) struct ExperimentInspectCLITests {
    @Test func tinyRunWritesTheMemoryPage() throws {
        let d = try CLI.temporaryDirectory("experiment-inspect")
        for task in ["adding", "temporal-order"] {
            let r = try CLI.run(["experiment", task, "--cells", "rnn,gru,lstm", "--seeds", "2", "--steps", "6", "--eval-every", "3",
                                 "--hidden-size", "8", "--test-size", "60", "--length", "30", "--inspect", "\(task).html"], in: d)
            #expect(r.succeeded, "\(task): \(r.stderr)")
            #expect(r.stderr.contains("wrote \(task).html"), "\(r.stderr)")
            let page = try String(contentsOf: d.appendingPathComponent("\(task).html"), encoding: .utf8)
            #expect(page.contains("seed 1, the first of 2 seeds"), "\(task)")
            #expect(page.contains("(gru also trained, not shown)"), "\(task)")
            #expect(page.contains("lstm: cell state c") && page.contains("rnn: hidden state h"), "\(task)")
            #expect(page.contains("60 sequences of the fixed test set"), "\(task)")
            #expect(page.components(separatedBy: "class=\"sequence-block\"").count - 1 == 3)
            #expect(page.contains("lstm unit ") && page.contains(": gates"))
        }
    }

    @Test func impossiblePagesAreRefusedBeforeTraining() throws {
        let d = try CLI.temporaryDirectory("experiment-inspect-bad")
        let cases: [([String], String)] = [
            (["copy", "--inspect", "copy.html"], "copy has none; it works with adding, adding-1997, temporal-order, temporal-order-3"),
            (["timing", "--inspect", "timing.html"], "timing has none"),
            (["adding", "--inspect", "adding.svg"], "--inspect writes an HTML page; 'adding.svg' should end in .html"),
            (["adding", "--cells", "rnn,gru", "--inspect", "adding.html"], "add lstm (or peephole) to --cells"),
        ]
        for (arguments, words) in cases {
            let r = try CLI.run(["experiment"] + arguments + ["--steps", "2"], in: d)
            #expect(!r.signaled && r.status != 0, "\(arguments)")
            #expect(r.stderr.contains(words), "\(arguments): \(r.stderr)")
            #expect(!r.stderr.contains("started"), "\(arguments) trained before refusing")
        }
        let written = try FileManager.default.contentsOfDirectory(atPath: d.path).filter { !$0.hasPrefix(".") }   // CLI.run's .out/.err
        #expect(written.isEmpty, "\(written)")
    }
}
