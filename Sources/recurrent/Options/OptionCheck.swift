import ArgumentParser

/// The range checks the option groups share. Each throws for the first value out of range, in
/// the order given, with a message naming the flag and the value ("--layers must be at least
/// 1, got 0"); values not given (nil) pass.
enum OptionCheck {
    /// Every given count is at least `minimum`.
    static func atLeast(_ minimum: Int, _ values: KeyValuePairs<String, Int?>) throws {
        for (flag, value) in values {
            if let v = value, v < minimum { throw ValidationError("\(flag) must be at least \(minimum), got \(v)") }
        }
    }

    /// Every given fraction or probability is in [0, 1).
    static func fraction<F: BinaryFloatingPoint & CustomStringConvertible>(_ values: KeyValuePairs<String, F?>) throws {
        for (flag, value) in values {
            if let p = value, !(p >= 0 && p < 1) { throw ValidationError("\(flag) must be in [0, 1), got \(p)") }
        }
    }

    /// Every given value is above 0 (NaN is not).
    static func positive(_ values: KeyValuePairs<String, Double?>) throws {
        for (flag, value) in values {
            if let v = value, !(v > 0) { throw ValidationError("\(flag) must be positive, got \(v)") }
        }
    }
}
