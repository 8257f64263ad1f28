import Testing
@testable import RecurrentKernels

@Suite struct RandomGeneratorBulkTests {
    /// `fillUniform` is a faster spelling of repeated `uniform()`: same numbers, same final state.
    @Test func fillUniformMatchesRepeatedUniform() {
        for count in [0, 1, 7, 1000] {
            var a = RandomGenerator(seed: 99), b = RandomGenerator(seed: 99)
            let one = (0..<count).map { _ in a.uniform() }
            var bulk = [Float](repeating: -1, count: count + 1)
            bulk.withUnsafeMutableBufferPointer { b.fillUniform($0.baseAddress!, count: count) }
            #expect(Array(bulk.prefix(count)) == one)
            #expect(bulk[count] == -1, "wrote past count")
            #expect(a.state == b.state)
        }
    }
}
