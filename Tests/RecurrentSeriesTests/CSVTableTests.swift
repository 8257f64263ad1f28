import Foundation
import Testing
@testable import RecurrentSeries

@Suite struct CSVTableTests {
    @Test func quotedFieldsHoldDelimitersLineBreaksAndQuotes() throws {
        let text = "name,value,note\r\n\"Smith, J\",1.5,\"said \"\"hi\"\"\"\r\n\"two\nlines\",2,\r\n"
        let table = try CSVTable(text: text, file: "q.csv")
        #expect(table.header == ["name", "value", "note"])
        #expect(table.rows == [["Smith, J", "1.5", "said \"hi\""], ["two\nlines", "2", ""]])
        #expect(table.rowNumbers == [2, 3])
        #expect(try table.numericColumn(1) == [1.5, 2])
    }

    @Test func emptyCellsBlankLinesShortRowsAndByteOrderMark() throws {
        let text = "\u{FEFF}date,a,b\n20000101,1,\n\n20000102,,3\n20000103\n20000104,NA,.\n"
        let table = try CSVTable(text: text, file: "e.csv")
        #expect(table.header == ["date", "a", "b"])
        #expect(table.rows.count == 4)
        #expect(table.rowNumbers == [2, 4, 5, 6])   // the blank line 3 is skipped but counted
        #expect(try table.numericColumn(1) == [1, nil, nil, nil])
        #expect(try table.numericColumn(2) == [nil, 3, nil, nil])
    }

    @Test func headerIsDetectedOnlyWhenTheFirstRowHasWords() throws {
        #expect(try CSVTable(text: "1,2,3\n4,5,6\n", file: "n.csv").header == nil)
        #expect(try CSVTable(text: "1995-01-01,2\n1995-02-01,5\n", file: "d.csv").header == nil)
        #expect(try CSVTable(text: "x,y\n1,2\n", file: "h.csv").header == ["x", "y"])
        // Class labels are words in every row: no evidence of a header.
        #expect(try CSVTable(text: "1,2,up\n3,4,down\n", file: "l.csv").header == nil)
        #expect(try CSVTable(text: "a,b,kind\n1,2,up\n", file: "k.csv").header == ["a", "b", "kind"])
        #expect(try CSVTable(text: "1,2\n3,4\n", file: "p.csv", header: .present).header == ["1", "2"])
    }

    @Test func columnsByNameCaseInsensitivelyOrByNumberWithoutHeader() throws {
        let table = try CSVTable(text: "Date,CO2\n1,2\n", file: "c.csv")
        #expect(try table.columnIndex("CO2") == 1)
        #expect(try table.columnIndex("co2") == 1)
        let bare = try CSVTable(text: "1,2\n3,4\n", file: "b.csv")
        #expect(try bare.columnIndex("2") == 1)
        #expect(bare.columnName(1) == "column 2")
    }

    @Test func missingColumnNamesTheFileAndTheColumnsThereAre() throws {
        let table = try CSVTable(text: "date,co2\n1,2\n", file: "c.csv")
        let error = #expect(throws: SeriesError.self) { try table.columnIndex("temp") }
        #expect(error == .missingColumn(file: "c.csv", column: "temp", available: ["date", "co2"]))
        #expect(error?.description == "c.csv: no column 'temp'. Columns are: 'date', 'co2'.")
    }

    @Test func nonNumericCellNamesRowAndColumn() throws {
        let table = try CSVTable(text: "date,co2\n1,2\n2,abc\n", file: "c.csv")
        let error = #expect(throws: SeriesError.self) { try table.numericColumn(1) }
        #expect(error == .nonNumericCell(file: "c.csv", row: 3, column: "co2", value: "abc"))
        #expect(error?.description.contains("row 3, column 'co2'") == true)
        // Infinity and NaN spelled as words are not numbers a series can use.
        #expect(throws: SeriesError.self) { try CSVTable(text: "a\n1\ninf\n", file: "i.csv").numericColumn(0) }
    }

    @Test func raggedRowWithTooManyCellsIsAnError() throws {
        let error = #expect(throws: SeriesError.self) { try CSVTable(text: "a,b\n1,2\n3,4,5\n", file: "r.csv") }
        #expect(error == .raggedRow(file: "r.csv", row: 3, expected: 2, found: 3))
    }

    @Test func emptyBlankAndHeaderOnlyFilesAreEmpty() throws {
        for text in ["", "\n\n  \n", "date,co2\n"] {
            let error = #expect(throws: SeriesError.self) { try CSVTable(text: text, file: "empty.csv") }
            #expect(error == .emptyFile(file: "empty.csv"))
        }
    }

    @Test func missingDirectoryAndNonUTF8FilesAreErrors() throws {
        #expect(throws: SeriesError.fileNotFound(file: "/nonexistent/x.csv")) {
            try CSVTable.read(contentsOf: "/nonexistent/x.csv")
        }
        let path = try TestData.temporaryFile("a\n1\n")
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        #expect(throws: SeriesError.self) { try CSVTable.read(contentsOf: directory) }
        try Data([0x61, 0x0A, 0xFF, 0xFE, 0x0A]).write(to: URL(fileURLWithPath: path))
        #expect(throws: SeriesError.invalidUTF8(file: path)) { try CSVTable.read(contentsOf: path) }
    }
}
