import Recurrent
import RecurrentText

/// The defaults `recurrent train` uses, for help texts: every "(default: …)" is built from the
/// value the library applies, so the two cannot drift apart.
typealias TextDefaults = TextTrainingOptions.Defaults

/// "(default: X)" with X as a user types it: 5 not 5.0, 0.002, 0.2.
func defaultNote(_ value: Any) -> String { "(default: \(plain(value)))" }

/// A number or name as a user types it (whole numbers without ".0").
func plain(_ value: Any) -> String {
    if let d = value as? Double, d.rounded() == d, abs(d) < 1e15 { return String(Int(d)) }
    if let f = value as? Float, f.rounded() == f, abs(f) < 1e7 { return String(Int(f)) }
    if let r = value as? any RawRepresentable<String> { return r.rawValue }
    return "\(value)"
}
