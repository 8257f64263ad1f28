import Foundation
import Recurrent
import Testing
@testable import RecurrentText

@Suite struct StateTraceTests {
    /// A small model of each cell kind, initialised from a seed.
    static func model(_ cell: RecurrentCellKind, peepholes: Bool = false, projection: Int = 0, vocabulary: Int = 12) throws -> LanguageModel {
        var rng = RandomGenerator(seed: 5)
        let c = LanguageModelConfiguration(cell: cell, vocabularySize: vocabulary, embeddingSize: 6, hiddenSize: 7,
                                           numLayers: 2, dropout: 0, peepholes: peepholes, projectionSize: projection)
        return try LanguageModel(configuration: c, generator: &rng)
    }

    /// The trace's h and c after every token equal the model's own stepper (the sampling path).
    /// With a projection the stepper's h has P features and the trace's h is each unit's own
    /// o ⊙ tanh(c), so c is compared, and h = W_hr · (the trace's h).
    @Test(arguments: [(RecurrentCellKind.lstm, false, 0), (.lstm, true, 0), (.lstm, false, 4), (.lstm, true, 3),
                      (.gru, false, 0), (.rnn, false, 0), (.rnnRelu, false, 0)])
    func statesMatchTheModelsStepper(cell: RecurrentCellKind, peepholes: Bool, projection: Int) throws {
        let model = try Self.model(cell, peepholes: peepholes, projection: projection)
        let tokens = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7]
        let trace = StateTrace(model: model, tokens: tokens)
        let stepper = LanguageModelStepper(model: model)
        for (t, token) in tokens.enumerated() {
            stepper.advance(token)
            for layer in 0..<2 {
                let named = Dictionary(uniqueKeysWithValues: model.parameters.map { ($0.name, $0.value) })
                for j in 0..<(projection > 0 ? projection : 7) {
                    var h = trace.values(layer: layer, signal: .hidden)![t * 7 + j]
                    if let whr = named["rnn.weight_hr_l\(layer)"] {
                        h = (0..<7).reduce(0) { $0 + whr[j, $1] * trace.values(layer: layer, signal: .hidden)![t * 7 + $1] }
                    }
                    #expect(abs(h - stepper.state.h[layer, j]) <= 1e-5, "h layer \(layer) unit \(j) step \(t)")
                }
                for j in 0..<7 {
                    if let c = stepper.state.c {
                        let traced = trace.values(layer: layer, signal: .cell)![t * 7 + j]
                        #expect(abs(traced - c[layer, j]) <= 1e-5, "c layer \(layer) unit \(j) step \(t)")
                    }
                }
            }
        }
        // Gates are probabilities, and the cell has exactly its own signals.
        for signal in trace.signals where signal.isGate {
            #expect(trace.values(layer: 1, signal: signal)!.allSatisfy { $0 >= 0 && $0 <= 1 })
        }
        #expect(Set(trace.signals) == Set(StateSignal.signals(for: cell)))
    }
}

@Suite struct TextFeatureTests {
    @Test func quotesParenthesesAndLinePosition() {
        let tokens = "a \"bc\" (d)\nxy".map(String.init)
        let f = TextFeature.values(tokens: tokens)
        //             a  _  "  b  c  "  _  (  d  )  \n x  y
        #expect(f[.insideQuotes]! == [0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0])
        #expect(f[.insideParentheses]! == [0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0])
        #expect(f[.positionInLine]! == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0, 1, 2])
        #expect(f[.afterNewline]! == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0])
        #expect(f[.wordBoundary]! == [0, 1, 1, 0, 0, 1, 1, 1, 0, 1, 1, 0, 0])
    }

    @Test func speakerNamesAtLineStartsOnly() {
        let text = "ROMEO:\nBut soft: what light\njerry: hi\nKing Edward: yes\n"
        let f = TextFeature.values(tokens: text.map(String.init))
        let marked = String(zip(text, f[.speakerName]!).filter { $0.1 == 1 }.map(\.0))
        #expect(marked == "ROMEOjerryKing Edward")
        #expect(f[.capitals]![0] == 1 && f[.capitals]![7] == 1 && f[.capitals]![8] == 0)
    }

    @Test func wordTokensCarryTheirFeatures() {
        let f = TextFeature.values(tokens: ["jerry", ":", " hello", ".", "\n"])
        #expect(f[.speakerName]! == [1, 0, 0, 0, 0])
        #expect(f[.sentenceEnd]! == [0, 0, 0, 1, 0])
        #expect(f[.afterNewline]! == [0, 0, 0, 0, 1])
    }
}

