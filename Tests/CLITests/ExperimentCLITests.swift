import Foundation
import Testing

/// `recurrent experiment`: the listing, readable errors for bad options, and a tiny run that
/// prints its table and writes both plots.
@Suite(.serialized) struct ExperimentCLITests {
    @Test func listDescribesEveryTask() throws {
        let d = try CLI.temporaryDirectory("experiment-list")
        let r = try CLI.run(["experiment", "--list"], in: d)
        #expect(r.succeeded, "\(r.stderr)")
        for name in ["adding", "adding-1997", "temporal-order", "temporal-order-3", "copy", "clipping", "timing",
                     "sequential-digits", "Hochreiter & Schmidhuber 1997", "Arjovsky", "Pascanu", "Gers"] {
            #expect(r.stdout.contains(name), "\(name)")
        }
    }

    @Test func badOptionsAreNamed() throws {
        let d = try CLI.temporaryDirectory("experiment-bad")
        let cases: [([String], String)] = [
            (["experiment"], "Name a task"),
            (["experiment", "adding", "--length", "1"], "--length"),
            (["experiment", "adding", "--cells", "lstm,tree"], "'tree'"),
            (["experiment", "adding", "--steps", "0"], "--steps"),
            (["experiment", "copy", "--period", "3"], "--period does not apply"),
            (["experiment", "clipping", "--no-clip"], "--no-clip"),
            (["experiment", "adding", "--optimizer", "lbfgs"], "--optimizer"),
            (["experiment", "adding", "--plot", "curves.png"], ".svg"),
            (["experiment", "sequential-digits", "--data", "nowhere.csv"], "nowhere.csv"),
            (["experiment", "nonsense"], "unknown task 'nonsense'"),
            (["experiment", "adding", "--input-bias", "-30"], "--input-bias must be in -20...20"),
            (["experiment", "memory-span", "--input-bias", "-30"], "--input-bias must be in -20...20"),
            (["experiment", "memory-span", "--forget-bias", "nan"], "--forget-bias"),
        ]
        for (arguments, words) in cases {
            let r = try CLI.run(arguments, in: d)
            #expect(!r.signaled && r.status != 0, "\(arguments)")
            #expect(r.stderr.contains(words), "\(arguments): \(r.stderr)")
        }
    }

    @Test func tinyRunPrintsTableAndWritesPlots() throws {
        let d = try CLI.temporaryDirectory("experiment-run")
        let arguments = ["experiment", "clipping", "--seeds", "2", "--steps", "30", "--eval-every", "10",
                         "--hidden", "8", "--test-size", "20", "--plot", "curves.svg", "--norm-plot", "norms.svg"]
        let r = try CLI.run(arguments, in: d)
        #expect(r.succeeded, "\(r.stderr)")
        for text in ["clipping (T = 10, g = 3)", "rnn no clip", "rnn clip 1", "seed 1", "seed 2", "diverged"] {
            #expect(r.stdout.contains(text), "\(text)")
        }
        #expect(r.stderr.contains("rnn clip 1 seed 2 step 30"))
        for file in ["curves.svg", "norms.svg"] {
            let svg = try String(contentsOf: d.appendingPathComponent(file), encoding: .utf8)
            #expect(svg.hasPrefix("<?xml") && svg.contains("</svg>") && svg.contains("rnn no clip"))
        }
        // Deterministic: the same command gives the same table, apart from the wall times.
        let again = try CLI.run(arguments, in: d)
        func withoutTimes(_ s: String) -> String {
            s.replacingOccurrences(of: #"\d+\.\d s"#, with: "", options: .regularExpression)
        }
        #expect(withoutTimes(again.stdout) == withoutTimes(r.stdout))
    }

    @Test func negativeInputBiasIsAcceptedAndStated() throws {
        let d = try CLI.temporaryDirectory("experiment-input-bias")
        let r = try CLI.run(["experiment", "adding", "--length", "10", "--cells", "lstm", "--seeds", "1", "--steps", "4",
                             "--eval-every", "2", "--test-size", "8", "--input-bias", "-3", "--forget-bias", "20"], in: d)
        #expect(r.succeeded, "\(r.stderr)")
        #expect(r.stdout.contains("forget bias 20, input-gate bias -3"), "\(r.stdout)")
    }

    @Test func memorySpanStatesItsGateBiases() throws {
        let d = try CLI.temporaryDirectory("experiment-memory-span")
        let r = try CLI.run(["experiment", "memory-span", "--lags", "1,3", "--cells", "rnn,lstm", "--steps", "4",
                             "--hmm-states", "2", "--hmm-iterations", "1", "--forget-bias", "2", "--input-bias", "-3",
                             "--quiet"], in: d)
        #expect(r.succeeded, "\(r.stderr)")
        #expect(r.stdout.contains("LSTM forget bias 2, input-gate bias -3"), "\(r.stdout)")
        for text in ["rnn", "lstm", "hmm", "2 states"] { #expect(r.stdout.contains(text), "\(text)") }
    }
}
