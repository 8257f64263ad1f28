import Testing
import Recurrent

@Suite struct MetadataJSONTests {
    struct Sample: Codable, Equatable { var path: String; var loss: Double; var bad: Float }

    @Test func compactSortedAndNonFiniteAsStrings() throws {
        let s = Sample(path: "a/b", loss: .infinity, bad: .nan)
        #expect(try MetadataJSON.encode(s) == #"{"bad":"nan","loss":"inf","path":"a/b"}"#)
        #expect(try MetadataJSON.encode(s, escapingSlashes: true) == #"{"bad":"nan","loss":"inf","path":"a\/b"}"#)
        let back = try MetadataJSON.decode(Sample.self, from: try MetadataJSON.encode(s))
        #expect(back.path == "a/b" && back.loss == .infinity && back.bad.isNaN)
    }

    /// The `--json` documents: pretty-printed, sorted snake_case keys, "/" unescaped, NaN and ∞
    /// as in the metadata.
    @Test func documentsArePrettyWithSnakeCaseKeys() throws {
        struct Row: Encodable { var bestLoss: Double; var filePath: String }
        #expect(try MetadataJSON.document(Row(bestLoss: .nan, filePath: "a/b")) == """
            {
              "best_loss" : "nan",
              "file_path" : "a/b"
            }
            """)
    }

    /// A value JSON cannot hold is an error naming the type, never a silent "{}".
    @Test func failuresAreReported() {
        struct Broken: Encodable {
            func encode(to encoder: any Encoder) throws {
                throw EncodingError.invalidValue(0, .init(codingPath: [], debugDescription: "no"))
            }
        }
        let error = #expect(throws: MetadataJSONError.self) { try MetadataJSON.encode(Broken()) }
        #expect(error?.typeName == "Broken")
        #expect(throws: MetadataJSONError.self) { try MetadataJSON.document(Broken()) }
    }
}
