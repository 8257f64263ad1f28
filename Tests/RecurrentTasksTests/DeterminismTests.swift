import Testing
@testable import RecurrentTasks

/// The same generator state gives the same batch; test sets never change between calls.
@Suite struct DeterminismTests {
    static let tasks: [any MemoryTask] = [
        AddingTask(length: 20), AddingTask(form: .hochreiter1997, length: 30), TemporalOrderTask(length: 30),
        TemporalOrderTask(symbols: 3, length: 40), CopyTask(delay: 5), ClippingTask(length: 20), TimingTask(period: 4, length: 20),
    ]

    @Test func sameSeedSameBatches() throws {
        for task in Self.tasks {
            var a = RandomGenerator(seed: 11), b = RandomGenerator(seed: 11), c = RandomGenerator(seed: 12)
            for _ in 0..<3 {
                let x = try task.makeBatch(batchSize: 5, generator: &a)
                let y = try task.makeBatch(batchSize: 5, generator: &b)
                let z = try task.makeBatch(batchSize: 5, generator: &c)
                #expect(x.inputs.toArray() == y.inputs.toArray(), "\(task.name)")
                #expect(targetValues(x) == targetValues(y), "\(task.name)")
                #expect(x.inputs.toArray() != z.inputs.toArray() || x.sequenceLength != z.sequenceLength, "\(task.name)")
            }
            #expect(a == b)
        }
    }

    @Test func testSetsAreFixedAndSized() throws {
        for task in Self.tasks {
            let first = try task.testSet(), second = try task.testSet()
            #expect(first.count == second.count)
            for (x, y) in zip(first, second) {
                #expect(x.inputs.toArray() == y.inputs.toArray())
                #expect(targetValues(x) == targetValues(y))
            }
            let size = first.reduce(0) { $0 + $1.batchSize }
            #expect(size == (task.name.hasPrefix("adding") || task.name.hasPrefix("temporal") ? 1000 : 500), "\(task.name)")
        }
    }

    func targetValues(_ batch: TaskBatch) -> [Float] {
        switch batch.targets {
        case .lastStepValues(let m), .everyStepValues(let m): m.toArray()
        case .lastStepClasses(let l), .everyStepClasses(let l): l.map(Float.init)
        }
    }
}
