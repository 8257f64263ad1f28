import Foundation

/// One line of a run's `metrics.jsonl`: what one optimizer step did.
///
/// Keys (snake_case, as other tools' logs spell them): `step` (1-based), `epoch` (1-based;
/// absent where data is drawn fresh each step), `train_loss` (this batch's mean loss),
/// `val_loss` (only on steps that validated), `learning_rate` (the rate this step used),
/// `grad_norm` (the gradient's norm before clipping), `tokens` or `samples` (trained so far,
/// counting this step), `tokens_per_sec` or `samples_per_sec`, and `elapsed_sec` (training
/// seconds so far). The last three are wall-clock figures; everything else is deterministic,
/// so a resumed run's file equals an uninterrupted run's except in them.
public struct MetricsRecord: Codable, Equatable, Sendable {
    public var step: Int
    public var epoch: Int?
    public var trainingLoss: Double
    public var validationLoss: Double?
    public var learningRate: Double
    public var gradientNorm: Double
    public var tokens: Int?
    public var samples: Int?
    public var tokensPerSecond: Double?
    public var samplesPerSecond: Double?
    public var elapsedSeconds: Double

    public init(step: Int, epoch: Int?, trainingLoss: Double, validationLoss: Double? = nil, learningRate: Double,
                gradientNorm: Double, tokens: Int? = nil, samples: Int? = nil, tokensPerSecond: Double? = nil,
                samplesPerSecond: Double? = nil, elapsedSeconds: Double) {
        self.step = step
        self.epoch = epoch
        self.trainingLoss = trainingLoss
        self.validationLoss = validationLoss
        self.learningRate = learningRate
        self.gradientNorm = gradientNorm
        self.tokens = tokens
        self.samples = samples
        self.tokensPerSecond = tokensPerSecond
        self.samplesPerSecond = samplesPerSecond
        self.elapsedSeconds = elapsedSeconds
    }

    enum CodingKeys: String, CodingKey {
        case step, epoch, tokens, samples
        case trainingLoss = "train_loss"
        case validationLoss = "val_loss"
        case learningRate = "learning_rate"
        case gradientNorm = "grad_norm"
        case tokensPerSecond = "tokens_per_sec"
        case samplesPerSecond = "samples_per_sec"
        case elapsedSeconds = "elapsed_sec"
    }

    /// Tokens, or else samples, trained so far (the x axis of `recurrent plot --x tokens`).
    public var amountTrained: Int? { tokens ?? samples }
}

/// A run's `metrics.jsonl`, appended one `MetricsRecord` a line as training goes, each line
/// written with one `write(2)` (no buffering: a crash loses at most the line being written).
///
/// The package's one metrics writer, used by the text trainer, the series trainers and the
/// memory experiments. A resumed run opens it with `resumingAfter: step` of its checkpoint:
/// lines for later steps (trained after that checkpoint and lost with the process) and a
/// partial last line are dropped, so the file continues without duplicates or gaps.
public final class MetricsLog {
    /// The file name in a run folder.
    public static let fileName = "metrics.jsonl"

    public let path: String
    private let handle: FileHandle

    /// Opens `path` for appending: a fresh run (`resumingAfter` nil) starts an empty file; a
    /// resumed one keeps the readable lines up to and including step `resumingAfter`.
    ///
    /// - Throws: `MetricsLogError.file` when the file or its folder cannot be written.
    public init(path: String, resumingAfter step: Int? = nil) throws(MetricsLogError) {
        self.path = path
        let manager = FileManager.default
        var kept = Data()
        if let step, let data = manager.contents(atPath: path) {
            for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
                guard let record = try? MetadataJSON.decode(MetricsRecord.self, from: String(decoding: line, as: UTF8.self)),
                      record.step <= step else { break }
                kept.append(line)
                kept.append(UInt8(ascii: "\n"))
            }
        }
        do {
            let folder = (path as NSString).deletingLastPathComponent
            if !folder.isEmpty { try manager.createDirectory(atPath: folder, withIntermediateDirectories: true) }
            // Written whole then renamed: a crash here leaves the old file or the new, never half.
            try kept.write(to: URL(fileURLWithPath: path), options: .atomic)
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.seekToEnd()
        } catch {
            throw .file(path: path, reason: error.localizedDescription)
        }
    }

    deinit { try? handle.close() }

    /// Appends `record` as one line.
    public func append(_ record: MetricsRecord) throws(MetricsLogError) {
        let line: String
        do { line = try MetadataJSON.encode(record) } catch { throw .file(path: path, reason: error.description) }
        do { try handle.write(contentsOf: Data((line + "\n").utf8)) } catch {
            throw .file(path: path, reason: error.localizedDescription)
        }
    }

    /// The records of `path`, in order.
    ///
    /// - Throws: `MetricsLogError.missing` when there is no such file, `.damaged` naming the
    ///   first line that is not a metrics record.
    public static func read(path: String) throws(MetricsLogError) -> [MetricsRecord] {
        guard let data = FileManager.default.contents(atPath: path) else { throw .missing(path: path) }
        var records: [MetricsRecord] = []
        for (index, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            let text = String(decoding: line, as: UTF8.self)
            if text.allSatisfy(\.isWhitespace) { continue }
            do {
                records.append(try MetadataJSON.decode(MetricsRecord.self, from: text))
            } catch {
                throw .damaged(path: path, line: index + 1, reason: Self.reason(error))
            }
        }
        return records
    }

    private static func reason(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "the key \"\(key.stringValue)\" is missing"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "\"\(context.codingPath.map(\.stringValue).joined(separator: "."))\" has the wrong type"
        case DecodingError.dataCorrupted: return "it is not valid JSON"
        default: return "\(error)"
        }
    }
}

/// Why a metrics log could not be written or read.
public enum MetricsLogError: Error, Equatable, Sendable, CustomStringConvertible {
    case file(path: String, reason: String)
    case missing(path: String)
    case damaged(path: String, line: Int, reason: String)

    public var description: String {
        switch self {
        case let .file(path, reason):
            return "cannot write the metrics log \(path): \(reason)"
        case let .missing(path):
            return "\(path) does not exist: a run folder written by recurrent train, forecast train, classify train or experiment --log-dir has one"
        case let .damaged(path, line, reason):
            return "\(path), line \(line): not a metrics record (\(reason)); remove or repair that line"
        }
    }
}
