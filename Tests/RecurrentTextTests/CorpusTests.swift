import Foundation
import Testing
import Recurrent
@testable import RecurrentText

@Suite struct CorpusTests {
    static let chunkSizes = [1, 2, 3, 4, 5, 7, 13, 64]

    /// Tiny chunks split every UTF-8 sequence, grapheme cluster ("e" + accent, ZWJ emoji,
    /// flags, CRLF), word and `<unk>` across a boundary somewhere: the result must not change.
    @Test(arguments: TokenizerLevel.allCases)
    func chunkSizeDoesNotChangeTheResult(level: TokenizerLevel) throws {
        let text = Samples.tricky + "don't <unk> 3.14 wait--what...\r\n" + DemoCorpus.generate(seed: 3, byteCount: 1_500)
        let whole = try Corpus.load(.text(text), level: level, chunkSize: 1 << 20)
        for chunkSize in Self.chunkSizes {
            let chunked = try Corpus.load(.text(text), level: level, chunkSize: chunkSize)
            #expect(chunked.tokens.ids == whole.tokens.ids, "chunk size \(chunkSize)")
            #expect(chunked.tokenizer.configuration == whole.tokenizer.configuration, "chunk size \(chunkSize)")
        }
        // And the same as tokenizing the string in one piece.
        #expect(whole.tokens.ids == (try whole.tokenizer.encode(text)))
        if level != .word {
            #expect(Array(whole.tokenizer.decode(whole.tokens.ids).utf8) == Array(text.utf8))
        }
    }

    /// The streaming path (chunks, an ASCII fast path, held-back clusters) must split random
    /// text exactly as `String` iteration does: CR LF, combining marks after ASCII, a Prepend
    /// character before a digit, ZWJ and skin-tone sequences, flags, control characters.
    @Test(arguments: [TokenizerLevel.char, .word])
    func streamingMatchesStringIterationOnRandomText(level: TokenizerLevel) throws {
        let alphabet: [String] = ["\r", "\n", "\r\n", "e", "\u{301}", "\u{600}", "1", " ", "\u{0B}", "\u{1C}", "👍", "\u{1F3FD}",
                                  "\u{200D}", "🇯", "🇵", "a", "'", "’", "-", ".", ",", "<", "u", "n", "k", ">", "\u{FEFF}", "é", "東"]
        var rng = RandomGenerator(seed: 21)
        for _ in 0..<300 {
            let text = (0..<(1 + rng.integer(below: 30))).map { _ in alphabet[rng.integer(below: alphabet.count)] }.joined()
            let chunkSize = 1 + rng.integer(below: 9)
            let corpus = try Corpus.load(.text(text), level: level, chunkSize: chunkSize)
            #expect(corpus.tokens.ids == (try corpus.tokenizer.encode(text)), "\(text.unicodeScalars.map { String($0.value, radix: 16) }) in chunks of \(chunkSize)")
        }
    }

    @Test func fileAndMemorySourcesAgree() throws {
        let text = Samples.tricky + DemoCorpus.generate(seed: 4, byteCount: 5_000)
        let file = try TemporaryFile(text: text)
        defer { file.cleanUp() }
        for level in TokenizerLevel.allCases {
            let fromFile = try Corpus.load(path: file.path, level: level, chunkSize: 17)
            let fromMemory = try Corpus.load(.text(text), level: level)
            #expect(fromFile.tokens.ids == fromMemory.tokens.ids)
            #expect(fromFile.byteCount == text.utf8.count)
        }
    }

    @Test func tokensUseTheNarrowestStorage() throws {
        let small = try Corpus.load(.text("hello world"), level: .char)
        #expect(small.tokens.bytesPerToken == 1)
        #expect(try Corpus.load(.text("hello"), level: .byte).tokens.bytesPerToken == 1)
        let words = (0..<300).map { "w\($0)" }.joined(separator: " ")
        #expect(try Corpus.load(.text(words), level: .word).tokens.bytesPerToken == 2)
        let wide = TokenArray((0..<70_000).map { $0 }, vocabularySize: 70_000)
        #expect(wide.bytesPerToken == 4 && wide[69_999] == 69_999)
    }

    @Test func invalidUTF8SaysWhereAndSuggestsByteLevel() throws {
        // "ab\ncd\nxy" + 0xFF at byte offset 9, line 3, column 4.
        let bytes: [UInt8] = Array("ab\ncd\nxyz".utf8) + [0xFF] + Array("tail\n".utf8)
        let expected = TextError.invalidUTF8(source: nil, byteOffset: 9, line: 3, column: 4, level: .char)
        for chunkSize in Self.chunkSizes {
            #expect(throws: expected) { try Corpus.load(.bytes(bytes), level: .char, chunkSize: chunkSize) }
        }
        let file = try TemporaryFile(bytes: bytes)
        defer { file.cleanUp() }
        do {
            _ = try Corpus.load(path: file.path, level: .word, chunkSize: 4)
            Issue.record("expected invalid UTF-8")
        } catch {
            #expect(error == .invalidUTF8(source: file.path, byteOffset: 9, line: 3, column: 4, level: .word))
            #expect(error.description.contains("--level byte"))
            #expect(error.description.contains(file.path))
        }
        // Byte level reads it.
        #expect(try Corpus.load(path: file.path, level: .byte).tokens.ids == bytes.map { Int($0) })
    }

