import ArgumentParser
import Foundation
import Recurrent

/// The model configurations: char and word are the speed comparison with PyTorch (issue 7,
/// `Scripts/bench_pytorch.py` has the same table); small is the memory experiments' size
/// (H = 64, B = 64, T = 100), where per-step overhead rather than arithmetic sets the pace.
enum BenchModelConfiguration: String, CaseIterable, ExpressibleByArgument {
    case char, word, small

    /// The configurations run when none is given: the pair compared with PyTorch.
    static let compared: [BenchModelConfiguration] = [.char, .word]

    /// Letters: V vocabulary, E embedding, H hidden, L layers, T sequence length, B batch.
    var sizes: (v: Int, e: Int, h: Int, l: Int, t: Int, b: Int) {
        switch self {
        case .char: (65, 65, 512, 2, 50, 50)
        case .word: (21_388, 256, 512, 2, 32, 64)
        case .small: (16, 16, 64, 1, 100, 64)
        }
    }

    static let dropout: Float = 0.5
    static let learningRate = 2e-3
    static let clipNorm = 5.0

    func model(cell: RecurrentCellKind = .lstm, generator: inout RandomGenerator) throws -> LanguageModel {
        let s = sizes
        return try LanguageModel(configuration: LanguageModelConfiguration(
            cell: cell, vocabularySize: s.v, embeddingSize: s.e, hiddenSize: s.h, numLayers: s.l,
            dropout: Self.dropout), generator: &generator)
    }
}

/// Options shared by `bench train` and `bench sample`.
struct BenchModelOptions: ParsableArguments {
    @Option(help: "Model configuration: char or word; both (each in its own process) when omitted.")
    var config: BenchModelConfiguration?

    @Option(help: "Threads for the kernels (the calling thread included).")
    var threads: Int = 2

    @Option(help: "Seed for initialisation, data, dropout and sampling.")
    var seed: UInt64 = 1

    @Option(name: .customLong("cell"), help: "Recurrent cell (e.g. rnn against lstm at --config small).")
    var cellArgument = CellArgument<LanguageModelCells>(.lstm)

    var cell: RecurrentCellKind { cellArgument.kind }

    func validate() throws {
        guard threads >= 1 && threads <= ThreadPool.maximumThreadCount else {
            throw ValidationError("--threads must be from 1 to \(ThreadPool.maximumThreadCount), got \(threads).")
        }
    }
}

#if os(Linux)
private let RUSAGE_SELF_VALUE = __rusage_who_t(RUSAGE_SELF.rawValue)
#else
private let RUSAGE_SELF_VALUE = RUSAGE_SELF
#endif

enum BenchSupport {
    /// The whole process's peak resident set so far, in MB (`ru_maxrss`).
    static func peakResidentMegabytes() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF_VALUE, &usage)
        #if os(Linux)
        return Double(usage.ru_maxrss) / 1024          // KiB
        #else
        return Double(usage.ru_maxrss) / 1_048_576     // bytes
        #endif
    }

    /// CPU seconds (user + system) this process has used so far, all threads together.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF_VALUE, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// 1-minute load average, or nil where unavailable.
    static func loadAverage() -> Double? {
        var loads = [Double](repeating: 0, count: 3)
        return getloadavg(&loads, 3) >= 1 ? loads[0] : nil
    }

    /// Seconds on a monotonic clock.
    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    /// Re-runs this executable once per configuration with `--config` added, so each JSON line
    /// has its own peak RSS. Returns false when `config` was given (the caller runs it itself).
    static func fanOut(_ config: BenchModelConfiguration?) throws -> Bool {
        guard config == nil else { return false }
        for c in BenchModelConfiguration.compared {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
            process.arguments = Array(CommandLine.arguments.dropFirst()) + ["--config", c.rawValue]
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw ExitCode(process.terminationStatus) }
        }
        return true
    }

    /// One JSON object on one line, keys in the given order, then the machine's fields
    /// (`BenchMachine`: CPU, caches, and `kernel` — the one in force unless given — with its
    /// micro-tile and blocking).
    static func printLine(_ fields: [(String, Any)], kernel: GemmKernel = .current) {
        let body = (fields + BenchMachine.current.fields(kernel: kernel)).map { key, value -> String in
            let v: String
            switch value {
            case let s as String: v = "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
            case let d as Double: v = d.isFinite ? trimmed(d, digits: abs(d) >= 100 ? 1 : 3) : "null"
            case let f as Float: v = f.isFinite ? trimmed(Double(f), digits: 4) : "null"
            case let b as Bool: v = b ? "true" : "false"
            default: v = "\(value)"
            }
            return "\"\(key)\": \(v)"
        }
        print("{" + body.joined(separator: ", ") + "}")
        fflush(nil)
    }

    private static func trimmed(_ d: Double, digits: Int) -> String {
        let s = String(format: "%.\(digits)f", d)
        var t = Substring(s)
        while t.hasSuffix("0") { t = t.dropLast() }
        if t.hasSuffix(".") { t = t.dropLast() }
        return String(t)
    }
}
