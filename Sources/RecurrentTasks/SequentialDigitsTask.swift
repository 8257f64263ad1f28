import Foundation
import Recurrent

/// The 8×8 handwritten digits of the bundled `digits.csv` (UCI; 1,797 rows of 64 grey levels
/// 0–16 and a label; `Data/` in the repository), scaled to [0, 1].
public struct DigitsDataset: Sendable {
    /// `count × 64` grey levels / 16, row-major per digit (pixel r·8 + c).
    public let pixels: [Float]
    public let labels: [Int]
    public var count: Int { labels.count }
    public static let pixelCount = 64
    public static let classCount = 10

    public init(pixels: [Float], labels: [Int]) {
        precondition(pixels.count == labels.count * Self.pixelCount, "DigitsDataset: 64 pixels per label")
        self.pixels = pixels
        self.labels = labels
    }

    /// Reads the CSV: 65 integers per line (64 pixels 0–16, then the label 0–9), no header.
    public static func load(from url: URL) throws -> DigitsDataset {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw TaskError.missingData(path: url.path, hint: "Pass the digits CSV (65 columns: 64 pixels, label) with --data PATH.")
        }
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw TaskError.malformedData(path: url.path, line: 0, message: "cannot be read as UTF-8 text (\(error.localizedDescription))")
        }
        var pixels: [Float] = []
        var labels: [Int] = []
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            let fields = trimmed.split(separator: ",")
            guard fields.count == pixelCount + 1 else {
                throw TaskError.malformedData(path: url.path, line: i + 1, message: "expected 65 comma-separated values, found \(fields.count)")
            }
            for (j, field) in fields.enumerated() {
                guard let v = Int(field.trimmingCharacters(in: .whitespaces)) else {
                    throw TaskError.malformedData(path: url.path, line: i + 1, message: "'\(field)' is not an integer")
                }
                if j < pixelCount {
                    guard (0...16).contains(v) else {
                        throw TaskError.malformedData(path: url.path, line: i + 1, message: "pixel \(j) = \(v) is outside 0–16")
                    }
                    pixels.append(Float(v) / 16)
                } else {
                    guard (0..<classCount).contains(v) else {
                        throw TaskError.malformedData(path: url.path, line: i + 1, message: "label \(v) is outside 0–9")
                    }
                    labels.append(v)
                }
            }
        }
        guard !labels.isEmpty else {
            throw TaskError.malformedData(path: url.path, line: 1, message: "the file holds no digits")
        }
        return DigitsDataset(pixels: pixels, labels: labels)
    }

    /// The name of the bundled copy (`Data/digits.csv`; the `recurrent` tool finds it by name).
    public static let bundledName = "digits.csv"
}

/// Sequential digits: classify an 8×8 digit shown one pixel at a time (64 steps, row by row).
///
/// The small cousin of pixel-by-pixel MNIST (Le, Jaitly & Hinton 2015, "A Simple Way to
/// Initialize Recurrent Networks of Rectified Linear Units", §4.2; Arjovsky et al. 2016 §4.3):
/// 784 steps there, 64 here, on the UCI digits. The class is read at the last step (softmax
/// cross-entropy), so the first rows of the digit must be remembered for up to 64 steps.
/// `pixelsPerStep` = 8 gives the easier row-by-row version (8 steps of 8 pixels).
///
/// Split: digit i is in the test set when i mod 5 = 4 (359 digits), else in training (1,438);
/// training batches draw digits uniformly with replacement.
public struct SequentialDigitsTask: MemoryTask {
    public let dataset: DigitsDataset
    public let pixelsPerStep: Int
    public let trainIndices: [Int]
    public let testIndices: [Int]

    public init(dataset: DigitsDataset, pixelsPerStep: Int = 1) {
        precondition([1, 2, 4, 8, 16, 32, 64].contains(pixelsPerStep), "sequential digits: pixelsPerStep must divide 64")
        self.dataset = dataset
        self.pixelsPerStep = pixelsPerStep
        trainIndices = (0..<dataset.count).filter { $0 % 5 != 4 }
        testIndices = (0..<dataset.count).filter { $0 % 5 == 4 }
    }

