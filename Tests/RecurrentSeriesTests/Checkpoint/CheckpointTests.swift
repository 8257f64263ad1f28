import Foundation
import Recurrent
import Testing
@testable import RecurrentSeries

@Suite struct CheckpointTests {
    @Test func forecastCheckpointRoundTripsWeightsEncodingAndForecasts() throws {
        let problem = try ForecastProblem(series: Synthetic.seasonalSeries(count: 120), lookback: 12, horizon: 3)
        let trainer = try ForecastTrainer(problem: problem, hiddenSize: 4,
                                          options: ForecastTrainingOptions(epochs: 2, batchSize: 16, seed: 3))
        let summary = try trainer.train()
        let source = ForecastSource(file: "y.csv", column: "y", dateColumn: nil, wide: false, missing: .interpolate)
        let record = ForecastTrainingRecord(options: trainer.options, epochsRun: summary.epochsRun, bestEpoch: summary.bestEpoch,
                                            bestValidationMAE: summary.bestValidationMAE, testScores: summary.testScores)
        let checkpoint = ForecastCheckpoint(model: trainer.model, encoding: problem.encoding, source: source,
                                            season: problem.season, frequency: .months(1), training: record)
        let path = try TestData.temporaryFile("", name: "forecast.safetensors")
        try checkpoint.write(to: path)
        let back = try ForecastCheckpoint(contentsOf: path)
        #expect(back.encoding == problem.encoding && back.source == source && back.season == 6)
        #expect(back.frequency == .months(1) && back.training == record)
        #expect(back.model.configuration == trainer.model.configuration)
        // Written without a model choice (as before it existed): no 'choice' entry, and it forecasts with its network.
        #expect(try checkpoint.safeTensors.metadata["choice"] == nil)
        #expect(back.choice == nil && back.recommended == .network)
        let chosen = ForecastCheckpoint(model: trainer.model, encoding: problem.encoding, source: source, season: problem.season,
                                        frequency: .months(1), training: record, choice: summary.choice)
        try chosen.write(to: path)
        let withChoice = try ForecastCheckpoint(contentsOf: path)
        #expect(withChoice.choice != nil && withChoice.choice == summary.choice)
        #expect(withChoice.recommended == summary.choice?.recommended)
        let values = problem.series.values
        #expect(back.model.forecast(values, origins: problem.testOrigins, encoding: back.encoding)
                == trainer.model.forecast(values, origins: problem.testOrigins, encoding: problem.encoding))
    }

    /// Either forecaster's checkpoint gives its model as a method, its window and the record
    /// both kinds keep through `ForecasterCheckpoint`, read back as written (`forecast predict`
    /// reads them this way).
    @Test func bothForecasterCheckpointsAnswerThroughOneProtocol() throws {
        let problem = try ForecastProblem(series: Synthetic.seasonalSeries(count: 120), lookback: 8, horizon: 3,
                                          reference: .lastValue)
        let options = ForecastTrainingOptions(epochs: 1, batchSize: 16, patience: 1, seed: 2)
        let source = ForecastSource(file: "y.csv", column: "y", dateColumn: nil, wide: false, missing: .interpolate)
        let trainer = try ForecastTrainer(problem: problem, hiddenSize: 4, options: options)
        let summary = try trainer.train()
        let record = ForecastTrainingRecord(options: options, epochsRun: summary.epochsRun, bestEpoch: summary.bestEpoch,
                                            bestValidationMAE: summary.bestValidationMAE, testScores: summary.testScores,
                                            testStart: problem.split.test.lowerBound)
        let ensemble = try HybridEnsemble.train(problem: problem, count: 1, hiddenSize: 4, options: options).ensemble
        let written: [any ForecasterCheckpoint] = [
            ForecastCheckpoint(model: trainer.model, encoding: problem.encoding, source: source, season: 6,
                               frequency: .months(1), training: record, choice: summary.choice),
            HybridCheckpoint(ensemble: ensemble, source: source, season: 6, frequency: .months(1), training: record),
        ]
        let y = problem.series.values, origins = [100, 117]
        for checkpoint in written {
            let path = try TestData.temporaryFile("", name: "forecaster.safetensors")
            try checkpoint.write(to: path)
            let back: any ForecasterCheckpoint = checkpoint is HybridCheckpoint
                ? try HybridCheckpoint(contentsOf: path) : try ForecastCheckpoint(contentsOf: path)
            #expect(back.lookback == 8 && back.horizon == 3 && back.source == source && back.season == 6)
            #expect(back.frequency == .months(1) && back.training == record && back.choice == checkpoint.choice)
            #expect(back.recommended == checkpoint.recommended && back.method.kind == checkpoint.method.kind)
            #expect(back.method.forecasts(y, origins: origins, horizon: 3) == checkpoint.method.forecasts(y, origins: origins, horizon: 3))
        }
        #expect(written.map { $0.method.kind } == [.network, .hybrid] && written[0].choice != nil && written[1].choice == nil)
    }

    @Test func classifierCheckpointRoundTripsAndReadsNewDataTheSameWay() throws {
        let csv = (0..<60).map { i -> String in
            let label = ["up", "down", "peak"][i % 3]
            let values = Synthetic.shapes(count: 60).inputs[i]
            return values.map { String($0) }.joined(separator: ",") + "," + label
        }.joined(separator: "\n")
        let path = try TestData.temporaryFile("a,b,c,d,e,f,kind\n" + csv + "\n")
        let data = try SequenceDataset.read(contentsOf: path, label: .named("kind"), steps: 3, features: 2)
        var rng = RandomGenerator(seed: 1)
        let split = try StratifiedSplit(labels: data.labels, validationFraction: 0.2, testFraction: 0.2, generator: &rng)
        let standardizer = Standardizer(fitting: split.train.map { data.inputs[$0] }, featureCount: 2)
        let trainer = try ClassifierTrainer(
            inputs: .numeric(data.standardized(by: standardizer)), split: split,
            configuration: SequenceClassifierConfiguration(inputSize: 2, hiddenSize: 4, classCount: 3),
            options: ClassifierTrainingOptions(epochs: 2), generator: rng)
        let summary = try trainer.train()
        let specification = ClassifierInputSpecification(kind: .numeric, steps: 3, features: 2, labelColumn: "kind",
                                                         standardizer: standardizer, vocabulary: nil,
                                                         classNames: data.classNames)
        let checkpoint = ClassifierCheckpoint(model: trainer.model, input: specification, training: ClassifierTrainingRecord(
            options: trainer.options, epochsRun: summary.epochsRun, bestEpoch: summary.bestEpoch,
            testAccuracy: summary.test.accuracy, testConfusion: summary.test))
        let file = try TestData.temporaryFile("", name: "classifier.safetensors")
        try checkpoint.write(to: file)
        let back = try ClassifierCheckpoint(contentsOf: file)
        #expect(back.input == specification && back.training?.testConfusion == summary.test)
        let read = try back.read(contentsOf: path)
        #expect(read.hasLabels && read.inputs.labels == data.labels)
        let before = trainer.model.predict(.numeric(data.standardized(by: standardizer)))
        let after = back.model.predict(read.inputs)
        #expect(before.map(\.label) == after.map(\.label) && before.map(\.probability) == after.map(\.probability))
        // The same rows without the label column are read as unlabelled.
        let bare = try TestData.temporaryFile(csv.split(separator: "\n").map { $0.split(separator: ",").dropLast().joined(separator: ",") }
            .joined(separator: "\n"))
        let unlabelled = try back.read(contentsOf: bare)
        #expect(!unlabelled.hasLabels && back.model.predict(unlabelled.inputs).map(\.label) == after.map(\.label))
    }

    @Test func aCheckpointOfTheOtherKindOrWithoutMetadataIsATypedError() throws {
        var rng = RandomGenerator(seed: 1)
        let classifier = SequenceClassifier(configuration: SequenceClassifierConfiguration(inputSize: 1, hiddenSize: 2, classCount: 2),
                                            generator: &rng)
        let file = try ClassifierCheckpoint(model: classifier, input: ClassifierInputSpecification(
            kind: .numeric, steps: 2, features: 1, labelColumn: nil, standardizer: nil, vocabulary: nil, classNames: ["a", "b"]),
            training: nil).safeTensors
        let error = #expect(throws: SeriesError.self) { try ForecastCheckpoint(file) }
        #expect(error?.description.contains("not a forecast checkpoint") == true)
        var bare = file
        bare.metadata = [:]
        #expect(throws: SeriesError.self) { try ClassifierCheckpoint(bare) }
        var lying = file
        lying.metadata["input"] = lying.metadata["input"]!.replacingOccurrences(of: "\"steps\":2", with: "\"steps\":0")
        #expect(throws: SeriesError.self) { try ClassifierCheckpoint(lying) }
        #expect(throws: (any Error).self) { try ForecastCheckpoint(contentsOf: "/nonexistent/forecast.safetensors") }
    }
}
