import Testing
@testable import RecurrentTasks

@Suite struct TaskCatalogTests {
    @Test func everyTaskIsDescribedWithACitation() {
        let d = TaskCatalog.descriptions
        #expect(d.map(\.name) == TaskCatalog.names)
        for t in d {
            #expect(!t.summary.isEmpty && !t.solved.isEmpty && !t.baseline.isEmpty)
            #expect(t.citation.contains("§") || t.citation.contains("experiment"), "\(t.name) cites a section")
            #expect(t.citation.range(of: #"(19|20)\d\d"#, options: .regularExpression) != nil, "\(t.name) cites a year")
        }
    }

    @Test func makesEachSyntheticTaskWithOptions() throws {
        #expect(try TaskCatalog.make("adding", options: TaskOptions(length: 50)).name == "adding")
        let copy = try #require(try TaskCatalog.make("copy", options: TaskOptions(length: 7)) as? CopyTask)
        #expect(copy.delay == 7 && copy.sequenceLength == 27)
        let timing = try #require(try TaskCatalog.make("timing", options: TaskOptions(period: 30)) as? TimingTask)
        #expect(timing.period == 30 && timing.length == 180)
        let order = try #require(try TaskCatalog.make("temporal-order-3") as? TemporalOrderTask)
        #expect(order.symbols == 3 && order.outputSize == 8)
    }

    @Test func rejectsBadOptionsReadably() {
        func message(_ name: String, _ options: TaskOptions) -> String {
            do { _ = try TaskCatalog.make(name, options: options); return "" } catch { return "\(error)" }
        }
        #expect(message("adding", TaskOptions(length: 1)).contains("--length must be in 2"))
        #expect(message("adding-1997", TaskOptions(length: 10)).contains("--length"))
        #expect(message("timing", TaskOptions(length: 30, period: 20)).contains("twice the period"))
        #expect(message("copy", TaskOptions(period: 3)).contains("--period does not apply"))
        #expect(message("adding", TaskOptions(recurrentGain: 2)).contains("--gain does not apply"))
        #expect(message("clipping", TaskOptions(recurrentGain: -1)).contains("positive"))
        #expect(message("sequential-digits", TaskOptions(length: 10)).contains("--length does not apply"))
        #expect(message("sequential-digits", TaskOptions(pixelsPerStep: 3)).contains("divide 64"))
        #expect(message("addding", TaskOptions()).contains("unknown task 'addding'"))
    }
}