    /// Loads the digits from the CSV at `path` (the bundled one is `Data/digits.csv`).
    public static func load(path: String, pixelsPerStep: Int = 1) throws -> SequentialDigitsTask {
        SequentialDigitsTask(dataset: try DigitsDataset.load(from: URL(fileURLWithPath: path)), pixelsPerStep: pixelsPerStep)
    }

    public var name: String { "sequential-digits" }
    public var summary: String { Self.summary(pixelsPerStep: pixelsPerStep) }
    public var citation: String { Self.citation }

    /// The summary without loading the data (for `--list`).
    public static func summary(pixelsPerStep: Int = 1) -> String {
        "Classify 8x8 handwritten digits (the bundled digits.csv) seen \(pixelsPerStep == 1 ? "one pixel" : "\(pixelsPerStep) pixels") per step: \(DigitsDataset.pixelCount / pixelsPerStep) steps, 10 classes at the end."
    }
    public static let citation =
        "Pixel-by-pixel MNIST of Le, Jaitly & Hinton 2015 §4.2 and Arjovsky et al. 2016 §4.3, on the 8x8 UCI digits (64 steps instead of 784); test = every 5th digit."
    public static let solvedDescription = "test accuracy ≥ 0.90"
    public var inputSize: Int { pixelsPerStep }
    public var outputSize: Int { DigitsDataset.classCount }
    public var sequenceLength: Int { DigitsDataset.pixelCount / pixelsPerStep }
    public var scoreName: String { "accuracy" }
    public var settings: String { "\(sequenceLength) steps of \(pixelsPerStep) pixel\(pixelsPerStep == 1 ? "" : "s")" }
    public var solvedDescription: String { Self.solvedDescription }

    /// Predicting the training-set class frequencies for every test digit.
    public var baseline: TaskBaseline {
        var counts = [Double](repeating: 0, count: outputSize)
        for i in trainIndices { counts[dataset.labels[i]] += 1 }
        let total = counts.reduce(0, +)
        let majority = counts.indices.max { counts[$0] < counts[$1] }!
        var loss = 0.0, hits = 0.0
        for i in testIndices {
            loss -= log(counts[dataset.labels[i]] / total)
            if dataset.labels[i] == majority { hits += 1 }
        }
        let n = Double(testIndices.count)
        return TaskBaseline(loss: loss / n, score: hits / n,
                            explanation: "predict the training class frequencies: cross-entropy ≈ ln 10, accuracy of the majority class")
    }

    /// `(T·B, pixelsPerStep)` for the digits `indices`.
    public func batch(of indices: [Int]) -> TaskBatch {
        let b = indices.count, t = sequenceLength, k = pixelsPerStep
        let inputs = Matrix(rows: t * b, cols: k)
        for (s, digit) in indices.enumerated() {
            let base = digit * DigitsDataset.pixelCount
            for step in 0..<t {
                for j in 0..<k { inputs[step * b + s, j] = dataset.pixels[base + step * k + j] }
            }
        }
        return TaskBatch(inputs: inputs, sequenceLength: t, batchSize: b,
                         targets: .lastStepClasses(indices.map { dataset.labels[$0] }))
    }

    public func makeBatch(batchSize: Int, generator: inout RandomGenerator) throws -> TaskBatch {
        batch(of: (0..<batchSize).map { _ in trainIndices[generator.integer(below: trainIndices.count)] })
    }

    public func testSet() throws -> [TaskBatch] {
        stride(from: 0, to: testIndices.count, by: testBatchSize).map {
            batch(of: Array(testIndices[$0..<min($0 + testBatchSize, testIndices.count)]))
        }
    }

    public func score(outputs: Matrix, batch: TaskBatch, into evaluation: inout TaskEvaluation) {
        scoreLastStepClasses(outputs: outputs, batch: batch, into: &evaluation)
    }

    public func isSolved(_ evaluation: TaskEvaluation) -> Bool { evaluation.score >= 0.9 }
}
