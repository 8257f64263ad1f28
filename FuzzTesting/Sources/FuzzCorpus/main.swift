import Recurrent
import RecurrentText

/// Any bytes as a corpus for `recurrent train`: the char, word or byte tokenizer (and word
/// options) picked by the first byte, the text read in chunks of 1–16 bytes (the second byte)
/// so UTF-8 sequences and words are split across chunk boundaries.
///
/// Loading either throws a `TextError` or gives the same tokens as reading it in one chunk,
/// ids inside the vocabulary, a tokenizer configuration that survives its JSON, and (char and
/// byte level) the text back from the tokens.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCorpus(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    guard count >= 2, let start else { return 0 }
    let input = Array(UnsafeRawBufferPointer(start: start, count: count))
    let mode = input[0], chunkSize = 1 + Int(input[1] % 16)
    let text = Array(input.dropFirst(2))
    let level = [TokenizerLevel.char, .word, .byte][Int(mode % 3)]
    let options = WordTokenizer.Options(lowercase: mode & 4 != 0, minimumCount: 1 + Int((mode >> 3) % 3))

    let chunked: Corpus
    do { chunked = try Corpus.load(.bytes(text), level: level, wordOptions: options, chunkSize: chunkSize) } catch {
        let whole = try? Corpus.load(.bytes(text), level: level, wordOptions: options)
        precondition(whole == nil, "chunk size \(chunkSize) fails where one chunk succeeds: \(error)")
        return 0
    }
    let whole: Corpus
    do { whole = try Corpus.load(.bytes(text), level: level, wordOptions: options) } catch {
        fatalError("one chunk fails where chunk size \(chunkSize) succeeds: \(error)")
    }
    precondition(Array(chunked.tokens) == Array(whole.tokens), "tokens depend on the chunk size \(chunkSize)")
    let tokenizer = chunked.tokenizer
    precondition(tokenizer.vocabulary == whole.tokenizer.vocabulary, "vocabulary depends on the chunk size")
    precondition(chunked.tokens.allSatisfy { $0 >= 0 && Int($0) < tokenizer.vocabularySize }, "token id outside the vocabulary")

    let rebuilt: any Tokenizer
    do { rebuilt = try TokenizerConfiguration(jsonString: tokenizer.configuration.jsonString()).makeTokenizer() } catch {
        fatalError("a tokenizer's own configuration does not load: \(error)")
    }
    precondition(rebuilt.vocabulary == tokenizer.vocabulary, "the configuration's JSON changes the vocabulary")

    if level == .char {
        // Valid UTF-8 (it loaded), so decoding gives the text back, and so does a prefix.
        precondition(tokenizer.decode(chunked.tokens.map(Int.init)) == String(decoding: text, as: UTF8.self),
                     "decoding does not give the text back")
        let piece = String(decoding: text.prefix(64), as: UTF8.self)
        if let ids = try? tokenizer.encode(piece, unknown: .reject) {
            precondition(tokenizer.decode(ids) == piece, "encode/decode of a prefix is not the identity")
        }
    } else if level == .byte {
        precondition(chunked.tokens.map { UInt8($0) } == text, "byte tokens are not the bytes")
    }
    return 0
}