@Suite struct UnitSearchTests {
    /// Plants an LSTM unit whose cell state is +1 inside double quotes and −1 outside, in a
    /// char model whose other weights are random, and checks the search ranks it first for
    /// "inside quotes".
    ///
    /// The embedding's last column is 1 for `"` and 0 otherwise. For unit k of layer 0:
    /// on `"`, f = 0 and i = 1 with g = tanh(K·(−h₋/0.76)) ≈ −sign(c₋): the state flips; on any
    /// other character f = 1 and i = 0: it holds. o = 1, so h = tanh(c) ≈ ±0.76.
    @Test func aPlantedQuoteUnitIsFoundFirst() throws {
        let text = "He said \"hold the door\" and left. \"Why?\" she asked (twice). \"No.\"\nThen \"go\" now. Fine \"ok\" then!\n"
        let tokenizer = CharacterTokenizer(text: text)
        let v = tokenizer.vocabularySize, e = 6, h = 8, k = 5
        var rng = RandomGenerator(seed: 11)
        let model = try LanguageModel(configuration: LanguageModelConfiguration(
            cell: .lstm, vocabularySize: v, embeddingSize: e, hiddenSize: h, numLayers: 2, dropout: 0), generator: &rng)
        let quote = try tokenizer.encode("\"")[0]
        let named = Dictionary(uniqueKeysWithValues: model.parameters.map { ($0.name, $0.value) })
        let embedding = named["embedding.weight"]!
        for row in 0..<v { embedding[row, e - 1] = row == quote ? 1 : 0 }
        let wih = named["rnn.weight_ih_l0"]!, whh = named["rnn.weight_hh_l0"]!
        let bih = named["rnn.bias_ih_l0"]!, bhh = named["rnn.bias_hh_l0"]!
        let big: Float = 20
        for gate in 0..<4 {
            let row = gate * h + k
            for col in 0..<e { wih[row, col] = 0 }
            for col in 0..<h { whh[row, col] = 0 }
            bhh[0, row] = 0
        }
        // i: σ(−K + 2K·q), f: σ(K − 2K·q), g: tanh(−K·h₋ / 0.76 + 0.3) (the bias breaks the tie at c = 0), o: σ(K).
        wih[k, e - 1] = 2 * big; bih[0, k] = -big
        wih[h + k, e - 1] = -2 * big; bih[0, h + k] = big
        whh[2 * h + k, k] = -big / 0.76; bih[0, 2 * h + k] = 0.3
        bih[0, 3 * h + k] = big
        let textModel = TextModel(model: model, tokenizer: tokenizer, path: "planted", file: SafeTensors())
        let inspection = try Inspection(textModel: textModel, text: text)
        let best = try #require(inspection.matches[.insideQuotes]?.first)
        #expect(best.location.layer == 0 && best.location.unit == k, "best quote unit: \(best)")
        // Not 1: before the first quote the state is 0, not −1.
        #expect(best.correlation > 0.85)
    }

    @Test func correlationOfAUnitThatEqualsAFeatureIsOne() throws {
        let model = try StateTraceTests.model(.rnn)
        let trace = StateTrace(model: model, tokens: [1, 2, 3, 4, 5, 6])
        let unit = try #require(trace.series(layer: 1, signal: .hidden, unit: 3))
        let matches = UnitSearch.bestUnits(trace: trace, features: [.capitals: unit.map { 2 * $0 + 1 }], count: 2)
        #expect(matches[.capitals]?.first?.location == UnitLocation(layer: 1, unit: 3, signal: .hidden))
        #expect(abs((matches[.capitals]?.first?.correlation ?? 0) - 1) < 1e-4)
        #expect(matches[.afterNewline] == nil)
    }

    @Test func saturationCountsStepsBelowAndAbove() throws {
        let model = try StateTraceTests.model(.gru)
        let trace = StateTrace(model: model, tokens: Array(0..<12))
        let saturation = GateSaturation(trace: trace)
        #expect(Set(saturation.points.keys) == [.reset, .updateGate])
        let z = trace.series(layer: 0, signal: .updateGate, unit: 2)!
        let point = saturation.points[.updateGate]!.first { $0.layer == 0 && $0.unit == 2 }!
        #expect(point.left == Double(z.filter { $0 < 0.1 }.count) / 12)
        #expect(point.right == Double(z.filter { $0 > 0.9 }.count) / 12)
        #expect(saturation.points[.updateGate]!.count == 2 * 7)
    }
}

@Suite struct InspectionPageTests {
    @Test func onePerTokenSpanAndParseableValues() throws {
        let text = "JERRY:\n\"hi\" (there)\n"
        let tokenizer = CharacterTokenizer(text: text)
        var rng = RandomGenerator(seed: 3)
        let model = try LanguageModel(configuration: LanguageModelConfiguration(
            cell: .lstm, vocabularySize: tokenizer.vocabularySize, embeddingSize: 4, hiddenSize: 5, numLayers: 2), generator: &rng)
        let inspection = try Inspection(textModel: TextModel(model: model, tokenizer: tokenizer, path: "m", file: SafeTensors()),
                                        text: text + "<&>")   // characters the vocabulary lacks are skipped
        #expect(inspection.unknown.sorted() == ["&", "<", ">"])
        let page = InspectionPage(inspection: inspection, modelName: "m <1>", modelSummary: "lstm", textName: "t",
                                  history: [(10, 2.5, 2.6), (20, 2.0, nil)]).render()
        let spans = page.components(separatedBy: "<span data-i=\"").count - 1
        #expect(spans == text.count)
        #expect(page.contains("m &lt;1&gt;"))
        #expect(page.contains("<svg") && !page.contains("<?xml"))
        let start = try #require(page.range(of: "<script type=\"application/json\" id=\"unit-values\">"))
        let end = try #require(page.range(of: "</script>", range: start.upperBound..<page.endIndex))
        let json = try JSONSerialization.jsonObject(with: Data(page[start.upperBound..<end.lowerBound].utf8)) as? [String: Any]
        let initial = try #require(json?["_initial"] as? [String: String])
        let values = try #require((json?[initial["unit"]!] as? [String: [Double]])?[initial["signal"]!])
        #expect(values.count == text.count)
    }
}
