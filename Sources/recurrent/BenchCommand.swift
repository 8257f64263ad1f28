import ArgumentParser
import Foundation
import Recurrent

/// `recurrent bench …`: speed measurements. Build with `swift build -c release` first; a
/// debug build measures the debugger-friendly Swift, not the kernels.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks (run a release build: swift run -c release recurrent bench …).",
        subcommands: [GemmBench.self, TrainBench.self, SampleBench.self]
    )
}

/// `recurrent bench gemm`: GFLOP/s of `gemm` per shape, transpose, kernel path and thread count.
struct GemmBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gemm",
        abstract: "Measure GEMM speed: one JSON line per shape, transpose, kernel path and thread count.",
        discussion: """
            Shapes are M×N×K: C (M, N) = op(A) (M, K) · op(B) (K, N), 2·M·N·K floating-point \
            operations. Each configuration runs once to warm up, then --repetitions times; \
            "gflops" is the best repetition, "gflops_median" the median. With --packed the right \
            operand is packed once beforehand (PackedMatrix) and only the multiplications are \
            timed. "caller_cpu_ms_best" is the least CPU time of the calling thread in a \
            repetition: on a machine shared with other work it shows how much of the wall time \
            the caller actually ran; with 1 thread, 2·M·N·K divided by it is the speed while \
            running, without the turns other processes took. The defaults \
            are the LSTM shapes of a 512-unit, 2-layer model, on every kernel path this CPU has.

            Example: recurrent bench gemm --shapes 1280x1024x512 --transposes NN --threads 2
            """
    )

    @Option(help: ArgumentHelp("Comma-separated M×N×K shapes (x or ×).", valueName: "shapes"))
    var shapes: String = "128x1024x512,1280x1024x512,128x20000x256,1024x1024x1024"

    @Option(help: ArgumentHelp("Comma-separated transposes of A and B: NN, NT, TN, TT.", valueName: "list"))
    var transposes: String = "NN,NT,TN"

    @Option(help: ArgumentHelp("Comma-separated kernel paths (portable, avx2, avx512, neon) or 'all' (those this CPU supports) or 'default' (the one gemm() uses).", valueName: "list"))
    var kernels: String = "all"

    @Option(help: ArgumentHelp("Comma-separated thread counts.", valueName: "list"))
    var threads: String = "1,2"

    @Option(help: "Timed repetitions per configuration (after one warm-up).")
    var repetitions: Int = 10

    @Flag(help: "Multiply by a pre-packed right operand (PackedMatrix) instead of packing per call.")
    var packed = false

    @Option(help: ArgumentHelp("Cache blocking MC,KC,NC, or 'derived' (the analytical model's, from this machine's caches), instead of the kernel's fixed one (to compare; mc and nc are rounded up to whole tiles).", valueName: "mc,kc,nc|derived"))
    var blocking: String?

    func validate() throws {
        _ = try parsedShapes()
        _ = try parsedTransposes()
        _ = try parsedKernels()
        _ = try parsedThreads()
        _ = try parsedBlocking()
        guard repetitions >= 1 else { throw ValidationError("--repetitions must be at least 1, got \(repetitions).") }
    }

    func run() throws {
        if let blocking = try parsedBlocking() {
            try GemmBlocking.withThreadBlocking(blocking) { try measure() }
        } else {
            try measure()
        }
    }

    private func parsedBlocking() throws -> GemmBlocking? {
        guard let blocking else { return nil }
        if blocking == "derived" {
            let kernels = try parsedKernels()
            guard let first = kernels.first, kernels.allSatisfy({ $0.derivedBlocking == first.derivedBlocking }) else {
                throw ValidationError("--blocking derived: the kernels derive different blockings; give one kernel (--kernels default).")
            }
            return first.derivedBlocking
        }
        let values = list(blocking).compactMap { Int($0) }
        guard values.count == 3, values.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--blocking: '\(blocking)' is not three positive integers MC,KC,NC (e.g. 1536,384,480) or 'derived'.")
        }
        return GemmBlocking(mc: values[0], kc: values[1], nc: values[2])
    }

    private func measure() throws {
        var rng = RandomGenerator(seed: 1)
        for (m, n, k) in try parsedShapes() {
            for (ta, tb, name) in try parsedTransposes() {
                let a = randomMatrix(ta == .none ? m : k, ta == .none ? k : m, &rng)
                let b = randomMatrix(tb == .none ? k : n, tb == .none ? n : k, &rng)
                let c = Matrix(rows: m, cols: n)
                for kernel in try parsedKernels() {
                    let prepacked = packed ? PackedMatrix(b, tb, kernel: kernel) : nil
                    for threadCount in try parsedThreads() {
                        let multiply = {
                            if let prepacked {
                                gemm(c, a, ta, prepacked, threads: threadCount)
                            } else {
                                gemm(c, a, ta, b, tb, kernel: kernel, threads: threadCount)
                            }
                        }
                        multiply()  // warm-up: pool threads, scratch buffers, caches
                        var seconds: [Double] = [], cpuSeconds: [Double] = []
                        for _ in 0..<repetitions {
                            let start = DispatchTime.now().uptimeNanoseconds, cpuStart = callerCPUSeconds()
                            multiply()
                            seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
                            cpuSeconds.append(callerCPUSeconds() - cpuStart)
                        }
                        seconds.sort()
                        let cpuBest = cpuSeconds.min()!
                        let flops = 2 * Double(m) * Double(n) * Double(k)
                        let best = seconds[0], median = seconds[seconds.count / 2]
                        BenchSupport.printLine([
                            ("bench", "gemm"), ("shape", "\(m)x\(n)x\(k)"), ("m", m), ("n", n), ("k", k),
                            ("transpose", name), ("threads", threadCount), ("packed", packed),
                            ("repetitions", repetitions),
                            ("gflops", flops / best / 1e9), ("gflops_median", flops / median / 1e9),
                            ("ms_best", best * 1e3), ("ms_median", median * 1e3),
                            ("caller_cpu_ms_best", cpuBest * 1e3),
                        ], kernel: kernel)
                    }
                }
            }
        }
    }

    /// CPU time of the calling thread (exact, unlike the process clock, which lags for threads
    /// running on other cores): well below the wall time, other processes had the core.
    private func callerCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    private func format(_ x: Double, digits: Int = 1) -> String { String(format: "%.\(digits)f", x) }

    private func randomMatrix(_ rows: Int, _ cols: Int, _ rng: inout RandomGenerator) -> Matrix {
        let m = Matrix(rows: rows, cols: cols)
        m.forEachRow { _, row in for i in row.indices { row[i] = rng.uniform(-1, 1) } }
        return m
    }

    private func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    private func parsedShapes() throws -> [(Int, Int, Int)] {
        let result = try list(shapes).map { item -> (Int, Int, Int) in
            let parts = item.lowercased().replacingOccurrences(of: "×", with: "x").split(separator: "x")
            guard parts.count == 3, let m = Int(parts[0]), let n = Int(parts[1]), let k = Int(parts[2]),
                  m > 0, n > 0, k > 0 else {
                throw ValidationError("--shapes: '\(item)' is not M×N×K with positive integers (e.g. 1280x1024x512).")
            }
            return (m, n, k)
        }
        guard !result.isEmpty else { throw ValidationError("--shapes: give at least one shape.") }
        return result
    }

    private func parsedTransposes() throws -> [(Transpose, Transpose, String)] {
        let result = try list(transposes).map { item -> (Transpose, Transpose, String) in
            let name = item.uppercased()
            guard name.count == 2, name.allSatisfy({ $0 == "N" || $0 == "T" }) else {
                throw ValidationError("--transposes: '\(item)' is not one of NN, NT, TN, TT.")
            }
            return (name.first == "N" ? .none : .transposed, name.last == "N" ? .none : .transposed, name)
        }
        guard !result.isEmpty else { throw ValidationError("--transposes: give at least one of NN, NT, TN, TT.") }
        return result
    }

    private func parsedKernels() throws -> [GemmKernel] {
        let available = GemmKernel.available
        var result: [GemmKernel] = []
        for item in list(kernels) {
            switch item.lowercased() {
            case "all": result += available
            case "default": result.append(GemmKernel.current)
            default:
                guard let kernel = GemmKernel(rawValue: item.lowercased()) else {
                    throw ValidationError("--kernels: unknown kernel '\(item)'; use portable, avx2, avx512, neon, all or default.")
                }
                guard kernel.isSupported else {
                    throw ValidationError("--kernels: \(kernel) is not supported on this machine; available: \(available.map(\.rawValue).joined(separator: ", ")).")
                }
                result.append(kernel)
            }
        }
        guard !result.isEmpty else { throw ValidationError("--kernels: give at least one kernel.") }
        var seen = Set<GemmKernel>()
        return result.filter { seen.insert($0).inserted }
    }

    private func parsedThreads() throws -> [Int] {
        let result = try list(threads).map { item -> Int in
            guard let n = Int(item), n >= 1, n <= ThreadPool.maximumThreadCount else {
                throw ValidationError("--threads: '\(item)' is not a thread count from 1 to \(ThreadPool.maximumThreadCount).")
            }
            return n
        }
        guard !result.isEmpty else { throw ValidationError("--threads: give at least one thread count.") }
        return result
    }
}
