import Testing
@testable import RecurrentSeries

@Suite struct TimeSeriesTests {
    @Test func co2IsWeeklyWithFiftyNineGaps() throws {
        let series = try TimeSeries.read(contentsOf: TestData.bundled("co2.csv"), column: "co2")
        #expect(series.values.count == 2284)
        #expect(series.missingCount == 59)
        #expect(series.dates?.first?.description == "1958-03-29")
        #expect(series.dates?.last?.description == "2001-12-29")
        #expect(series.frequency == .days(7))
        #expect(series.values[0] == 316.1)
        let filled = try series.filled(.interpolate)
        #expect(filled.values.count == 2284 && filled.missingCount == 59)
        #expect(filled.values.allSatisfy { $0.isFinite })
        let skipped = try series.filled(.skip)
        #expect(skipped.values.count == 2284 - 59 && skipped.dates?.count == 2284 - 59)
    }

    @Test func elecEquipHasMonthNameDatesFoundWithoutDateColumn() throws {
        let series = try TimeSeries.read(contentsOf: TestData.bundled("elec_equip.csv"),
                                         column: "STS.M.I7.W.TOVT.NS0016.4.000")
        #expect(series.values.count == 257)
        #expect(series.missingCount == 0)
        #expect(series.dates?.first?.description == "1995-01-01")
        #expect(series.frequency == .months(1))
        #expect(series.values[0] == 66.19)
    }

    @Test func elNinoWideFormatUnrollsYearByMonth() throws {
        let series = try TimeSeries.read(contentsOf: TestData.bundled("elnino.csv"), column: nil, wide: true)
        #expect(series.values.count == 61 * 12)
        #expect(series.dates?.first?.description == "1950-01-01")
        #expect(series.dates?[13].description == "1951-02-01")
        #expect(series.dates?.last?.description == "2010-12-01")
        #expect(series.frequency == .months(1))
        #expect(series.values[0] == 23.11 && series.values[1] == 24.2 && series.values[12] == 24.19)
        #expect(series.name == "elnino")
    }

    @Test func wideQuartersAndUndatedPeriods() throws {
        let quarters = try TimeSeries(wideTable: CSVTable(text: "year,Q1,Q2,Q3,Q4\n2001,1,2,3,4\n2000,5,6,,8\n", file: "q.csv"))
        // Rows out of order are put in date order; the empty cell stays missing.
        #expect(quarters.values == [5, 6, nil, 8, 1, 2, 3, 4])
        #expect(quarters.dates?.map(\.description) == ["2000-01-01", "2000-04-01", "2000-07-01", "2000-10-01",
                                                       "2001-01-01", "2001-04-01", "2001-07-01", "2001-10-01"])
        let undated = try TimeSeries(wideTable: CSVTable(text: "id,a,b,c\nx,1,2,3\ny,4,5,6\n", file: "u.csv"))
        #expect(undated.dates == nil && undated.values == [1, 2, 3, 4, 5, 6])
    }

    @Test func explicitDateColumnSortsRowsAndReportsBadDates() throws {
        let table = try CSVTable(text: "value,when\n3,2000-03-01\n1,2000-01-01\n2,2000-02-01\n", file: "s.csv")
        let series = try TimeSeries(table: table, column: "value", dateColumn: "when")
        #expect(series.values == [1, 2, 3])
        let bad = try CSVTable(text: "when,value\n2000-01-01,1\n2000-13-01,2\n2000-03-01,3\n", file: "b.csv")
        let error = #expect(throws: SeriesError.self) { try TimeSeries(table: bad, column: "value", dateColumn: "when") }
        #expect(error == .invalidDate(file: "b.csv", row: 3, column: "when", value: "2000-13-01"))
        let empty = try CSVTable(text: "when,value\n2000-01-01,1\n,2\n", file: "e.csv")
        #expect(throws: SeriesError.invalidDate(file: "e.csv", row: 3, column: "when", value: "")) {
            try TimeSeries(table: empty, column: "value", dateColumn: "when")
        }
    }

    @Test func interpolationIsLinearInsideAndFlatAtTheEnds() throws {
        let series = TimeSeries(name: "x", values: [nil, 1, nil, nil, 4, nil])
        let filled = try series.filled(.interpolate)
        #expect(filled.values == [1, 1, 2, 3, 4, 4])
        #expect(filled.missingCount == 4)
        let skipped = try series.filled(.skip)
        #expect(skipped.values == [1, 4] && skipped.missingCount == 4)
    }

    @Test func aColumnWithoutValuesIsAnError() throws {
        let series = TimeSeries(file: "f.csv", name: "x", values: [nil, nil])
        #expect(throws: SeriesError.allMissing(file: "f.csv", column: "x")) { try series.filled(.interpolate) }
    }

    @Test func longFormatNeedsAColumnName() throws {
        let error = #expect(throws: SeriesError.self) {
            try TimeSeries.read(contentsOf: TestData.bundled("co2.csv"), column: nil)
        }
        #expect(error?.description.contains("--column") == true)
    }
}
