import Recurrent
import Testing
@testable import RecurrentSeries

@Suite struct ClassificationDataTests {
    @Test func digitsReadAsEightRowsOfEightPixels() throws {
        let digits = try SequenceDataset.read(contentsOf: TestData.bundled("digits.csv"), label: .last, steps: 8, features: 8)
        #expect(digits.count == 1797)
        #expect(digits.steps == 8 && digits.features == 8)
        #expect(digits.classNames == (0...9).map(String.init))
        #expect(digits.labels[0] == 0 && digits.labels[1] == 1)
        #expect(Array(digits.inputs[0][0..<8]) == [0, 0, 5, 13, 9, 1, 0, 0])
        let pixels = try SequenceDataset.read(contentsOf: TestData.bundled("digits.csv"), label: .last, features: 1)
        #expect(pixels.steps == 64 && pixels.features == 1)
    }

    @Test func namedLabelColumnAndClassOrder() throws {
        let table = try CSVTable(text: "a,b,kind\n1,2,cat\n3,4,dog\n5,6,cat\n", file: "k.csv")
        let data = try SequenceDataset(table: table, label: .named("kind"))
        #expect(data.classNames == ["cat", "dog"] && data.labels == [0, 1, 0])
        #expect(data.steps == 2 && data.features == 1 && data.inputs[1] == [3, 4])
        let numeric = try SequenceDataset(table: CSVTable(text: "1,10\n2,9\n3,2\n", file: "n.csv"), label: .last)
        #expect(numeric.classNames == ["2", "9", "10"])
        // Reading new data with a model's classes keeps its indices; an unknown class is an error.
        let again = try SequenceDataset(table: table, label: .named("kind"), classNames: ["dog", "cat"])
        #expect(again.labels == [1, 0, 1])
        #expect(throws: SeriesError.self) { try SequenceDataset(table: table, label: .named("kind"), classNames: ["cat"]) }
    }

    @Test func badShapesLabelsAndCellsAreTypedErrors() throws {
        let table = try CSVTable(text: "1,2,3,0\n4,5,6,1\n", file: "s.csv")
        #expect(throws: SeriesError.shapeMismatch(file: "s.csv", row: 1, values: 3, steps: 2, features: 2)) {
            try SequenceDataset(table: table, label: .last, steps: 2, features: 2)
        }
        #expect(throws: SeriesError.self) { try SequenceDataset(table: table, label: .last, steps: 2) }
        let single = try CSVTable(text: "x,y,label\n1,2,a\n3,4,a\n", file: "one.csv")
        let error = #expect(throws: SeriesError.self) { try SequenceDataset(table: single, label: .named("label")) }
        #expect(error == .singleClass(file: "one.csv", column: "label", label: "a"))
        let text = try CSVTable(text: "x,y,label\n1,2,a\n3,?,b\n", file: "t.csv")
        #expect(throws: SeriesError.nonNumericCell(file: "t.csv", row: 3, column: "y", value: "?")) {
            try SequenceDataset(table: text, label: .named("label"))
        }
        #expect(throws: SeriesError.missingColumn(file: "t.csv", column: "class", available: ["x", "y", "label"])) {
            try SequenceDataset(table: text, label: .named("class"))
        }
    }

    @Test func tabSeparatedTextLines() throws {
        let examples = try TextExamples(tsv: "pos\tgreat film\r\n\nneg\tdull\tand long\npos\tfun\n", file: "t.tsv")
        #expect(examples.texts == ["great film", "dull\tand long", "fun"])
        #expect(examples.classNames == ["neg", "pos"] && examples.labels == [1, 0, 1])
        #expect(throws: SeriesError.invalidTextLine(file: "t.tsv", row: 2, reason: "no tab between label and text")) {
            try TextExamples(tsv: "pos\tok\nno tab here\n", file: "t.tsv")
        }
        #expect(throws: SeriesError.singleClass(file: "t.tsv", column: "label", label: "pos")) {
            try TextExamples(tsv: "pos\ta\npos\tb\n", file: "t.tsv")
        }
        #expect(throws: SeriesError.emptyFile(file: "t.tsv")) { try TextExamples(tsv: "\n\n", file: "t.tsv") }
    }

    @Test func stratifiedSplitIsDisjointBalancedAndSeeded() throws {
        let labels = (0..<300).map { $0 < 200 ? 0 : ($0 < 280 ? 1 : 2) }
        var a = RandomGenerator(seed: 9), b = RandomGenerator(seed: 9), c = RandomGenerator(seed: 10)
        let split = try StratifiedSplit(labels: labels, validationFraction: 0.1, testFraction: 0.2, generator: &a)
        #expect(split == (try StratifiedSplit(labels: labels, validationFraction: 0.1, testFraction: 0.2, generator: &b)))
        #expect(split != (try StratifiedSplit(labels: labels, validationFraction: 0.1, testFraction: 0.2, generator: &c)))
        #expect(Set(split.train + split.validation + split.test) == Set(0..<300))
        #expect(split.train.count + split.validation.count + split.test.count == 300)
        func count(_ part: [Int], _ label: Int) -> Int { part.filter { labels[$0] == label }.count }
        #expect(count(split.test, 0) == 40 && count(split.test, 1) == 16 && count(split.test, 2) == 4)
        #expect(count(split.validation, 0) == 20 && count(split.validation, 1) == 8 && count(split.validation, 2) == 2)
        // A tiny class still trains on one example.
        var g = RandomGenerator(seed: 1)
        let tiny = try StratifiedSplit(labels: [0, 0, 0, 0, 1, 1], validationFraction: 0.3, testFraction: 0.3, generator: &g)
        #expect(tiny.train.contains { $0 >= 4 })
    }

    @Test func confusionMatrixAndAccuracy() {
        let m = ConfusionMatrix(classNames: ["a", "b", "c"], truth: [0, 0, 1, 2, 2, 2], predicted: [0, 1, 1, 2, 2, 0])
        #expect(m.counts == [[1, 1, 0], [0, 1, 0], [1, 0, 2]])
        #expect(m.total == 6 && m.correct == 4)
        #expect(abs(m.accuracy - 4.0 / 6) < 1e-12)
        #expect(m.recall[0] == 0.5 && m.recall[1] == 1)
        #expect(m.formattedTable().split(separator: "\n").count == 4)
    }

    @Test func batchesAreTimeMajorAndStandardisationIsPerFeature() {
        let data = SequenceDataset(steps: 2, features: 2, inputs: [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]],
                                   labels: [0, 1, 0], classNames: ["x", "y"])
        let inputs = Matrix(rows: 2 * 2, cols: 2)
        data.fillBatch([2, 0], inputs: inputs)
        #expect(inputs.toArray() == [9, 10, 1, 2, 11, 12, 3, 4])
        let s = Standardizer(fitting: data.subset([0, 1]).inputs, featureCount: 2)
        #expect(s.mean == [4, 5])
        let z = data.standardized(by: s)
        // Feature 0 takes 1, 3, 5, 7 over both steps of both examples: mean 4, deviation √5.
        let expected = [-3, -3, -1, -1].map { Float($0 / 5.0.squareRoot()) }
        #expect(zip(z.inputs[0], expected).allSatisfy { abs($0 - $1) < 1e-6 })
    }
}
