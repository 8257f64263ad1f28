import Foundation
import Recurrent

extension TokenCache {
    /// Tokenizes `source` into a new cache file at `path`, replacing any file there atomically,
    /// and maps it. With no `tokenizer`, the vocabulary is built from the source first (one
    /// counting pass). Memory: one chunk, the vocabulary, and a buffer of ids on their way to
    /// the file — never the text or all of its ids.
    static func build(_ path: String, source: TextSource, settings: Settings, tokenizer given: (any Tokenizer)?,
                      chunkSize: Int) throws -> TokenCache {
        let tokenizer = try given.map { try ($0 is ByteTokenizer || $0 is CharacterTokenizer || $0 is WordTokenizer)
            ? $0 : $0.configuration.makeTokenizer() } ?? vocabulary(of: source, settings: settings, chunkSize: chunkSize)
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty && !FileManager.default.fileExists(atPath: folder) {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        var textFailure: TextError? = nil
        do {
            try AtomicFile.write(to: path) { (file) throws(SafeTensorsError) in
                do throws(BuildFailure) {
                    try write(source, with: tokenizer, settings: settings, vocabularyFromSource: given == nil,
                              chunkSize: chunkSize, to: file)
                } catch {
                    switch error {
                    case .file(let failure): throw failure
                    case .text(let failure):
                        textFailure = failure   // thrown below, once the temporary file is gone
                        throw SafeTensorsError(file: path, problem: .writeFailed(operation: "tokenizing", detail: failure.description))
                    }
                }
            }
        } catch {
            throw textFailure ?? error
        }
        return try open(path, verify: false)
    }

    /// Pass one for a new vocabulary: counts every token (as `Corpus.load` does).
    private static func vocabulary(of source: TextSource, settings: Settings, chunkSize: Int) throws(TextError) -> any Tokenizer {
        switch settings.level {
        case .byte:
            return ByteTokenizer()
        case .char:
            return CharacterTokenizer(counts: try Corpus.count(source, segmenter: CharacterSegmenter(), level: .char, chunkSize: chunkSize))
        case .word:
            let options = WordTokenizer.Options(lowercase: settings.lowercase ?? true, minimumCount: settings.minimumCount ?? 1)
            let counts = try Corpus.count(source, segmenter: WordSegmenter(lowercase: options.lowercase), level: .word, chunkSize: chunkSize)
            return WordTokenizer(counts: counts, options: options)
        }
    }

    enum BuildFailure: Error {
        case text(TextError)
        case file(SafeTensorsError)
    }

    /// The whole file: a placeholder preamble, the ids, the header, then the real preamble.
    private static func write(_ source: TextSource, with tokenizer: any Tokenizer, settings: Settings, vocabularyFromSource: Bool,
                              chunkSize: Int, to file: OutputFile) throws(BuildFailure) {
        let preamble = [UInt8](repeating: 0, count: Layout.tokenOffset)
        do throws(SafeTensorsError) { try file.write(preamble) } catch { throw .file(error) }
        let written: WrittenTokens
        switch tokenizer {
        case is ByteTokenizer:
            written = try writeBytes(source, chunkSize: chunkSize, to: file)
        case let char as CharacterTokenizer:
            written = try writeIDs(source, with: char, chunkSize: chunkSize, to: file)
        case let word as WordTokenizer:
            written = try writeIDs(source, with: word, chunkSize: chunkSize, to: file)
        default:
            preconditionFailure("build() passes one of this module's tokenizers")
        }
        let width = TokenArray.bytesPerToken(forVocabularySize: tokenizer.vocabularySize)
        let header = Header(source: Header.Source(byteCount: written.digest.byteCount, digest: written.digest.text),
                            settings: settings, vocabularyFromSource: vocabularyFromSource,
                            tokenizer: tokenizer.configuration, bytesPerToken: width, tokenCount: written.fingerprint.count,
                            unknownCount: written.unknownCount, fingerprint: written.fingerprint.text)
        let json: Data
        do throws(MetadataJSONError) {
            json = Data(try MetadataJSON.encode(header, escapingSlashes: true).utf8)
        } catch {
            throw .file(SafeTensorsError(file: file.target, problem: .writeFailed(operation: "encoding the header", detail: "\(error)")))
        }
        var headerDigest = SourceDigest()
        json.withUnsafeBytes { headerDigest.add($0) }
        var front = Layout.magic
        for field in [UInt64(Layout.tokenOffset + written.fingerprint.count * width), UInt64(json.count), headerDigest.value] {
            withUnsafeBytes(of: field.littleEndian) { front.append(contentsOf: $0) }
        }
        do throws(SafeTensorsError) {
            try file.write([UInt8](json))
            try file.write(front, at: 0)
        } catch { throw .file(error) }
    }

    private struct WrittenTokens {
        var digest: SourceDigest
        var fingerprint: TokenFingerprint
        var unknownCount: Int
    }

    /// Byte level: the bytes are the ids.
    private static func writeBytes(_ source: TextSource, chunkSize: Int, to file: OutputFile) throws(BuildFailure) -> WrittenTokens {
        var digest = SourceDigest(), fingerprint = TokenFingerprint()
        var failure: SafeTensorsError? = nil
        do throws(TextError) {
            try source.forEachChunk(chunkSize: chunkSize) { (chunk) throws(TextError) in
                digest.add(chunk)
                fingerprint.add(chunk.assumingMemoryBound(to: UInt8.self))
                do throws(SafeTensorsError) { try file.write(chunk) } catch {
                    failure = error
                    throw TextError.unreadable(path: "", reason: "stopped")   // only stops the loop
                }
            }
        } catch {
            if let failure { throw .file(failure) }
            throw .text(error)
        }
        return WrittenTokens(digest: digest, fingerprint: fingerprint, unknownCount: 0)
    }

    /// Char and word level: the ids, in the narrowest type for the vocabulary.
    private static func writeIDs<T: SegmentingTokenizer>(_ source: TextSource, with tokenizer: T, chunkSize: Int,
                                                         to file: OutputFile) throws(BuildFailure) -> WrittenTokens {
        switch TokenArray.bytesPerToken(forVocabularySize: tokenizer.vocabularySize) {
        case 1: return try writeIDs(UInt8.self, source, with: tokenizer, chunkSize: chunkSize, to: file)
        case 2: return try writeIDs(UInt16.self, source, with: tokenizer, chunkSize: chunkSize, to: file)
        default: return try writeIDs(Int32.self, source, with: tokenizer, chunkSize: chunkSize, to: file)
        }
    }

    private static func writeIDs<Element: FixedWidthInteger, T: SegmentingTokenizer>(
        _: Element.Type, _ source: TextSource, with tokenizer: T, chunkSize: Int, to file: OutputFile
    ) throws(BuildFailure) -> WrittenTokens {
        var digest = SourceDigest()
        var pipeline = SegmentingSink(segmenter: tokenizer.makeSegmenter(), sink: IDCollector(
            table: tokenizer.table, fallback: tokenizer.unknownID, output: IDFileWriter<Element>(file: file)))
        var stream = CharacterStream(source: source.name, level: tokenizer.level)
        do throws(TextError) {
            try source.forEachChunk(chunkSize: chunkSize) { (chunk) throws(TextError) in
                digest.add(chunk)
                try stream.push(chunk, into: &pipeline)
                if pipeline.sink.output.failure != nil {
                    throw TextError.unreadable(path: "", reason: "stopped")   // only stops the loop
                }
            }
            try stream.finish(into: &pipeline)
        } catch {
            if let failure = pipeline.sink.output.failure { throw .file(failure) }
            throw .text(error)
        }
        pipeline.finish()
        pipeline.sink.output.flush()
        if let failure = pipeline.sink.output.failure { throw .file(failure) }
        guard pipeline.sink.unknowns.isEmpty else { throw .text(pipeline.sink.unknowns.error(level: tokenizer.level)) }
        return WrittenTokens(digest: digest, fingerprint: pipeline.sink.output.fingerprint, unknownCount: pipeline.sink.unknownCount)
    }
}

/// Ids on their way to a cache file: buffered (64 Ki ids), fingerprinted, written in host byte
/// order. A write failure is kept in `failure` (the ids after it are dropped) for the caller to
/// throw, since a token sink cannot throw.
struct IDFileWriter<Element: FixedWidthInteger>: IDOutput {
    let file: OutputFile
    private var buffer: [Element] = []
    private(set) var fingerprint = TokenFingerprint()
    private(set) var failure: SafeTensorsError? = nil
    private static var capacity: Int { 1 << 16 }

    init(file: OutputFile) {
        self.file = file
        buffer.reserveCapacity(Self.capacity)
    }

    @inline(__always)
    mutating func append(_ id: Element) {
        buffer.append(id)
        if buffer.count == Self.capacity { flush() }
    }

    mutating func flush() {
        guard !buffer.isEmpty else { return }
        if failure == nil {
            buffer.withUnsafeBufferPointer { ids in
                fingerprint.add(ids)
                do throws(SafeTensorsError) { try file.write(UnsafeRawBufferPointer(ids)) } catch { failure = error }
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
