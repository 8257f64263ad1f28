import ArgumentParser
import Foundation
import RecurrentSeries

/// `forecast train --model`: which network to train.
enum ForecastNetworkKind: String, ExpressibleByArgument, CaseIterable {
    /// The LSTM on encoded windows (`ForecastModel`).
    case lstm
    /// Smyl's ES-RNN: learnt Holt-Winters smoothing and an LSTM, with quantile intervals (`HybridEnsemble`).
    case hybrid
}

/// `forecast train`'s network and the hybrid's own settings.
struct ForecastNetworkOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The network: lstm, or hybrid (ES-RNN: Holt-Winters smoothing learnt with an LSTM, with 80% intervals).",
                               discussion: "hybrid ignores --reference and --cell; it handles the level and the season itself."))
    var model = ForecastNetworkKind.lstm

    @Option(help: "With --model hybrid: train N members (seeds --seed, --seed+1, …) side by side and forecast their mean.")
    var ensemble = 1

    @Option(help: ArgumentHelp("With --model hybrid: the members' lookbacks, comma-separated (member k reads the k-th, cycling): an input-window ensemble.",
                               discussion: "Default: --lookback for every member. --lookback still sets the sizes the split must hold."))
    var lookbacks: String?

    @Option(name: .customLong("level-penalty"),
            help: ArgumentHelp("With --model hybrid: weight λ of the penalty on a wiggly level (Smyl 2020); 0 turns it off.",
                               discussion: "Default: \(plain(HybridConfiguration.defaultLevelPenalty(season: 12))) (Smyl's value for monthly series) "
                                   + "when the smoothing has a season, \(plain(HybridConfiguration.defaultLevelPenalty(season: 1))) without one."))
    var levelPenalty: Double?

    /// `--lookbacks` as numbers; nil when absent or malformed.
    var memberLookbacks: [Int]? {
        guard let parts = lookbacks?.split(separator: ",", omittingEmptySubsequences: false) else { return nil }
        let values = parts.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }.filter { $0 >= 1 }
        return !values.isEmpty && values.count == parts.count ? values : nil
    }
}
