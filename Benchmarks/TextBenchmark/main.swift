// Tokenization throughput and memory of `Corpus.load` on a file, in release:
//
//     swift build -c release --product text-benchmark
//     /usr/bin/time -v .build/release/text-benchmark FILE [char|word|byte] [chunk-bytes]
//
// Compare "Maximum resident set size" with the token array's size: loading streams, so the
// difference should be the runtime plus one chunk and the vocabulary, whatever the file size.
import Foundation
import RecurrentText

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: text-benchmark FILE [char|word|byte] [chunk-bytes]\n".utf8))
    exit(2)
}
let level = arguments.count > 2 ? TokenizerLevel(rawValue: arguments[2]) ?? .char : .char
let chunkSize = arguments.count > 3 ? Int(arguments[3]) ?? Corpus.defaultChunkSize : Corpus.defaultChunkSize
do {
    let start = Date()
    let corpus = try Corpus.load(path: arguments[1], level: level, chunkSize: chunkSize)
    let seconds = Date().timeIntervalSince(start)
    let megabytes = Double(corpus.byteCount) / 1e6
    print("""
        \(level.rawValue) level: \(corpus.byteCount) bytes → \(corpus.tokens.count) tokens, vocabulary \(corpus.tokenizer.vocabularySize), \
        \(corpus.tokens.bytesPerToken) byte(s)/token = \(String(format: "%.1f", Double(corpus.tokens.count * corpus.tokens.bytesPerToken) / 1e6)) MB of tokens; \
        \(String(format: "%.2f", seconds)) s, \(String(format: "%.1f", megabytes / seconds)) MB/s
        """)
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
