import Foundation
import Testing
@testable import RecurrentText

@Suite struct CharacterAndByteTokenizerTests {
    @Test func characterLevelRoundTripsExactly() throws {
        let tokenizer = CharacterTokenizer(text: Samples.tricky)
        let ids = try tokenizer.encode(Samples.tricky)
        let decoded = tokenizer.decode(ids)
        // Byte-for-byte, not just canonically equivalent.
        #expect(Array(decoded.utf8) == Array(Samples.tricky.utf8))
        #expect(ids.count == Samples.tricky.count)
    }

    @Test func graphemeClustersAreSingleTokens() throws {
        let text = "👨‍👩‍👧‍👦👍🏽🇯🇵a\u{0323}\u{0308}\r\n"
        let tokenizer = CharacterTokenizer(text: text)
        #expect(try tokenizer.encode(text).count == 5)
        #expect(tokenizer.vocabulary.contains("👨‍👩‍👧‍👦"))
        #expect(tokenizer.vocabulary.contains("\r\n"))
    }

    @Test func canonicallyEquivalentCharactersAreDistinctTokens() throws {
        let precomposed = "\u{E9}", decomposed = "e\u{301}"
        let tokenizer = CharacterTokenizer(text: precomposed + decomposed)
        #expect(tokenizer.vocabularySize == 2)
        let ids = try tokenizer.encode(decomposed + precomposed)
        #expect(ids[0] != ids[1])
        #expect(Array(tokenizer.decode(ids).utf8) == Array((decomposed + precomposed).utf8))
    }

    @Test func vocabularyIsSortedByBytes() {
        let tokenizer = CharacterTokenizer(text: "zebra ZEBRA 123 é 東\n")
        let vocabulary = tokenizer.vocabulary
        #expect(vocabulary == vocabulary.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        #expect(vocabulary.first == "\n")
        #expect(vocabulary.last == "東")
        // Order of appearance does not matter.
        #expect(CharacterTokenizer(text: "\n東 é 321 ARBEZ arbez").vocabulary == vocabulary)
    }

    @Test func unknownCharactersInAPrimeAreNamed() {
        let tokenizer = CharacterTokenizer(text: "jerry: hello\n")
        #expect(throws: TextError.unknownTokens(level: .char, tokens: ["J", "!", "😀"], total: 3)) {
            try tokenizer.encode("Jerry!😀 J!")
        }
        let message = TextError.unknownTokens(level: .char, tokens: ["J", "\n"], total: 2).description
        #expect(message.contains("\"J\"") && message.contains("\"\\n\"") && message.contains("2 characters"))
    }

    @Test func byteLevelRoundTripsAnyText() throws {
        let tokenizer = ByteTokenizer()
        let ids = try tokenizer.encode(Samples.tricky)
        #expect(tokenizer.vocabularySize == 256)
        #expect(ids == Samples.tricky.utf8.map { Int($0) })
        #expect(Array(tokenizer.decode(ids).utf8) == Array(Samples.tricky.utf8))
        // Arbitrary bytes (Latin-1, not UTF-8) come back exactly as bytes.
        let latin1: [UInt8] = [0x63, 0x61, 0x66, 0xE9, 0x0A, 0xFF, 0x00]
        #expect(tokenizer.bytes(latin1.map { Int($0) }) == latin1)
        #expect(tokenizer.vocabulary[0x41] == "A" && tokenizer.vocabulary[0xE9] == "<0xE9>" && tokenizer.vocabulary[0] == "<0x00>")
    }

    @Test func streamingByteDecoderWaitsForWholeCharacters() throws {
        let tokenizer = ByteTokenizer()
        let text = "a👍🏽é東"
        var decoder = tokenizer.makeDecoder()
        var pieces: [String] = []
        for id in try tokenizer.encode(text) { pieces.append(decoder.append(id)) }
        pieces.append(decoder.finish())
        #expect(pieces.joined() == text)
        #expect(pieces[1] == "" && pieces[2] == "" && pieces[3] == "")   // 👍 needs 4 bytes
        #expect(!pieces.contains { $0.contains("\u{FFFD}") })
        // An unfinished sequence at the end becomes U+FFFD rather than disappearing.
        var cut = tokenizer.makeDecoder()
        #expect(cut.append(0xE6) == "")
        #expect(cut.finish() == "\u{FFFD}")
    }

    @Test func streamingDecoderMatchesDecode() throws {
        let tokenizer = CharacterTokenizer(text: Samples.tricky)
        let ids = try tokenizer.encode(Samples.tricky)
        var decoder = tokenizer.makeDecoder()
        let streamed = ids.map { decoder.append($0) }.joined() + decoder.finish()
        #expect(Array(streamed.utf8) == Array(tokenizer.decode(ids).utf8))
    }
}
