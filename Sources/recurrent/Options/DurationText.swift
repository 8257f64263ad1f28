/// A duration as a user types it: a number with a unit, `s`, `m` or `h`, or several such parts
/// in decreasing units (`90s`, `20m`, `1.5h`, `1h30m`, `2m30s`).
enum DurationText {
    /// Seconds, or nil when `text` is not such a duration or is not positive.
    static func seconds(_ text: String) -> Double? {
        let units: [Character: Double] = ["h": 3600, "m": 60, "s": 1]
        var total = 0.0, number = "", lastUnit = Double.infinity, parts = 0
        for character in text.lowercased() {
            if character.isNumber || character == "." {
                number.append(character)
            } else if let unit = units[character], let value = Double(number), value.isFinite, unit < lastUnit {
                total += value * unit
                lastUnit = unit
                number = ""
                parts += 1
            } else {
                return nil
            }
        }
        guard number.isEmpty, parts > 0, total > 0, total.isFinite else { return nil }
        return total
    }

    /// The message for a value `seconds(_:)` rejects.
    static func problem(flag: String, value: String) -> String {
        "\(flag) needs a duration with a unit, such as 20m, 90s, 1h or 1h30m; got '\(value)'"
    }
}
