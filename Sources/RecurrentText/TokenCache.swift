import Foundation
import Recurrent

/// A corpus's tokens, written once to a file and memory-mapped from then on, so a corpus larger
/// than memory can be trained on and the next run on the same text does not tokenize it again.
///
/// `TextTrainingSession` keeps one beside each run (`<output>/tokens.cache`, or `--token-cache`):
/// a new run with the same corpus and tokenizer settings, and `--resume`, map it instead of
/// tokenizing. `load` returns a usable cache whatever it finds: a missing, stale (another text,
/// other settings) or damaged file is rebuilt by streaming the corpus in chunks — never the
/// whole text in memory — and replaced atomically (temporary file, fsync, rename), so a reader
/// never sees half a cache, and a process that still maps the old file keeps reading it intact.
///
/// Read-only random access for several processes (data-parallel ranks): one process `load`s
/// (builds) the cache; the others `open(_:verify:)` it and read their share through `tokens`,
/// e.g. `tokens.tokens(in: start..<end)` or `tokens.copy(from:count:to:stride:)` — only the
/// pages touched are read from disk.
///
/// ## File layout (little-endian on the machines here; the byte order is recorded)
/// ```
/// [0, 64)             preamble: "RTOKENS1", header offset (UInt64), header length (UInt64),
///                     header digest (UInt64, `SourceDigest` of the header bytes), zeros
/// [64, 64 + N·w)      the N token ids, w = 1, 2 or 4 bytes each (UInt8, UInt16, Int32:
///                     the narrowest type for the vocabulary, as `TokenArray`)
/// [64 + N·w, end)     the header: JSON (`Header`) — source size and digest, tokenizer
///                     settings and configuration, N, w, <unk> count, the ids' fingerprint
/// ```
/// The header comes last because the fingerprint is known only once every id is written.
public struct TokenCache: Sendable {
    /// The file name `TextTrainingSession` uses in a run's folder.
    public static let fileName = "tokens.cache"

    public let path: String
    public let tokenizer: any Tokenizer
    /// Every token of the corpus, read from the mapped file.
    public let tokens: TokenArray
    /// `tokens.fingerprint()`, as recorded when the cache was written (and checked on opening
    /// unless `verify: false`).
    public let fingerprint: String
    let header: Header

    /// The size of the source text in bytes.
    public var byteCount: Int { header.source.byteCount }
    /// How many tokens are `<unk>` (word level; 0 otherwise).
    public var unknownCount: Int { header.unknownCount }
    /// The tokens as a `Corpus` (sharing the mapping).
    public var corpus: Corpus { Corpus(tokenizer: tokenizer, tokens: tokens, byteCount: byteCount, unknownCount: unknownCount) }

    /// What `load` did.
    public enum Origin: Sendable, Equatable {
        /// The file held this corpus's tokens; nothing was tokenized.
        case reused
        /// The corpus was tokenized into a new file; `reason` says why ("no token cache yet",
        /// "the corpus changed", "it was damaged: …").
        case built(reason: String)
        /// Another process of the same run (rank 0 of a data-parallel run) made or found it;
        /// this one only mapped it (`TextTrainingOptions.sharedTokenCache`).
        case shared
    }

    // MARK: Load or build

    /// The cache at `path` for `source` tokenized afresh at `level` (the vocabulary built from
    /// the text, as `Corpus.load(_:level:wordOptions:)` does), built if it does not hold that.
    ///
    /// Throws `TextError` for a problem with the text, and `SafeTensorsError` (`writeFailed`,
    /// `noSpace`) naming `path` when the cache cannot be written.
    public static func load(_ path: String, source: TextSource, level: TokenizerLevel,
                            wordOptions: WordTokenizer.Options = WordTokenizer.Options(),
                            chunkSize: Int = Corpus.defaultChunkSize) throws -> (cache: TokenCache, origin: Origin) {
        let settings = Settings(level: level, wordOptions: wordOptions)
        return try load(path, source: source, chunkSize: chunkSize, matches: { header in
            guard header.vocabularyFromSource && header.settings == settings else { return "other tokenizer settings" }
            return nil
        }, build: { () throws -> TokenCache in
            try build(path, source: source, settings: settings, tokenizer: nil, chunkSize: chunkSize)
        })
    }

