import Testing
@testable import RecurrentSeries

@Suite struct DateTests {
    @Test(arguments: [
        ("19580329", DateFormat.compact), ("1958-03-29", .iso), ("1958-3-29T12:00:00Z", .iso),
        ("1958-03-29 00:00", .iso), ("1958/03/29", .slashYearFirst), ("3/29/1958", .monthDayYear),
        ("29/3/1958", .dayMonthYear), ("29.03.1958", .dotted), ("Mar-29-1958", .monthNameDayYear),
        ("March 29, 1958", .monthNameDayYear), ("29-Mar-1958", .dayMonthNameYear), ("29 mar 1958", .dayMonthNameYear),
    ])
    func everyFormatReadsTheSameDay(text: String, format: DateFormat) throws {
        #expect(format.parse(text) == CalendarDate(year: 1958, month: 3, day: 29))
    }

    @Test func formatsWithoutDayMeanTheFirst() {
        #expect(DateFormat.isoMonth.parse("1995-02") == CalendarDate(year: 1995, month: 2, day: 1))
        #expect(DateFormat.monthNameYear.parse("Feb 1995") == CalendarDate(year: 1995, month: 2, day: 1))
        #expect(DateFormat.year.parse("1995") == CalendarDate(year: 1995, month: 1, day: 1))
        #expect(DateFormat.monthNameDayYear.parse("Jan-1-1995") == CalendarDate(year: 1995, month: 1, day: 1))
    }

    @Test func impossibleDatesAreRejected() {
        #expect(DateFormat.iso.parse("2001-02-29") == nil)
        #expect(DateFormat.iso.parse("2000-02-29") != nil)
        #expect(DateFormat.compact.parse("19581329") == nil)
        #expect(DateFormat.monthDayYear.parse("13/1/2000") == nil)
        #expect(CalendarDate(parsing: "hello") == nil)
        #expect(CalendarDate(parsing: "12.5") == nil)
    }

    @Test func detectionPrefersMonthFirstUnlessADayExceedsTwelve() {
        #expect(DateFormat.detect(["1/2/2000", "1/3/2000", ""]) == .monthDayYear)
        #expect(DateFormat.detect(["1/2/2000", "13/2/2000"]) == .dayMonthYear)
        #expect(DateFormat.detect(["19580329", "19580405"]) == .compact)
        #expect(DateFormat.detect(["1950", "1951"]) == .year)
        #expect(DateFormat.detect(["1950-01-01", "soon"]) == nil)
    }

    @Test func dayArithmeticRoundTripsAcrossCenturiesAndLeapYears() {
        #expect(CalendarDate(year: 1970, month: 1, day: 1)!.daysSinceEpoch == 0)
        #expect(CalendarDate(year: 2000, month: 3, day: 1)!.daysSinceEpoch == 11_017)
        #expect(CalendarDate(year: 1969, month: 12, day: 31)!.daysSinceEpoch == -1)
        for days in stride(from: -100_000, through: 100_000, by: 997) {
            #expect(CalendarDate(daysSinceEpoch: days).daysSinceEpoch == days)
        }
        #expect(CalendarDate(year: 2000, month: 2, day: 28)!.adding(days: 1).description == "2000-02-29")
    }

    @Test func monthArithmeticClampsToShortMonths() {
        let jan31 = CalendarDate(year: 2001, month: 1, day: 31)!
        #expect(jan31.adding(months: 1).description == "2001-02-28")
        #expect(jan31.adding(months: 13).description == "2002-02-28")
        #expect(jan31.adding(months: -2).description == "2000-11-30")
    }

    @Test func frequencyIsTheMostCommonStep() {
        let weekly = (0..<10).map { CalendarDate(year: 1958, month: 3, day: 29)!.adding(days: 7 * $0) }
        #expect(SeriesFrequency.infer(weekly) == .days(7))
        let withGap = weekly.enumerated().filter { $0.offset != 4 }.map(\.element)
        #expect(SeriesFrequency.infer(withGap) == .days(7))
        let monthly = (0..<5).map { CalendarDate(year: 1995, month: 1, day: 1)!.adding(months: $0) }
        #expect(SeriesFrequency.infer(monthly) == .months(1))
        #expect(SeriesFrequency.months(1).advance(monthly.last!, by: 2).description == "1995-07-01")
        let yearly = (0..<3).map { CalendarDate(year: 1950 + $0, month: 1, day: 1)! }
        #expect(SeriesFrequency.infer(yearly) == .months(12))
        #expect(SeriesFrequency.infer([weekly[0]]) == nil)
    }
}
