import Testing
@testable import RecurrentSeries

/// Quarters, year + period columns, and rows absent from a dated file.
@Suite struct CalendarTests {
    @Test(arguments: ["1959Q1", "1959-Q1", "1959 q1", "1959/Q1", "Q1 1959", "Q1-1959"])
    func quarterStringsMeanTheFirstDayOfTheQuarter(text: String) {
        #expect(DateFormat.yearQuarter.parse(text) == CalendarDate(year: 1959, month: 1, day: 1))
    }

    @Test func quarterStringsAreDetectedAndRejectWhatIsNotAQuarter() {
        #expect(DateFormat.yearQuarter.parse("1959Q3") == CalendarDate(year: 1959, month: 7, day: 1))
        #expect(DateFormat.yearQuarter.parse("1959Q5") == nil)
        #expect(DateFormat.yearQuarter.parse("1959Q") == nil)
        #expect(DateFormat.yearQuarter.parse("Q11959") == nil)
        #expect(DateFormat.detect(["1959Q1", "1959Q2", "1959-Q3"]) == .yearQuarter)
    }

    @Test func aQuarterColumnIsReadAsQuarterlyAndDatesForecastsByQuarter() throws {
        let table = try CSVTable(text: "Year,Quarter,gdp\n2000,Q1,1\n2000,Q2,2\n2000,Q3,3\n2000,Q4,4\n2001,Q1,5\n", file: "g.csv")
        let series = try TimeSeries(table: table, column: "gdp")
        #expect(series.dates?.map(\.description) == ["2000-01-01", "2000-04-01", "2000-07-01", "2000-10-01", "2001-01-01"])
        #expect(series.frequency == .months(3))
        #expect(series.frequency!.advance(series.dates!.last!, by: 1).description == "2001-04-01")
    }

    @Test func numberedQuartersAndMonthNamesBesideAYearColumn() throws {
        let quarters = try TimeSeries(table: CSVTable(text: "year,qtr,y\n1990,1,1\n1990,2,2\n1990,3,3\n", file: "q.csv"), column: "y")
        #expect(quarters.frequency == .months(3))
        let months = try TimeSeries(table: CSVTable(text: "year,period,y\n1990,Nov,1\n1990,Dec,2\n1991,Jan,3\n", file: "m.csv"),
                                    column: "y")
        #expect(months.dates?.map(\.description) == ["1990-11-01", "1990-12-01", "1991-01-01"])
        // Unnamed numbers count when every year repeats with distinct periods.
        let unnamed = try TimeSeries(table: CSVTable(text: "a,b,y\n1990,11,1\n1990,12,2\n1991,1,3\n", file: "u.csv"), column: "y")
        #expect(unnamed.frequency == .months(1))
    }

    @Test func aYearlySeriesWithANumericNeighbourStaysYearly() throws {
        let table = try CSVTable(text: "year,count,y\n1990,3,1\n1991,2,2\n1992,4,3\n", file: "y.csv")
        let series = try TimeSeries(table: table, column: "y")
        #expect(series.frequency == .months(12))
        #expect(series.values.count == 3)
    }

    @Test func explicitYearAndPeriodColumns() throws {
        let table = try CSVTable(text: "y,when,yr\n1,2,1990\n2,3,1990\n3,4,1990\n", file: "e.csv")
        let series = try TimeSeries(table: table, column: "y", dateColumn: "yr,when")
        #expect(series.dates?.first?.description == "1990-04-01")
        #expect(series.frequency == .months(3))
        #expect(throws: SeriesError.self) { try TimeSeries(table: table, column: "y", dateColumn: "when,yr") }
        #expect(throws: SeriesError.self) { try TimeSeries(table: table, column: "y", dateColumn: "yr,") }
    }

    @Test func deletedYearsAreCountedAndFilledAsGaps() throws {
        let years = (1900...1920).filter { ![1905, 1906, 1912].contains($0) }
        let text = "year,y\n" + years.map { "\($0),\(Double($0 - 1900))" }.joined(separator: "\n")
        let series = try TimeSeries(table: CSVTable(text: text, file: "d.csv"), column: "y")
        #expect(series.values.count == 21)
        #expect(series.missingCount == 3 && series.absentRows == 3)
        #expect(series.dates?[6].description == "1906-01-01")
        let filled = try series.filled(.interpolate)
        #expect(filled.values == (0...20).map(Double.init))          // a straight line stays straight
        #expect(try series.filled(.skip).values.count == 18)
    }

    @Test func absentRowsAndEmptyCellsAddUp() throws {
        let text = "date,y\n2000-01-01,1\n2000-02-01,\n2000-04-01,4\n2000-05-01,5\n"
        let series = try TimeSeries(table: CSVTable(text: text, file: "m.csv"), column: "y")
        #expect(series.values.count == 5 && series.missingCount == 2 && series.absentRows == 1)
    }

    @Test func businessDaysAndIrregularDatesAreLeftAlone() throws {
        // Mon 2024-01-01 … Fri 2024-01-12 without the weekend.
        let days = (0..<12).map { CalendarDate(year: 2024, month: 1, day: 1)!.adding(days: $0) }
            .filter { ![5, 6].contains(($0.daysSinceEpoch + 3) % 7) }
        let text = "date,y\n" + days.map { "\($0),1" }.joined(separator: "\n")
        let business = try TimeSeries(table: CSVTable(text: text, file: "b.csv"), column: "y")
        #expect(business.values.count == 10 && business.absentRows == 0)
        let irregular = try TimeSeries(table: CSVTable(text: "date,y\n2000-01-01,1\n2000-01-03,2\n2000-01-05,3\n2000-01-06,4\n",
                                                       file: "i.csv"), column: "y")
        #expect(irregular.values.count == 4)
    }
}
