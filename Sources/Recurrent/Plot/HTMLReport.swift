import Foundation

/// What the self-contained HTML reports share (`recurrent inspect --html`, `recurrent
/// experiment --inspect`): the base style, escaping, number formatting and inline SVG plots.
/// Every report is one file with its CSS, SVG and script inline, so it opens with no network.
public enum HTMLReport {
    /// The base style: page width and type, headings, buttons (pressed ones dark), tables,
    /// plots in a wrapping row, colour swatches.
    public static let css = """
    body{font-family:-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;max-width:1100px;margin:24px auto;padding:0 16px;color:#222}
    h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em}h3{font-size:1em;margin:1.2em 0 .3em}.meta{color:#555}
    button{font:inherit;font-size:.9em;border:1px solid #bbb;background:#f7f7f7;border-radius:4px;padding:2px 7px;margin:2px;cursor:pointer}
    button[aria-pressed=true]{background:#333;color:#fff;border-color:#333}
    table{border-collapse:collapse}th{text-align:left;font-weight:normal;padding:4px 12px 4px 0;vertical-align:top}
    td{padding:4px 12px 4px 0}.num{text-align:right;font-variant-numeric:tabular-nums}
    .swatch{display:inline-block;width:1.2em;height:.9em;border:1px solid #ccc;vertical-align:middle}
    .plots{display:flex;flex-wrap:wrap;gap:8px}.legend{color:#555;font-size:.9em}
    """

    /// `s` with &, <, > and " escaped, for HTML text and attribute values.
    public static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }

    /// At most 3 decimals, trailing zeros dropped, non-finite values as 0: "0.125", "-1", "0".
    public static func format(_ v: Float) -> String {
        guard v.isFinite else { return "0" }
        var s = String(format: "%.3f", v)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s == "-0" ? "0" : s
    }

    /// An `SVGLinePlot` document made fit to sit inside HTML: no XML declaration, and its clip
    /// path id made unique on the page.
    public static func inline(_ svg: String, id: String) -> String {
        svg.replacingOccurrences(of: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", with: "")
            .replacingOccurrences(of: "id=\"frame\"", with: "id=\"\(id)-frame\"")
            .replacingOccurrences(of: "url(#frame)", with: "url(#\(id)-frame)")
    }
}
