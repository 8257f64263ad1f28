import Foundation
import Testing
@testable import RecurrentText

@Suite struct DemoCorpusTests {
    static let text = DemoCorpus.generate()

    @Test func deterministicForASeed() {
        #expect(DemoCorpus.generate(seed: 1, byteCount: 20_000) == DemoCorpus.generate(seed: 1, byteCount: 20_000))
        #expect(DemoCorpus.generate(seed: 1, byteCount: 20_000) != DemoCorpus.generate(seed: 2, byteCount: 20_000))
        // A larger size extends the same scenes.
        #expect(DemoCorpus.generate(seed: 1, byteCount: 40_000).hasPrefix(DemoCorpus.generate(seed: 1, byteCount: 20_000)))
    }

    @Test func defaultSizeIsAboutThreeHundredKilobytes() {
        let size = Self.text.utf8.count
        #expect(size >= DemoCorpus.defaultByteCount && size < DemoCorpus.defaultByteCount + 5_000)
    }

    @Test func everyLineIsAHeadingADirectionOrDialogue() throws {
        let heading = try Regex("^(INT|EXT)\\. [A-Z' ]+ - (DAY|NIGHT)$")
        let direction = try Regex("^(\\[[^\\]]+\\]|\\([^)]+\\))$")
        let dialogue = try Regex("^[A-Za-z]+: .+")
        var counts = (heading: 0, direction: 0, dialogue: 0)
        var speakers = Set<String>()
        for line in Self.text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.wholeMatch(of: heading) != nil {
                counts.heading += 1
            } else if line.wholeMatch(of: direction) != nil {
                counts.direction += 1
            } else {
                #expect(line.prefixMatch(of: dialogue) != nil, "not a script line: \(line)")
                counts.dialogue += 1
                speakers.insert(String(line.prefix { $0 != ":" }))
            }
        }
        #expect(counts.heading > 100 && counts.direction > counts.heading && counts.dialogue > 10 * counts.heading)
        #expect(speakers == Set(DemoCorpus.cast))
        #expect(Self.text.contains("\njerry: "))
    }

    @Test func theFlagshipPrimeEncodesAtEveryLevel() throws {
        for level in TokenizerLevel.allCases {
            let corpus = try Corpus.load(.text(DemoCorpus.generate(seed: 1, byteCount: 30_000)), level: level)
            let ids = try corpus.tokenizer.encode(DemoCorpus.prime)
            #expect(!ids.isEmpty)
            #expect(corpus.tokenizer.decode(ids) == DemoCorpus.prime)
        }
    }

    @Test func wordLevelVocabularyIsSmallAndScriptShaped() throws {
        let corpus = try Corpus.load(.text(Self.text), level: .word)
        #expect(corpus.tokenizer.vocabularySize < 600)
        #expect(corpus.unknownCount == 0)
        // The most frequent tokens include the newline and the colon after each name.
        let top = corpus.tokenizer.vocabulary.prefix(8)
        #expect(top.contains("\n") && top.contains(":"))
        // The demo corpus is written in the normal form, apart from upper case.
        let sample = DemoCorpus.generate(seed: 9, byteCount: 5_000)
        #expect(corpus.tokenizer.decode(try corpus.tokenizer.encode(sample)) == sample.lowercased())
    }
}
