import Foundation
import Recurrent
import Testing

/// `recurrent train --input-dropout/--hidden-dropout/--weight-drop/--embedding-dropout`, and
/// the defaults rule's "chose … because …" lines.
@Suite struct RegularizationCLITests {
    @Test func optionsReachTheCheckpointAndBadValuesAreRefused() throws {
        let directory = try CLI.corpusFolder("regularisation")
        let r = try CLI.run(["train", "a.txt", "--level", "word", "--hidden-size", "16", "--layers", "2", "--seq-length", "6",
                             "--batch-size", "4", "--steps", "3", "--input-dropout", "0.2", "--hidden-dropout", "0.3",
                             "--weight-drop", "0.4", "--embedding-dropout", "0.1", "--validation-fraction", "0.2", "--output", "run"],
                            in: directory)
        #expect(r.succeeded, "\(r.stderr)")
        #expect(r.stderr.contains("input dropout 0.2, hidden dropout 0.3, weight drop 0.4, embedding dropout 0.1"), "\(r.stderr)")
        #expect(!r.stderr.contains("chose hidden"))
        let file = try SafeTensors(contentsOf: directory.appendingPathComponent("run/latest.safetensors").path)
        let model = try LanguageModel(checkpoint: file)
        #expect(model.configuration.inputDropout == 0.2 && model.configuration.hiddenDropout == 0.3)
        #expect(model.configuration.weightDrop == 0.4 && model.configuration.embeddingDropout == 0.1)
        // A resumed run keeps them; a different value is a mismatch named by its option.
        let resumed = try CLI.run(["train", "a.txt", "--resume", "run", "--steps", "4"], in: directory)
        #expect(resumed.succeeded, "\(resumed.stderr)")
        let changed = try CLI.run(["train", "a.txt", "--resume", "run", "--steps", "5", "--weight-drop", "0.1"], in: directory)
        #expect(!changed.succeeded && changed.stderr.contains("--weight-drop 0.1 (checkpoint: 0.4)"), "\(changed.stderr)")
        for flag in ["--input-dropout", "--hidden-dropout", "--weight-drop", "--embedding-dropout"] {
            let bad = try CLI.run(["train", "a.txt", flag, "1"], in: directory)
            #expect(!bad.succeeded && bad.stderr.contains("\(flag) must be in [0, 1), got 1.0"), "\(bad.stderr)")
        }
    }

    @Test func defaultsRuleSaysWhatItChoseAndWhy() throws {
        let directory = try CLI.corpusFolder("rule")
        let r = try CLI.run(["train", "a.txt", "--level", "word", "--layers", "1", "--seq-length", "6", "--batch-size", "4",
                             "--steps", "2", "--validation-fraction", "0.2", "--output", "run"], in: directory)
        #expect(r.succeeded, "\(r.stderr)")
        #expect(r.stderr.contains("chose hidden size 256 because word level"), "\(r.stderr)")
        #expect(r.stderr.contains("chose embedding size 256 because word level"), "\(r.stderr)")
        #expect(r.stderr.contains("chose hidden dropout "), "\(r.stderr)")
    }

    /// `--zoneout`: both rates for an LSTM (h only for a GRU), stored in the checkpoint, kept on
    /// resume, used by `generate`; `--zoneout-cell` needs an LSTM; bad values are refused.
    @Test func zoneoutReachesTheCheckpoint() throws {
        let directory = try CLI.corpusFolder("zoneout")
        let common = ["--hidden-size", "16", "--layers", "2", "--seq-length", "6", "--batch-size", "4", "--steps", "3",
                      "--validation-fraction", "0.2"]
        let r = try CLI.run(["train", "a.txt", "--zoneout", "0.2", "--zoneout-cell", "0.05", "--output", "run"] + common, in: directory)
        #expect(r.succeeded, "\(r.stderr)")
        #expect(r.stderr.contains("zoneout h 0.2, zoneout c 0.05"), "\(r.stderr)")
        #expect(!r.stderr.contains("chose hidden dropout"), "\(r.stderr)")          // zoneout takes regularisation out of the rule
        let model = try LanguageModel(checkpoint: SafeTensors(contentsOf: directory.appendingPathComponent("run/latest.safetensors").path))
        #expect(model.configuration.zoneoutHidden == 0.2 && model.configuration.zoneoutCell == 0.05)
        let generate = try CLI.run(["generate", "run", "--length", "20", "--seed", "1"], in: directory)
        #expect(generate.succeeded && !generate.stdout.isEmpty, "\(generate.stderr)")
        let resumed = try CLI.run(["train", "a.txt", "--resume", "run", "--steps", "4"], in: directory)
        #expect(resumed.succeeded, "\(resumed.stderr)")
        let changed = try CLI.run(["train", "a.txt", "--resume", "run", "--steps", "5", "--zoneout", "0.3"], in: directory)
        #expect(!changed.succeeded && changed.stderr.contains("--zoneout 0.3 (checkpoint: 0.2)"), "\(changed.stderr)")

        let gru = try CLI.run(["train", "a.txt", "--cell", "gru", "--zoneout", "0.1", "--output", "gru"] + common, in: directory)
        #expect(gru.succeeded && gru.stderr.contains("zoneout h 0.1") && !gru.stderr.contains("zoneout c"), "\(gru.stderr)")
        let cellOnGRU = try CLI.run(["train", "a.txt", "--cell", "gru", "--zoneout-cell", "0.1"], in: directory)
        #expect(!cellOnGRU.succeeded && cellOnGRU.stderr.contains("--zoneout-cell needs --cell lstm"), "\(cellOnGRU.stderr)")
        let bad = try CLI.run(["train", "a.txt", "--zoneout", "1"], in: directory)
        #expect(!bad.succeeded && bad.stderr.contains("--zoneout must be in [0, 1), got 1.0"), "\(bad.stderr)")
    }
}
