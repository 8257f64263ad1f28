/// Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of two
/// neighbours each cost 1 (so `trian` is 1 from `train`).
func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a), y = Array(b)
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    // d[i][j]: distance between x[..<i] and y[..<j]; three rows suffice for the swap term.
    var previous2 = [Int](repeating: 0, count: y.count + 1)
    var previous = Array(0...y.count)
    var current = [Int](repeating: 0, count: y.count + 1)
    for i in 1...x.count {
        current[0] = i
        for j in 1...y.count {
            let cost = x[i - 1] == y[j - 1] ? 0 : 1
            var d = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] { d = min(d, previous2[j - 2] + 1) }
            current[j] = d
        }
        (previous2, previous, current) = (previous, current, previous2)
    }
    return previous[y.count]
}

/// The candidate closest to `word` when it is close enough to be a likely typo: at most
/// a third of the word's letters (and at most 3) differ. nil when nothing is that close.
func closestMatch(to word: String, in candidates: [String]) -> String? {
    let limit = max(1, min(3, word.count / 3))
    let scored = candidates.map { ($0, editDistance(word, $0)) }.filter { $0.1 <= limit }
    return scored.min { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }?.0
}
