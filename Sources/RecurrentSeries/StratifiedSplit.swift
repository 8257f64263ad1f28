import Recurrent

/// A seeded, stratified partition of labelled examples into training, validation and test:
/// each class is shuffled on its own and cut in the same proportions, so every part has the
/// class balance of the whole, and the same seed gives the same parts.
public struct StratifiedSplit: Equatable, Sendable {
    /// Example indices of each part, ascending.
    public var train: [Int]
    public var validation: [Int]
    public var test: [Int]

    /// Splits by `labels` (class indices). A class with n examples gives round(n·testFraction)
    /// to test and round(n·validationFraction) to validation — at least one each when the
    /// fraction is positive and n ≥ 3 — and the rest to training.
    public init(labels: [Int], validationFraction: Double, testFraction: Double,
                generator: inout RandomGenerator) throws {
        guard validationFraction >= 0, testFraction >= 0, validationFraction + testFraction < 1 else {
            throw SeriesError.invalidArgument("validation and test fractions must be ≥ 0 and leave data to train on "
                + "(got \(validationFraction) and \(testFraction)).")
        }
        var byClass: [Int: [Int]] = [:]
        for (i, label) in labels.enumerated() { byClass[label, default: []].append(i) }
        var train: [Int] = [], validation: [Int] = [], test: [Int] = []
        for label in byClass.keys.sorted() {
            var members = byClass[label]!
            generator.shuffle(&members)
            let n = members.count
            var nTest = Int((Double(n) * testFraction).rounded())
            var nValidation = Int((Double(n) * validationFraction).rounded())
            if n >= 3 {
                if testFraction > 0 { nTest = max(nTest, 1) }
                if validationFraction > 0 { nValidation = max(nValidation, 1) }
            }
            // Training keeps at least one example of every class.
            while nTest + nValidation >= n && nTest + nValidation > 0 {
                if nValidation >= nTest && nValidation > 0 { nValidation -= 1 } else { nTest -= 1 }
            }
            test += members[0..<nTest]
            validation += members[nTest..<(nTest + nValidation)]
            train += members[(nTest + nValidation)...]
        }
        self.train = train.sorted()
        self.validation = validation.sorted()
        self.test = test.sorted()
    }
}