    /// The cache at `path` for `source` tokenized with an existing `tokenizer` (a checkpoint's,
    /// to resume), built if it does not hold that. Words the vocabulary lacks become `<unk>`;
    /// characters it lacks throw `TextError.unknownTokens`.
    public static func load(_ path: String, source: TextSource, tokenizer: any Tokenizer,
                            chunkSize: Int = Corpus.defaultChunkSize) throws -> (cache: TokenCache, origin: Origin) {
        let configuration = tokenizer.configuration
        return try load(path, source: source, chunkSize: chunkSize, matches: { header in
            header.tokenizer == configuration ? nil : "another tokenizer"
        }, build: { () throws -> TokenCache in
            try build(path, source: source, settings: Settings(configuration), tokenizer: tokenizer, chunkSize: chunkSize)
        })
    }

    /// Opens what is at `path`; reuses it if it was made from `source`'s bytes and `matches`
    /// (nil: yes; else why not) and its ids are intact; otherwise `build`s.
    private static func load(_ path: String, source: TextSource, chunkSize: Int, matches: (Header) -> String?,
                             build: () throws -> TokenCache) throws -> (cache: TokenCache, origin: Origin) {
        let byteCount = try source.validatedSize()
        let reason: String
        if !FileManager.default.fileExists(atPath: path) {
            reason = "no token cache yet"
        } else {
            do {
                let cached = try open(path, verify: false)
                let digest = try SourceDigest.of(source, chunkSize: chunkSize)
                if cached.header.source != Header.Source(byteCount: byteCount, digest: digest.text) {
                    reason = "the corpus changed"
                } else if let mismatch = matches(cached.header) {
                    reason = mismatch
                } else {
                    try cached.verify()
                    return (cached, .reused)
                }
            } catch let error as TokenCacheError {
                reason = "it was damaged: \(error.reason)"
            }
        }
        return (try build(), .built(reason: reason))
    }

    // MARK: Open

    /// Maps the cache at `path` read-only. With `verify`, reads every id once to check the
    /// recorded fingerprint and that each id is in the vocabulary (a damaged file throws
    /// `TokenCacheError.damaged`); without, only the layout and header are checked.
    public static func open(_ path: String, verify: Bool = true) throws(TokenCacheError) -> TokenCache {
        let file: MappedFile
        do { file = try MappedFile(path: path) } catch {
            switch error {
            case .open(let reason), .map(let reason): throw .unreadable(path: path, reason: reason)
            }
        }
        let cache = try TokenCache(file)
        if verify { try cache.verify() }
        return cache
    }

