import Recurrent
import RecurrentSeries

/// Any text as a series file for `recurrent forecast`/`classify`: the CSV table (header found
/// or not), every column as a series with the first as dates, the wide layout, gaps filled,
/// the spacing of the dates inferred, and the text-example (TSV) reader. Each step either
/// throws an error for the user or gives a value; a parsed date prints as text that parses
/// back to the same date.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSeriesCSV(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    guard count >= 1, let start else { return 0 }
    let input = Array(UnsafeRawBufferPointer(start: start, count: count))
    let header = [HeaderMode.auto, .present, .absent][Int(input[0] % 3)]
    let text = String(decoding: input.dropFirst(), as: UTF8.self)

    _ = try? TextExamples(tsv: text, file: "<fuzz>")
    guard let table = try? CSVTable(text: text, file: "<fuzz>", header: header) else { return 0 }
    let names = (0..<table.columnCount).map(table.columnName)
    for name in names.prefix(4) {
        for dateColumn in [nil, names.first] where dateColumn != name {
            guard let series = try? TimeSeries(table: table, column: name, dateColumn: dateColumn) else { continue }
            check(series)
        }
    }
    if let wide = try? TimeSeries(wideTable: table) { check(wide) }
    let cells = table.rows.map { $0[0] }
    if let format = DateFormat.detect(cells) {
        for cell in cells.prefix(16) {
            guard let date = format.parse(cell) else { continue }
            precondition(DateFormat.iso.parse(date.description) == date, "\(date) does not read back")
        }
    }
    return 0
}

func check(_ series: TimeSeries) {
    _ = series.frequency
    for policy in MissingValuePolicy.allCases { _ = try? series.filled(policy) }
}
