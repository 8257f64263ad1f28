import ArgumentParser
import Foundation
import Recurrent
import RecurrentText

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Look inside a model's memory: what each unit tracks in a text.",
        discussion: """
        Reads TEXT with the model (from a zero state, as it reads a prime) and records every \
        unit's cell state c, hidden state h and gates at every token. It then correlates every \
        unit with simple features of the text (inside quotes or parentheses, position in the \
        line, right after a newline, in a speaker's name before ":", word boundaries, capitals, \
        sentence ends) and prints the best units per feature.

        --html writes a self-contained page (no network): the text coloured by any listed unit \
        and signal (click to switch, hover for values), the unit table, the gates' saturation \
        and the run's learning curves. --unit prints the text with terminal colours for one \
        unit. Layers count from 1, units from 0: --unit 2:117 is unit 117 of the second layer.

        Examples:
          recurrent inspect checkpoints/scripts held-out.txt --html inside.html
          recurrent inspect checkpoints/scripts held-out.txt --unit 2:117 --signal c
        """)

    @Argument(help: "A checkpoint file or training directory.")
    var checkpoint: String

    @Argument(help: "The text to read: a file, a bundled name (recurrent data list), or - for standard input.")
    var text: String

    @Option(help: "Write the report page to this HTML file.")
    var html: String?

    @Option(help: "Print the text coloured by this unit (LAYER:UNIT, e.g. 2:117) with terminal colours.")
    var unit: String?

    @Option(help: "The signal --unit shows: c (cell state), h (hidden state), or a gate: i f g o (LSTM), r z n (GRU). (default: c for an LSTM, h otherwise)")
    var signal: String?

    @Option(name: .customLong("max-tokens"), help: "Read at most this many tokens of the text.")
    var maxTokens: Int = 2000

    @Option(help: "Skip this many characters of the text first (e.g. to start in the held-out part).")
    var offset: Int = 0

    @Option(help: "Best units listed per feature.")
    var top: Int = 3

    func validate() throws {
        if maxTokens < 2 { throw ValidationError("--max-tokens must be at least 2, got \(maxTokens)") }
        if offset < 0 { throw ValidationError("--offset must be at least 0, got \(offset)") }
        if top < 1 { throw ValidationError("--top must be at least 1, got \(top)") }
        if let unit, UnitArgument(unit) == nil {
            throw ValidationError("--unit must be LAYER:UNIT with a layer from 1 and a unit from 0, e.g. 2:117; got \"\(unit)\"")
        }
        if let signal, StateSignal(rawValue: signal) == nil {
            throw ValidationError("--signal must be one of c, h, i, f, g, o, r, z, n; got \"\(signal)\"")
        }
    }

    @OptionGroup(title: "Computation") var computation: ThreadOptions

    func run() throws {
        computation.apply()
        try runReportingErrors {
            try InputFileCheck.requireCheckpoint(checkpoint, format: CheckpointKey.formatName, command: "inspect")
            let textModel = try TextModel.load(checkpoint)
            let c = textModel.model.configuration
            let source = try readText()
            let inspection = try Inspection(textModel: textModel, text: source, maxTokens: maxTokens, unitsPerFeature: top)
            let chosen = try chosenUnit(cell: c.cell, hiddenSize: c.hiddenSize, layers: c.numLayers)
            let projection = c.projectionSize > 0 ? " projected to \(c.projectionSize)" : ""
            let summary = "\(c.cell.rawValue)\(c.peepholes ? " (peepholes)" : ""), \(c.numLayers) layer\(c.numLayers == 1 ? "" : "s") × \(c.hiddenSize) units\(projection), \(textModel.tokenizer.level.rawValue) level"
            Console.out("checkpoint: \(textModel.path) (\(summary))\n")
            Console.out("text: \(text == "-" ? "standard input" : text), \(inspection.tokens.count) tokens read\n")
            if !inspection.unknown.isEmpty {
                Console.message("note: \(inspection.unknown.count) characters or words of the text are not in the model's vocabulary and were skipped: "
                    + inspection.unknown.prefix(10).map { "\"\($0)\"" }.joined(separator: " "))
            }
            printMatches(inspection)
            if let chosen { printColoured(inspection, unit: chosen) }
            if let html {
                let page = InspectionPage(inspection: inspection, modelName: URL(fileURLWithPath: textModel.path).lastPathComponent,
                                          modelSummary: summary, textName: text == "-" ? "standard input" : URL(fileURLWithPath: text).lastPathComponent,
                                          chosen: chosen, history: history(textModel))
                do {
                    try Data(page.render().utf8).write(to: URL(fileURLWithPath: html), options: .atomic)
                } catch {
                    throw CommandFailure("could not write \(html): \(error.localizedDescription)")
                }
                Console.message("wrote \(html)")
            }
        }
    }

    /// The text to read, after --offset characters, as much as --max-tokens can use.
    func readText() throws -> String {
        let data: Data
        if text == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            let path = try BundledData.path(text)
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            guard !isDirectory.boolValue else { throw CommandFailure("\(text) is a directory, not a text file.") }
            guard let handle = FileHandle(forReadingAtPath: path) else { throw CommandFailure("cannot read \(text): permission denied?") }
            defer { try? handle.close() }
            // Enough bytes for the offset and --max-tokens tokens of up to 32 bytes each.
            let limit = (offset + maxTokens) * 32
            data = (try? handle.read(upToCount: limit)) ?? Data()
        }
        let whole = String(decoding: data, as: UTF8.self)
        let rest = String(whole.dropFirst(offset))
        guard !rest.isEmpty else {
            throw CommandFailure(offset > 0 ? "\(text) has no text after --offset \(offset)." : "\(text) is empty: nothing to inspect.")
        }
        return rest
    }

    func chosenUnit(cell: RecurrentCellKind, hiddenSize: Int, layers: Int) throws -> UnitLocation? {
        guard let unit, let parsed = UnitArgument(unit) else { return nil }
        guard parsed.layer >= 1, parsed.layer <= layers else {
            throw CommandFailure("--unit \(unit): the model has layers 1 to \(layers)")
        }
        guard parsed.unit < hiddenSize else {
            throw CommandFailure("--unit \(unit): the model has units 0 to \(hiddenSize - 1) per layer")
        }
        let available = StateSignal.signals(for: cell)
        let chosenSignal = signal.flatMap(StateSignal.init(rawValue:)) ?? available[0]
        guard available.contains(chosenSignal) else {
            throw CommandFailure("--signal \(chosenSignal.rawValue): a \(cell.rawValue) cell has " + available.map(\.rawValue).joined(separator: ", "))
        }
        return UnitLocation(layer: parsed.layer - 1, unit: parsed.unit, signal: chosenSignal)
    }

    func printMatches(_ inspection: Inspection) {
        Console.out("best units per feature (layer:unit signal, Pearson r):\n")
        let width = TextFeature.allCases.map(\.rawValue.count).max() ?? 0
        for feature in TextFeature.allCases {
            let name = feature.rawValue.padding(toLength: width, withPad: " ", startingAt: 0)
            guard let matches = inspection.matches[feature], !matches.isEmpty else {
                Console.out("  \(name)  (does not vary in this text)\n")
                continue
            }
            let list = matches.map { "\($0.location.layer + 1):\($0.location.unit) \($0.location.signal.rawValue) \(String(format: "%+.2f", $0.correlation))" }
            Console.out("  \(name)  " + list.joined(separator: "   ") + "\n")
        }
    }

    /// The text with an ANSI 24-bit background colour per token.
    func printColoured(_ inspection: Inspection, unit: UnitLocation) {
        let values = inspection.trace.series(layer: unit.layer, signal: unit.signal, unit: unit.unit) ?? []
        let scale = InspectionPage.scale(values, signal: unit.signal)
        Console.out("\nlayer \(unit.layer + 1), unit \(unit.unit), \(unit.signal.title):\n")
        var out = ""
        for (i, text) in inspection.tokenTexts.enumerated() {
            let rgb = InspectionPage.rgb(values[i], scale: scale, signal: unit.signal)
            // Colour each line's part separately so the background never runs to the line's end.
            let pieces = text.split(separator: "\n", omittingEmptySubsequences: false)
            for (k, piece) in pieces.enumerated() {
                if k > 0 { out += "\n" }
                if !piece.isEmpty { out += "\u{1B}[38;2;0;0;0;48;2;\(rgb.0);\(rgb.1);\(rgb.2)m\(piece)\u{1B}[0m" }
            }
        }
        Console.out(out + "\n")
    }

    /// The learning curve up to the checkpoint's step: from the run folder's metrics.jsonl when
    /// it has one (every step), else from the history saved in the checkpoint (one point per
    /// validation).
    func history(_ textModel: TextModel) -> [(step: Int, training: Double, validation: Double?)] {
        guard let json = textModel.file.metadata[CheckpointKey.trainingState],
              let state = try? TrainingState(jsonString: json) else { return [] }
        let log = (URL(fileURLWithPath: textModel.path).deletingLastPathComponent().path as NSString)
            .appendingPathComponent(MetricsLog.fileName)
        if FileManager.default.fileExists(atPath: log) {
            do {
                let records = try MetricsLog.read(path: log).filter { $0.step <= state.step }
                if !records.isEmpty { return Self.summarized(records) }
            } catch {
                Console.message("warning: \(error); the learning curve shows the checkpoint's history instead")
            }
        }
        return state.history.map { ($0.step, $0.trainingLoss, $0.validationLoss) }
    }

    /// About `points` points: the training loss averaged over blocks of steps that end at
    /// every validated step (so each validation loss sits at its own step).
    static func summarized(_ records: [MetricsRecord], points: Int = 200) -> [(step: Int, training: Double, validation: Double?)] {
        let block = max(1, records.count / points)
        var out: [(step: Int, training: Double, validation: Double?)] = []
        var sum = 0.0, count = 0
        for r in records {
            sum += r.trainingLoss
            count += 1
            if count == block || r.validationLoss != nil || r.step == records.last?.step {
                out.append((r.step, sum / Double(count), r.validationLoss))
                sum = 0
                count = 0
            }
        }
        return out
    }
}

/// `LAYER:UNIT`, e.g. `2:117` (layer from 1, unit from 0).
struct UnitArgument {
    let layer: Int
    let unit: Int

    init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let layer = Int(parts[0]), let unit = Int(parts[1]), layer >= 1, unit >= 0 else { return nil }
        self.layer = layer
        self.unit = unit
    }
}