    private init(_ file: MappedFile) throws(TokenCacheError) {
        func damaged(_ reason: String) -> TokenCacheError { .damaged(path: file.path, reason: reason) }
        let size = file.byteCount
        guard size >= Layout.tokenOffset, let base = file.base else { throw damaged("it is shorter than its \(Layout.tokenOffset)-byte preamble") }
        guard Layout.magic.elementsEqual(UnsafeRawBufferPointer(start: base, count: Layout.magic.count)) else {
            throw damaged("it does not start with \(String(decoding: Layout.magic, as: UTF8.self))")
        }
        let headerOffset = Int(clamping: base.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        let headerLength = Int(clamping: base.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
        let headerDigest = base.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
        guard headerOffset >= Layout.tokenOffset, headerLength > 0, headerOffset <= size, headerLength == size - headerOffset else {
            throw damaged("its preamble places the header at \(headerOffset) + \(headerLength) bytes in a file of \(size)")
        }
        let headerBytes = UnsafeRawBufferPointer(start: base + headerOffset, count: headerLength)
        var digest = SourceDigest()
        digest.add(headerBytes)
        guard digest.value == headerDigest else { throw damaged("its header does not match the digest in its preamble") }
        let header: Header
        do { header = try JSONDecoder().decode(Header.self, from: Data(headerBytes)) } catch {
            throw damaged("its header is not readable (\(error))")
        }
        guard header.format == Header.currentFormat, header.byteOrder == Header.hostByteOrder else {
            throw damaged("it is format \(header.format), \(header.byteOrder)-endian (this program writes format \(Header.currentFormat), \(Header.hostByteOrder)-endian)")
        }
        let tokenizer: any Tokenizer
        do { tokenizer = try header.tokenizer.makeTokenizer() } catch { throw damaged("its tokenizer: \(error)") }
        let width = TokenArray.bytesPerToken(forVocabularySize: tokenizer.vocabularySize)
        let (tokenBytes, overflow) = header.tokenCount.multipliedReportingOverflow(by: width)
        guard header.tokenCount >= 0, header.bytesPerToken == width, !overflow, tokenBytes == headerOffset - Layout.tokenOffset else {
            throw damaged("its header lists \(header.tokenCount) tokens of \(header.bytesPerToken) bytes, but \(headerOffset - Layout.tokenOffset) bytes hold them")
        }
        let storage: TokenArray.Storage
        switch width {
        case 1: storage = .mapped8(MappedTokens(file: file, ids: file.buffer(of: UInt8.self, at: Layout.tokenOffset, count: header.tokenCount)))
        case 2: storage = .mapped16(MappedTokens(file: file, ids: file.buffer(of: UInt16.self, at: Layout.tokenOffset, count: header.tokenCount)))
        default: storage = .mapped32(MappedTokens(file: file, ids: file.buffer(of: Int32.self, at: Layout.tokenOffset, count: header.tokenCount)))
        }
        self.path = file.path
        self.tokenizer = tokenizer
        self.tokens = TokenArray(storage)
        self.fingerprint = header.fingerprint
        self.header = header
    }

    /// Reads every id: the fingerprint must be the recorded one and every id in the vocabulary.
    func verify() throws(TokenCacheError) {
        var fingerprint = TokenFingerprint()
        var largest: Int32 = 0
        tokens.forEachBlock { block in
            fingerprint.add(block)
            for id in block where id > largest || id < 0 { largest = id < 0 ? .max : id }
        }
        guard fingerprint.text == header.fingerprint else {
            throw .damaged(path: path, reason: "its tokens' fingerprint is \(fingerprint.text), its header says \(header.fingerprint)")
        }
        guard tokens.isEmpty || Int(largest) < tokenizer.vocabularySize else {
            throw .damaged(path: path, reason: "it holds token id \(largest), outside the vocabulary of \(tokenizer.vocabularySize)")
        }
    }

    // MARK: Format

    enum Layout {
        static let magic = Array("RTOKENS1".utf8)
        /// Where the ids start: the preamble's size (a multiple of every id type's alignment).
        static let tokenOffset = 64
    }

    /// What the cache was made from and what it holds (the JSON at the end of the file).
    struct Header: Codable, Equatable {
        static let currentFormat = 1
        static var hostByteOrder: String {
            #if _endian(little)
            return "little"
            #else
            return "big"
            #endif
        }

        struct Source: Codable, Equatable {
            var byteCount: Int
            /// `SourceDigest.text` of the source's bytes.
            var digest: String
        }

        var format = currentFormat
        var byteOrder = hostByteOrder
        var source: Source
        var settings: Settings
        /// True when `tokenizer` was built from this very source with `settings` (a new run's
        /// tokenization); false when it was given (a checkpoint's, to resume).
        var vocabularyFromSource: Bool
        var tokenizer: TokenizerConfiguration
        var bytesPerToken: Int
        var tokenCount: Int
        var unknownCount: Int
        /// `TokenArray.fingerprint()` of the ids.
        var fingerprint: String
    }

    /// The tokenizer options a vocabulary is built with.
    struct Settings: Codable, Equatable {
        var level: TokenizerLevel
        var lowercase: Bool?
        var minimumCount: Int?

        init(level: TokenizerLevel, wordOptions: WordTokenizer.Options) {
            self.level = level
            if level == .word {
                lowercase = wordOptions.lowercase
                minimumCount = wordOptions.minimumCount
            }
        }

        init(_ configuration: TokenizerConfiguration) {
            level = configuration.level
            if level == .word {
                lowercase = configuration.lowercase ?? true
                minimumCount = configuration.minimumCount ?? 1
            }
        }
    }
}

/// Why a token cache could not be opened.
public enum TokenCacheError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// The file could not be opened or mapped.
    case unreadable(path: String, reason: String)
    /// The file is not an intact token cache (cut off, overwritten, another kind of file).
    case damaged(path: String, reason: String)

    var reason: String {
        switch self {
        case .unreadable(_, let reason), .damaged(_, let reason): return reason
        }
    }

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "cannot read the token cache \(path): \(reason)"
        case let .damaged(path, reason):
            return "the token cache \(path) is damaged: \(reason); delete it, and the next training run rebuilds it"
        }
    }

    public var errorDescription: String? { description }
}
