import Foundation
import Recurrent
import Testing

/// `recurrent train --softmax adaptive` / `--cutoffs` and `--tie-weights`: the checkpoint
/// records them under PyTorch's names, resume keeps them, generate / evaluate / export read
/// them, and misuse is refused naming the flag.
@Suite struct OutputLayerCLITests {
    @Test func adaptiveSoftmaxTrainsResumesGeneratesEvaluatesAndExports() throws {
        let directory = try Trained.scripts.get()
        let train = try CLI.run(["train", "scripts.txt"] + Trained.wordOptions
                                + ["--softmax", "adaptive", "--steps", "6", "--eval-every", "3", "--output", "adaptive"],
                                in: directory)
        #expect(train.succeeded, "\(train.stderr)")
        #expect(train.stderr.contains("adaptive softmax (cutoffs "), "\(train.stderr)")
        let file = try SafeTensors(contentsOf: directory.appendingPathComponent("adaptive/latest.safetensors").path)
        let model = try LanguageModel.configuration(in: file)
        let cutoffs = try #require(model.adaptiveSoftmax?.cutoffs)
        #expect(cutoffs == AdaptiveSoftmaxConfiguration.defaultCutoffs(vocabularySize: model.vocabularySize))
        #expect(file["decoder.head.weight"]?.shape == [cutoffs[0] + cutoffs.count, 64])
        #expect(file["decoder.tail.1.1.weight"]?.shape == [model.vocabularySize - cutoffs[1], 4])   // 64 / 4²
        #expect(file["decoder.weight"] == nil)

        let resumed = try CLI.run(["train", "scripts.txt", "--resume", "adaptive/latest.safetensors", "--steps", "8"],
                                  in: directory)
        #expect(resumed.succeeded, "\(resumed.stderr)")
        let mismatch = try CLI.run(["train", "scripts.txt", "--resume", "adaptive/latest.safetensors", "--cutoffs", "5,50",
                                    "--steps", "9"], in: directory)
        #expect(!mismatch.succeeded && mismatch.stderr.contains("--cutoffs 5,50 (checkpoint: "), "\(mismatch.stderr)")

        let generate = try CLI.run(["generate", "adaptive", "--prime", "jerry:", "--length", "20", "--seed", "1"], in: directory)
        #expect(generate.succeeded && generate.stdout.hasPrefix("jerry:"), "\(generate.stderr)")
        let evaluate = try CLI.run(["evaluate", "adaptive", "scripts.txt"], in: directory)
        #expect(evaluate.succeeded && evaluate.stdout.contains("perplexity"), "\(evaluate.stderr)")
        let weights = try CLI.run(["export", "adaptive", "--weights", "adaptive.safetensors"], in: directory)
        #expect(weights.succeeded, "\(weights.stderr)")
        let fromWeights = try CLI.run(["generate", "adaptive.safetensors", "--prime", "jerry:", "--length", "20", "--seed", "1"],
                                      in: directory)
        #expect(fromWeights.stdout == generate.stdout)
        let onnx = try CLI.run(["export", "adaptive", "--onnx", "adaptive.onnx"], in: directory)
        #expect(onnx.succeeded, "\(onnx.stderr)")       // the full log-probabilities (ONNX Runtime checks them in CI)
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("adaptive.onnx").path))
    }

    @Test func tiedWeightsAreStoredOnceAndGenerate() throws {
        let directory = try Trained.scripts.get()
        // --embedding-size is left to follow --hidden-size.
        let options = Trained.wordOptions.filter { $0 != "--embedding-size" && $0 != "32" }
        let train = try CLI.run(["train", "scripts.txt"] + options
                                + ["--tie-weights", "--steps", "6", "--eval-every", "3", "--output", "tied"], in: directory)
        #expect(train.succeeded, "\(train.stderr)")
        #expect(train.stderr.contains("embedding 64 (tied to the decoder)"), "\(train.stderr)")
        let file = try SafeTensors(contentsOf: directory.appendingPathComponent("tied/latest.safetensors").path)
        #expect(file["decoder.weight"]?.shape.last == 64 && file["embedding.weight"] == nil)
        #expect(try LanguageModel.configuration(in: file).tieWeights)
        let generate = try CLI.run(["generate", "tied", "--prime", "jerry:", "--length", "20", "--seed", "1"], in: directory)
        #expect(generate.succeeded && generate.stdout.hasPrefix("jerry:"), "\(generate.stderr)")
    }

    @Test func misuseIsRefusedNamingTheFlag() throws {
        let directory = try Trained.scripts.get()
        let cases: [([String], String)] = [
            (Trained.wordOptions + ["--tie-weights"], "--embedding-size (32) must equal --hidden-size (64)"),
            (["--softmax", "adaptive"], "--softmax adaptive needs --level word"),
            (["--level", "word", "--cutoffs", "20,10"], "--cutoffs must be positive and increasing"),
            (["--level", "word", "--softmax", "full", "--cutoffs", "10"], "leave out --softmax full"),
            (["--level", "word", "--cutoffs", "10", "--tie-weights"], "--tie-weights needs --softmax full"),
            (["--level", "word", "--cutoffs", "10,100000"], "between 1 and the vocabulary size"),
        ]
        for (options, message) in cases {
            let run = try CLI.run(["train", "scripts.txt", "--steps", "1", "--output", "refused"] + options, in: directory)
            #expect(!run.succeeded && run.stderr.contains(message), "\(options): \(run.stderr)")
        }
    }
}
