import Foundation
import Testing
import Recurrent
@testable import RecurrentText

@Suite struct WordTokenizerTests {
    /// A tokenizer whose vocabulary holds every token of `text` (minimum count 1).
    func tokenizer(for text: String, options: WordTokenizer.Options = .init()) -> WordTokenizer {
        WordTokenizer(text: text, options: options)
    }

    func normalForm(_ text: String) throws -> String {
        let t = tokenizer(for: text)
        return t.decode(try t.encode(text))
    }

    @Test func punctuationAndNewlinesAreTokens() {
        let t = tokenizer(for: "")
        #expect(t.split("jerry: hello, world!\n") == ["jerry", ":", "hello", ",", "world", "!", "\n"])
        #expect(t.split("JERRY: Hi.\r\n\r\nNORA: (laughing) What?!") ==
                ["jerry", ":", "hi", ".", "\n", "\n", "nora", ":", "(", "laughing", ")", "what", "?", "!"])
    }

    @Test func wordsKeepInnerApostrophesHyphensAndNumberPunctuation() {
        let t = tokenizer(for: "")
        #expect(t.split("don't well-known 3.14 1,000 10:30 jerry's") == ["don't", "well-known", "3.14", "1,000", "10:30", "jerry's"])
        #expect(t.split("rock 'n' roll, the joneses' car, 'hi' — wait--what... e.g. 3. 5, x-") ==
                ["rock", "'", "n", "'", "roll", ",", "the", "joneses", "'", "car", ",", "'", "hi", "'", "—",
                 "wait", "--", "what", "...", "e", ".", "g", ".", "3", ".", "5", ",", "x", "-"])
        #expect(t.split("don’t “quoted” ¿qué?") == ["don’t", "“", "quoted", "”", "¿", "qué", "?"])
    }

    @Test func lowercasingIsAnOption() {
        #expect(tokenizer(for: "").split("Hello WORLD Ünïcode") == ["hello", "world", "ünïcode"])
        let cased = WordTokenizer(text: "Hello hello", options: .init(lowercase: false))
        #expect(cased.split("Hello hello") == ["Hello", "hello"])
        #expect(cased.vocabularySize == 3)
    }

    @Test func documentedNormalFormExample() throws {
        #expect(try normalForm("JERRY:  Hello,world!!\r\n(He sits.)") == "jerry: hello, world!!\n(he sits.)")
        #expect(try normalForm("He said \"hi there\" and left . . .") == "he said \"hi there\" and left. . .")
        #expect(try normalForm("  (beat)  [Walt enters, holding a lamp.]\n\n\"No!\" 'Yes.'") ==
                "(beat) [walt enters, holding a lamp.]\n\n\"no!\" 'yes.'")
        #expect(try normalForm("Pi is 3.14, not 3 . 14: it's 10:30 -- see?") == "pi is 3.14, not 3. 14: it's 10:30 -- see?")
    }

    @Test func normalFormRoundTrips() throws {
        let texts = [Samples.tricky, DemoCorpus.generate(seed: 5, byteCount: 3_000),
                     "a . . b .. . c !! ! - - -- ' ' \" \" ( ( ) ) 'n' <unk> < unk > <un k <",
                     "x'  y-  3.  4,5 :6 ’s ‘a’ «b» ¡c! …d… e%"]
        for text in texts {
            let t = tokenizer(for: text)
            let ids = try t.encode(text)
            let normal = t.decode(ids)
            #expect(try t.encode(normal) == ids, "re-encoding the normal form changes the tokens of \(text.debugDescription)")
            #expect(t.decode(try t.encode(normal)) == normal)
        }
    }

    @Test func normalFormRoundTripsOnRandomText() throws {
        // Random strings over an alphabet of letters, digits, joiners, marks, quotes, brackets,
        // spaces and newlines: the cases the splitting and joining rules have to agree on.
        let alphabet: [String] = ["a", "b", "Z", "é", "1", "2", "'", "’", "-", ".", ",", ":", "!", "?", "\"", "(", ")",
                                  "[", "“", "”", "<", "u", "n", "k", ">", "<unk>", " ", " ", "  ", "\n", "\r\n", "\t", "😀", "東"]
        var rng = RandomGenerator(seed: 11)
        for _ in 0..<400 {
            let length = 1 + rng.integer(below: 24)
            let text = (0..<length).map { _ in alphabet[rng.integer(below: alphabet.count)] }.joined()
            let t = tokenizer(for: text)
            let ids = try t.encode(text)
            let normal = t.decode(ids)
            #expect(try t.encode(normal) == ids, "\(text.debugDescription) → \(normal.debugDescription)")
            #expect(t.decode(try t.encode(normal)) == normal, "\(text.debugDescription) → \(normal.debugDescription)")
        }
    }

    @Test func capitalisationIsOptional() throws {
        let text = "jerry: i'm here. you know? yes! i think so...\nnora: (sighs) ok, \"fine.\" bye."
        let t = tokenizer(for: text)
        let ids = try t.encode(text)
        #expect(t.decode(ids) == text)
        #expect(t.decode(ids, options: DecodingOptions(capitalize: true)) ==
                "Jerry: I'm here. You know? Yes! I think so...\nNora: (sighs) ok, \"fine.\" Bye.")
    }

    @Test func rareWordsBecomeUnknown() throws {
        let t = tokenizer(for: "a a a b b c.", options: .init(minimumCount: 2))
        #expect(t.vocabulary == ["<unk>", "a", "b"])
        #expect(try t.encode("a c b", unknown: .mapToUnknown) == [1, 0, 2])
        #expect(throws: TextError.unknownTokens(level: .word, tokens: ["c"], total: 1)) { try t.encode("a c b") }
        // <unk> decodes to the literal "<unk>", which encodes back to <unk>.
        #expect(t.decode([1, 0, 2]) == "a <unk> b")
        #expect(try t.encode("a <unk> b") == [1, 0, 2])
        #expect(t.split("x <unk> <un y <") == ["x", "<unk>", "<", "un", "y", "<"])
    }

    @Test func unknownWordsInAPrimeAreNamed() {
        let t = tokenizer(for: "jerry: hello\n")
        do {
            _ = try t.encode("kramer: hello, newman")
            Issue.record("expected an error")
        } catch {
            #expect(error == .unknownTokens(level: .word, tokens: ["kramer", ",", "newman"], total: 3))
            #expect(error.description.contains("3 words not in the model's vocabulary: \"kramer\", \",\", \"newman\""))
        }
    }

    @Test func vocabularyIsByFrequencyThenBytes() {
        let t = tokenizer(for: "b a b c a b")
        #expect(t.vocabulary == ["<unk>", "b", "a", "c"])
    }

    @Test func streamingDecoderMatchesDecode() throws {
        let text = DemoCorpus.generate(seed: 2, byteCount: 2_000)
        let t = tokenizer(for: text)
        let ids = try t.encode(text)
        for options in [DecodingOptions(), DecodingOptions(capitalize: true)] {
            var decoder = t.makeDecoder(options: options)
            let streamed = ids.map { decoder.append($0) }.joined() + decoder.finish()
            #expect(streamed == t.decode(ids, options: options))
        }
    }
}
