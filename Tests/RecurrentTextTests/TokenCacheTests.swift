import Foundation
import Testing
import Recurrent
@testable import RecurrentText

/// The token cache gives exactly the tokens of in-memory tokenization, is reused only for the
/// same text and settings, and is rebuilt when stale or damaged.
@Suite struct TokenCacheTests {
    static let text = Samples.tricky + "don't <unk> 3.14 wait--what...\r\n" + DemoCorpus.generate(seed: 5, byteCount: 3_000)

    /// A scratch folder holding `corpus.txt` with `text`; the cache goes beside it.
    struct Folder {
        let file: TemporaryFile
        var corpus: String { file.path }
        var cache: String { file.directory.appendingPathComponent("run/tokens.cache").path }
        init(_ text: String = TokenCacheTests.text) throws { file = try TemporaryFile(text: text) }
        func cleanUp() { file.cleanUp() }
    }

    static func inode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? NSNumber)?.intValue ?? -1
    }

    /// Streaming into the cache in chunks that cut words, UTF-8 sequences and grapheme clusters
    /// gives the vocabulary and ids of tokenizing the whole string in memory, at every level
    /// (word level also with a minimum count, so some words become <unk>).
    @Test(arguments: [(TokenizerLevel.char, 1), (.word, 1), (.word, 2), (.byte, 1)])
    func streamedCacheEqualsInMemoryTokenization(level: TokenizerLevel, minimumCount: Int) throws {
        let folder = try Folder()
        defer { folder.cleanUp() }
        let options = WordTokenizer.Options(minimumCount: minimumCount)
        let inMemory = try Corpus.load(.text(Self.text), level: level, wordOptions: options, chunkSize: 1 << 20)
        let whole: any Tokenizer = switch level {
        case .char: CharacterTokenizer(text: Self.text)
        case .word: WordTokenizer(text: Self.text, options: options)
        case .byte: ByteTokenizer()
        }
        #expect(inMemory.tokenizer.configuration == whole.configuration)
        for chunkSize in [1, 2, 3, 5, 7, 13, 64, 1 << 20] {
            let path = folder.cache + "-\(chunkSize)"
            let (cache, origin) = try TokenCache.load(path, source: .file(path: folder.corpus), level: level,
                                                      wordOptions: options, chunkSize: chunkSize)
            #expect(origin == .built(reason: "no token cache yet"))
            #expect(cache.tokenizer.configuration == whole.configuration, "chunk size \(chunkSize)")
            #expect(cache.tokens.ids == (try whole.encode(Self.text, unknown: .mapToUnknown)), "chunk size \(chunkSize)")
            #expect(cache.tokens.bytesPerToken == inMemory.tokens.bytesPerToken)
            #expect(cache.fingerprint == inMemory.tokens.fingerprint())
            #expect(cache.unknownCount == inMemory.unknownCount)
            #expect(cache.byteCount == Self.text.utf8.count)
            if minimumCount > 1 { #expect(cache.unknownCount > 0) }
        }
    }

    /// The second load maps the same file (not rewritten: same inode) and gives the same
    /// tokens and batches; another process can open it read-only and read any range.
    @Test func secondLoadReusesTheCache() throws {
        let folder = try Folder()
        defer { folder.cleanUp() }
        let (first, built) = try TokenCache.load(folder.cache, source: .file(path: folder.corpus), level: .word)
        #expect(built == .built(reason: "no token cache yet"))
        let inode = try Self.inode(folder.cache)
        let (second, reused) = try TokenCache.load(folder.cache, source: .file(path: folder.corpus), level: .word)
        #expect(reused == .reused)
        #expect(try Self.inode(folder.cache) == inode)
        #expect(second.tokens.ids == first.tokens.ids)
        #expect(second.tokenizer.configuration == first.tokenizer.configuration)

        let a = try #require(StreamBatcher(tokens: first.tokens, batchSize: 3, sequenceLength: 7))
        let b = try #require(StreamBatcher(tokens: second.tokens, batchSize: 3, sequenceLength: 7))
        func batch(_ batcher: StreamBatcher<TokenArray>, _ index: Int) -> [Int32] {
            var inputs = [Int32](repeating: 0, count: 21), targets = inputs
            inputs.withUnsafeMutableBufferPointer { i in
                targets.withUnsafeMutableBufferPointer { t in batcher.fillBatch(index, inputs: i, targets: t) }
            }
            return inputs + targets
        }
        for index in [0, 1, a.batchesPerEpoch - 1] { #expect(batch(a, index) == batch(b, index)) }

        // A reader with only the path: random ranges, as a data-parallel rank reads its share.
        let reader = try TokenCache.open(folder.cache)
        let all = first.tokens.ids
        for range in [0..<1, 5..<50, (all.count - 9)..<all.count] {
            #expect(reader.tokens.tokens(in: range).ids == Array(all[range]))
        }
        #expect(reader.fingerprint == first.tokens.fingerprint())
    }

    /// A changed corpus (same size, one byte different) or other settings make a new cache.
    @Test func staleCacheIsRebuilt() throws {
        let folder = try Folder("hello world, hello cache.\n")
        defer { folder.cleanUp() }
        _ = try TokenCache.load(folder.cache, source: .file(path: folder.corpus), level: .char)
        try Data("hello world, hello Cache.\n".utf8).write(to: URL(fileURLWithPath: folder.corpus))
        let (changed, origin) = try TokenCache.load(folder.cache, source: .file(path: folder.corpus), level: .char)
        #expect(origin == .built(reason: "the corpus changed"))
        #expect(changed.tokens.ids == (try changed.tokenizer.encode("hello world, hello Cache.\n")))

        let (words, other) = try TokenCache.load(folder.cache, source: .file(path: folder.corpus), level: .word)
        #expect(other == .built(reason: "other tokenizer settings"))
        #expect(words.tokenizer.level == .word)
        let (_, lowercase) = try TokenCache.load(folder.cache, source: .file(path: folder.corpus), level: .word,
                                                 wordOptions: WordTokenizer.Options(lowercase: false))
        #expect(lowercase == .built(reason: "other tokenizer settings"))

        // Tokens made with a given (checkpoint's) tokenizer are reused for that tokenizer only,
        // never for a new run, whose vocabulary comes from the text itself.
        let given = try CharacterTokenizer(vocabulary: Array(Set("hello world, Cache.\nxyz".map(String.init))).sorted())
        let (byGiven, builtForGiven) = try TokenCache.load(folder.cache, source: .file(path: folder.corpus), tokenizer: given)
        #expect(builtForGiven == .built(reason: "another tokenizer"))
        #expect(byGiven.tokens.ids == (try given.encode("hello world, hello Cache.\n")))
        #expect(try TokenCache.load(folder.cache, source: .file(path: folder.corpus), tokenizer: given).origin == .reused)
        #expect(try TokenCache.load(folder.cache, source: .file(path: folder.corpus), level: .char).origin
                == .built(reason: "other tokenizer settings"))
    }

    /// Damage anywhere — cut off, a flipped token byte, a flipped header byte, a foreign or
    /// empty file — is detected; `load` rebuilds and gives the right tokens.
    @Test func damagedCacheIsRebuilt() throws {
        let folder = try Folder()
        defer { folder.cleanUp() }
        let (good, _) = try TokenCache.load(folder.cache, source: .file(path: folder.corpus), level: .char)
        let expected = good.tokens.ids
        let intact = try Data(contentsOf: URL(fileURLWithPath: folder.cache))
        let tokenEnd = TokenCache.Layout.tokenOffset + expected.count
        let damages: [(String, (inout Data) -> Void)] = [
            ("cut off", { $0.removeLast(10) }),
            ("token byte", { $0[TokenCache.Layout.tokenOffset + 100] ^= 0x01 }),
            ("token id outside the vocabulary", { $0[TokenCache.Layout.tokenOffset + 7] = 0xFF }),
            ("header byte", { $0[tokenEnd + 5] ^= 0x20 }),
            ("preamble", { $0[9] ^= 0x40 }),
            ("foreign file", { $0 = Data("not a token cache at all".utf8) }),
            ("empty", { $0 = Data() }),
        ]
        for (what, damage) in damages {
            var bytes = intact
            damage(&bytes)
            try bytes.write(to: URL(fileURLWithPath: folder.cache))
            #expect(throws: TokenCacheError.self, "\(what)") { try TokenCache.open(folder.cache) }
            let (rebuilt, origin) = try TokenCache.load(folder.cache, source: .file(path: folder.corpus), level: .char)
            guard case .built(let reason) = origin else {
                Issue.record("\(what): the damaged cache was reused")
                continue
            }
            #expect(reason.hasPrefix("it was damaged"), "\(what): \(reason)")
            #expect(rebuilt.tokens.ids == expected, "\(what)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: folder.cache)) == intact, "\(what)")
        }
    }

    /// A text the given tokenizer cannot encode leaves no cache and no temporary file.
    @Test func failedBuildLeavesNothing() throws {
        let folder = try Folder("abc, unknown ü\n")
        defer { folder.cleanUp() }
        let tokenizer = try CharacterTokenizer(vocabulary: ["a", "b", "c"])
        #expect(throws: TextError.unknownTokens(level: .char, tokens: [",", " ", "u", "n", "k", "o", "w", "ü", "\n"], total: 9)) {
            try TokenCache.load(folder.cache, source: .file(path: folder.corpus), tokenizer: tokenizer)
        }
        let run = (folder.cache as NSString).deletingLastPathComponent
        #expect(try FileManager.default.contentsOfDirectory(atPath: run).isEmpty)
    }
}