    @Test func malformedSequencesAreRejected() {
        let cases: [(bytes: [UInt8], offset: Int)] = [
            ([0x61, 0xC0, 0xAF], 1),              // overlong "/"
            ([0x61, 0xED, 0xA0, 0x80], 1),        // UTF-16 surrogate
            ([0xF4, 0x90, 0x80, 0x80], 0),        // above U+10FFFF
            ([0x61, 0x62, 0x80], 2),              // lone continuation byte
            ([0x61, 0xE6, 0x9D, 0x61], 1),        // sequence cut by ASCII
            ([0x61, 0x62, 0xE6, 0x9D], 2),        // text ends inside a sequence
        ]
        for (bytes, offset) in cases {
            for chunkSize in [1, 2, 64] {
                #expect(throws: TextError.invalidUTF8(source: nil, byteOffset: offset, line: 1, column: offset + 1, level: .char)) {
                    try Corpus.load(.bytes(bytes), level: .char, chunkSize: chunkSize)
                }
            }
        }
    }

    @Test func missingDirectoryAndEmptyFilesAreNamed() throws {
        let file = try TemporaryFile(bytes: [])
        defer { file.cleanUp() }
        #expect(throws: TextError.emptyFile(path: file.path)) { try Corpus.load(path: file.path, level: .char) }
        #expect(throws: TextError.isDirectory(path: file.directory.path)) { try Corpus.load(path: file.directory.path, level: .char) }
        let missing = file.directory.appendingPathComponent("nope.txt").path
        #expect(throws: TextError.fileNotFound(path: missing)) { try Corpus.load(path: missing, level: .word) }
        #expect(TextError.fileNotFound(path: missing).description.contains(missing))
    }

    @Test func existingTokenizerMapsOrRejectsUnknowns() throws {
        let training = try Corpus.load(.text("jerry: hello, hello.\nnora: hi.\n"), level: .word)
        let evaluation = try Corpus.load(.text("jerry: hi, newman!\n"), tokenizer: training.tokenizer)
        #expect(evaluation.unknownCount == 2)   // "newman", "!"
        #expect(evaluation.tokens.filter { $0 == 0 }.count == 2)
        #expect(throws: TextError.unknownTokens(level: .word, tokens: ["newman", "!"], total: 2)) {
            try Corpus.load(.text("jerry: hi, newman!\n"), tokenizer: training.tokenizer, unknown: .reject)
        }
        let characters = try Corpus.load(.text("abc"), level: .char)
        #expect(throws: TextError.unknownTokens(level: .char, tokens: ["d"], total: 1)) {
            try Corpus.load(.text("abcd"), tokenizer: characters.tokenizer, chunkSize: 1)
        }
    }

    @Test func splitKeepsTheEndForValidation() throws {
        let corpus = try Corpus.load(.text(String(repeating: "abcdefghij", count: 10)), level: .char)
        let (train, validation) = corpus.split(validationFraction: 0.1)
        #expect(train.count == 90 && validation.count == 10)
        #expect(train.ids + validation.ids == corpus.tokens.ids)
        #expect(corpus.split(validationFraction: 0).validation.isEmpty)
    }

    @Test func tokenizerDescriptionRoundTripsThroughJSON() throws {
        for level in TokenizerLevel.allCases {
            let corpus = try Corpus.load(.text(Samples.tricky), level: level)
            let json = try corpus.tokenizer.configuration.jsonString()
            let restored = try TokenizerConfiguration(jsonString: json).makeTokenizer()
            #expect(restored.configuration == corpus.tokenizer.configuration)
            #expect(try restored.encode(Samples.tricky, unknown: .mapToUnknown) == corpus.tokens.ids)
            #expect(try restored.configuration.jsonString() == json)
        }
        // Equality is byte-exact: "é" and "e" + U+0301 are different vocabularies.
        #expect(TokenizerConfiguration(level: .char, vocabulary: ["\u{E9}"]) != TokenizerConfiguration(level: .char, vocabulary: ["e\u{301}"]))
    }

    @Test func damagedDescriptionsAreErrors() {
        #expect(throws: TextError.self) { try TokenizerConfiguration(jsonString: "{\"level\": \"char\"") }
        #expect(throws: TextError.self) { try TokenizerConfiguration(jsonString: "{\"level\": \"morse\", \"vocabulary\": []}") }
        #expect(throws: TextError.self) { try TokenizerConfiguration(level: .char, vocabulary: ["ab"]).makeTokenizer() }
        #expect(throws: TextError.self) { try TokenizerConfiguration(level: .char, vocabulary: ["a", "a"]).makeTokenizer() }
        #expect(throws: TextError.self) { try TokenizerConfiguration(level: .word, vocabulary: ["a"]).makeTokenizer() }
        #expect(throws: TextError.self) { try TokenizerConfiguration(level: .byte, vocabulary: ["a"]).makeTokenizer() }
    }

    /// The classic char-rnn corpus, streamed in small chunks: 65 distinct characters.
    @Test func tinyShakespeareHas65Characters() throws {
        let path = packageRoot().appendingPathComponent("../shared/corpora/tinyshakespeare.txt").standardized.path
        let corpus = try Corpus.load(path: path, level: .char, chunkSize: 65_536)
        #expect(corpus.tokenizer.vocabularySize == 65)
        #expect(corpus.tokens.count == 1_115_394)
        #expect(corpus.tokens.bytesPerToken == 1)
    }
}
