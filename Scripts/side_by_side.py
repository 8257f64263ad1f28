#!/usr/bin/env python3
"""statsmodels' ARIMA (by AIC) and ETS (by AICc) on the rolling origins of `recurrent forecast
predict --backtest`, for the side-by-side table in docs/series.md.

For each series: the same origins as the tool (the last window ends at the last value, the
others --step values earlier each; default step ceil(H/2), 5 origins), each model refitted to
the values before each origin, H values forecast, MAE over every step of every window, and
MASE = MAE / (mean |y[t] - y[t-m]| over the values before the first origin), m the season the
tool detected (1 without one). Last value and seasonal naive are printed too: they must match
the tool's table exactly, which checks that both sides score the same windows.

ARIMA by AIC, in the manner of auto.arima (Hyndman & Khandakar, 2008) with a full grid
instead of the stepwise search: seasonal differencing D = 1 when STL's seasonal strength is at
least 0.64, then d (0-2) by KPSS tests at 5 %, then every (p, q) in 0..2 and, with a season,
(P, Q) in 0..1, with a constant when d + D = 0 and with and without drift when d + D = 1; the
lowest AIC wins. For seasons longer than 24 (weekly co2), by default (--long-season fourier)
a dynamic harmonic regression, as R's documentation advises for weekly data: K Fourier pairs of
period 365.25/7 weeks (K in 1..6) with ARIMA(p, d, q) errors, (p, q) in 0..2, d by KPSS on the
regression's residuals, lowest AIC (fourier_arima_forecast). --long-season sarima fits the
bounded seasonal ARIMA instead: the seasonal part fixed at (0, 1, 1), (p, q) in 0..2, fitted
to the seasonally differenced series (ARIMA(p, d, q)(0, 0, 1)[m], forecasts integrated back by
y[t] = w[t] + y[t - m]; its exact likelihood is the diffuse likelihood of the undifferenced
model with m + 1 fewer states) — its first origin's search alone took over 20 minutes on the
shared machine. ARIMA is chosen at the first origin and refitted (same orders, new
parameters) at the others, to keep the run within an hour.
ETS by AICc: statsmodels' ETSModel with additive or multiplicative errors, no, additive or
damped trend, and no, additive or multiplicative season (multiplicative parts only for
positive series; no season longer than 24, as R's ets and the tool), the lowest AICc wins.

With --hybrid BINARY it also trains the tool's ES-RNN hybrid ensemble on each series
(`forecast train --model hybrid --ensemble 5`, the arguments of HYBRID_ARGUMENTS, into
runs/side-by-side/NAME) and prints its backtest MASE on the same origins and the coverage of
its 80 % intervals, with the model `forecast train` recommends.

ETS is chosen by AICc at every origin, as the tool does; with --ets-once it is chosen at the
first origin and refitted at the others (faster; on AirPassengers this luckily keeps ETS(A,A,M),
which AICc leaves at the later origins on both sides). --methods arima or ets runs one of the
two (the naive forecasts are always printed).

Usage (needs numpy, pandas, statsmodels; minutes per series, co2 the longest):
    python Scripts/side_by_side.py [--series co2,elec_equip,elnino,AirPassengers,lynx] [--hybrid .build/release/recurrent]
                                   [--ets-once] [--methods arima,ets]
"""
import argparse
import json
import math
import os
import subprocess
import time
import warnings

import numpy as np
import pandas as pd
from statsmodels.tsa.arima.model import ARIMA
from statsmodels.tsa.exponential_smoothing.ets import ETSModel
from statsmodels.tsa.seasonal import STL
from statsmodels.tsa.stattools import kpss

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# name: (season m the tool detects, horizon H, origins, step, ARIMA's season)
# lynx is yearly: its ~10-year cycle is not a calendar season, so ARIMA (as auto.arima on a
# yearly series) has none and models the cycle with its AR terms; ETS gets the tool's m.
SERIES = {
    "co2": (52, 52, 5, 26, 52),
    "elec_equip": (12, 12, 5, 6, 12),
    "elnino": (12, 12, 5, 6, 12),
    "AirPassengers": (12, 12, 5, 6, 12),
    "lynx": (9, 10, 5, 5, 1),
}


# Seasons longer than 24 (weekly co2): "fourier" (default) fits a dynamic harmonic regression
# with ARIMA errors (fourier_arima_forecast); "sarima" the bounded ARIMA(p,d,q)(0,1,1)[m]
# (long_season_arima_forecast, hours at m = 52). Weekly data repeat every 365.25/7 weeks, not 52.
LONG_SEASON = "fourier"
FOURIER_PERIOD = {52: 365.25 / 7}
FOURIER_MAX_K = 6


# The tool's training arguments per series (as in docs/series.md).
HYBRID_ARGUMENTS = {
    "co2": ["co2.csv", "--column", "co2", "--lookback", "104", "--horizon", "52"],
    "elec_equip": ["elec_equip.csv", "--column", "STS.M.I7.W.TOVT.NS0016.4.000", "--lookback", "24", "--horizon", "12"],
    "elnino": ["elnino.csv", "--wide", "--lookback", "24", "--horizon", "12"],
    "AirPassengers": ["AirPassengers.csv", "--column", "Passengers", "--lookback", "24", "--horizon", "12", "--test", "0.25"],
    "lynx": ["lynx.csv", "--column", "lynx", "--lookback", "20", "--horizon", "10", "--test", "0.27"],
}


def hybrid_backtest(binary, name, members=5):
    """Trains the hybrid ensemble and backtests it: (recommended model, {method: MASE}, 80% coverage)."""
    folder = os.path.join(ROOT, "runs", "side-by-side", name)
    train = subprocess.run([binary, "forecast", "train", *HYBRID_ARGUMENTS[name], "--model", "hybrid",
                            "--ensemble", str(members), "--output", folder, "--json"],
                           cwd=ROOT, check=True, capture_output=True, text=True)
    recommended = json.loads(train.stdout)["choice"]["recommended"]
    backtest = subprocess.run([binary, "forecast", "predict", os.path.join(folder, "forecast.safetensors"),
                               HYBRID_ARGUMENTS[name][0], "--model", "hybrid", "--backtest", "--json",
                               "--output", os.path.join(folder, "backtest.csv"), "--plot", os.path.join(folder, "backtest.svg")],
                              cwd=ROOT, check=True, capture_output=True, text=True)
    result = json.loads(backtest.stdout)["backtest"]
    return recommended, {s["method"]: s["mase"] for s in result["scores"]}, result.get("interval_coverage")


def load(name):
    path = os.path.join(ROOT, "Data", name + ".csv")
    table = pd.read_csv(path)
    if name == "elnino":
        return table.iloc[:, 1:].to_numpy(dtype=float).ravel()
    values = pd.to_numeric(table.iloc[:, 1], errors="coerce")
    return values.interpolate(limit_direction="both").to_numpy(dtype=float)


def ndiffs(x, max_d=2):
    d = 0
    while d < max_d:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            p = kpss(x, regression="c", nlags="auto")[1]
        if p >= 0.05:
            break
        x = np.diff(x)
        d += 1
    return d


def seasonal_strength(x, m):
    if m < 2 or len(x) < 2 * m + 1:
        return 0.0
    res = STL(x, period=m, robust=True).fit()
    remainder, seasonal = res.resid, res.seasonal
    return max(0.0, 1 - np.var(remainder) / np.var(remainder + seasonal))


def arima_forecast(y, m, h, only=None):
    """The forecast of the ARIMA of lowest AIC (of `only`, a chosen (order, seasonal order, trend))."""
    seasonal = m >= 2 and len(y) >= 3 * m
    if only is not None and not (seasonal and m > 24):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = ARIMA(y, order=only[0], seasonal_order=only[1], trend=only[2]).fit()
        return np.asarray(res.forecast(h)), only
    if not seasonal:
        m = 0
    if seasonal and m > 24:
        if LONG_SEASON == "fourier":
            return fourier_arima_forecast(y, FOURIER_PERIOD.get(m, m), h, only)
        return long_season_arima_forecast(y, m, h, only)
    D = 1 if seasonal and (m > 24 or seasonal_strength(y, m) >= 0.64) else 0
    x = y[m:] - y[:-m] if D else y
    d = ndiffs(x)
    if seasonal and m > 24:
        seasonal_orders = [(0, 1, 1)]
    elif seasonal:
        seasonal_orders = [(P, D, Q) for P in (0, 1) for Q in (0, 1)]
    else:
        seasonal_orders = [(0, 0, 0)]
    trends = {0: ["c"], 1: ["n", "t"]}.get(d + D, ["n"])
    best = None
    for p in range(3):
        for q in range(3):
            for (P, DD, Q) in seasonal_orders:
                for trend in trends:
                    order = (p, d, q)
                    sorder = (P, DD, Q, m) if seasonal else (0, 0, 0, 0)
                    try:
                        with warnings.catch_warnings():
                            warnings.simplefilter("ignore")
                            res = ARIMA(y, order=order, seasonal_order=sorder, trend=trend).fit()
                    except Exception:
                        continue
                    if not np.isfinite(res.aic):
                        continue
                    if best is None or res.aic < best[0]:
                        best = (res.aic, res, (order, sorder, trend))
    return np.asarray(best[1].forecast(h)), best[2]


def fourier_terms(t, period, k):
    """sin(2πjt/period), cos(2πjt/period) for j = 1…k at the time indices t: (len(t), 2k)."""
    t = np.asarray(t, dtype=float)[:, None]
    j = np.arange(1, k + 1)[None, :]
    return np.hstack([np.sin(2 * np.pi * j * t / period), np.cos(2 * np.pi * j * t / period)])


def fourier_arima_forecast(y, period, h, only=None):
    """Dynamic harmonic regression, as R's documentation advises for weekly data (Hyndman &
    Athanasopoulos, FPP "Weekly data"): y[t] = Σⱼ₌₁…K (aⱼ sin(2πjt/P) + bⱼ cos(2πjt/P)) + n[t],
    n an ARIMA(p, d, q) error, P the season in (fractional) time steps. d by KPSS tests on the
    residuals of the Fourier regression, then every K in 1..FOURIER_MAX_K and (p, q) in 0..2,
    with a constant when d = 0 and with and without drift when d = 1; the lowest AIC wins."""
    n = len(y)
    past, future = np.arange(n), np.arange(n, n + h)

    def fit(order, trend, k):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ARIMA(y, exog=fourier_terms(past, period, k), order=order, trend=trend).fit()

    if only is not None:
        order, trend, k = only
        return np.asarray(fit(order, trend, k).forecast(h, exog=fourier_terms(future, period, k))), only
    best = None
    for k in range(1, FOURIER_MAX_K + 1):
        x = fourier_terms(past, period, k)
        beta, *_ = np.linalg.lstsq(np.hstack([np.ones((n, 1)), x]), y, rcond=None)
        d = ndiffs(y - np.hstack([np.ones((n, 1)), x]) @ beta)
        trends = {0: ["c"], 1: ["n", "t"]}.get(d, ["n"])
        for p in range(3):
            for q in range(3):
                for trend in trends:
                    try:
                        res = fit((p, d, q), trend, k)
                    except Exception:
                        continue
                    if np.isfinite(res.aic) and (best is None or res.aic < best[0]):
                        best = (res.aic, res, ((p, d, q), trend, k))
    return np.asarray(best[1].forecast(h, exog=fourier_terms(future, period, best[2][2]))), best[2]


def long_season_arima_forecast(y, m, h, only=None):
    """ARIMA(p, d, q)(0, 1, 1)[m] as ARIMA(p, d, q)(0, 0, 1)[m] on w = y[t] - y[t - m], (p, q) in 0..2 by AIC."""
    w = y[m:] - y[:-m]

    def fit(order, trend):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ARIMA(w, order=order, seasonal_order=(0, 0, 1, m), trend=trend).fit()

    def integrate(res):
        future = np.asarray(res.forecast(h))
        out = list(y)
        for k in range(h):
            out.append(future[k] + out[len(y) + k - m])
        return np.array(out[len(y):])

    if only is not None:
        order, _, trend = only
        return integrate(fit(order, trend)), only
    d = ndiffs(w)
    trends = ["c", "n"] if d == 0 else ["n"]  # a constant only when d + D = 1, as above
    best = None
    for p in range(3):
        for q in range(3):
            for trend in trends:
                try:
                    res = fit((p, d, q), trend)
                except Exception:
                    continue
                if np.isfinite(res.aic) and (best is None or res.aic < best[0]):
                    best = (res.aic, res, ((p, d, q), (0, 1, 1, m), trend))
    return integrate(best[1]), best[2]


def ets_forecast(y, m, h, only=None):
    """The forecast of the ETS model of lowest AICc (of `only`, a chosen (error, trend, damped, season))."""
    if only is not None:
        error, trend, damped, season = only
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = ETSModel(y, error=error, trend=trend, damped_trend=damped, seasonal=season,
                           seasonal_periods=m if season else None).fit(disp=False, maxiter=2000)
        return np.asarray(res.forecast(h)), only
    positive = y.min() > 0
    best = None
    # Seasons longer than 24 (weekly co2) are not tried, as R's ets refuses them and the tool
    # fits none: 52 initial seasonal states make each statsmodels fit take minutes.
    seasonal = 2 <= m <= 24 and len(y) >= 2 * m + 2
    seasons = [None] + (["add"] + (["mul"] if positive else []) if seasonal else [])
    for error in ["add"] + (["mul"] if positive else []):
        for trend, damped in [(None, False), ("add", False), ("add", True)]:
            for season in seasons:
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        res = ETSModel(y, error=error, trend=trend, damped_trend=damped, seasonal=season,
                                       seasonal_periods=m if season else None).fit(disp=False, maxiter=2000)
                except Exception:
                    continue
                if not np.isfinite(res.aicc):
                    continue
                if best is None or res.aicc < best[0]:
                    best = (res.aicc, res, (error, trend, damped, season))
    return np.asarray(best[1].forecast(h)), best[2]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--series", default=",".join(SERIES))
    parser.add_argument("--hybrid", metavar="BINARY", help="also train and backtest the tool's ES-RNN hybrid ensemble")
    parser.add_argument("--ets-once", action="store_true",
                        help="choose the ETS model at the first origin only (default: by AICc at every origin, as the tool)")
    parser.add_argument("--methods", default="arima,ets", help="which statsmodels methods to run: arima, ets or both")
    parser.add_argument("--long-season", choices=["fourier", "sarima"], default="fourier",
                        help="ARIMA for seasons longer than 24: Fourier terms with ARIMA errors (default) or the bounded seasonal ARIMA")
    args = parser.parse_args()
    global LONG_SEASON
    LONG_SEASON = args.long_season
    methods = set(args.methods.split(","))
    for name in args.series.split(","):
        m, h, count, step, arima_m = SERIES[name]
        y = load(name)
        n = len(y)
        origins = sorted(n - h - k * step for k in range(count))
        first = origins[0]
        lag = m if m < first else 1
        scale = np.mean(np.abs(y[lag:first] - y[:first - lag]))
        errors = {"last value": [], f"seasonal naive (m={m})": [], "ARIMA (AIC)": [], "ETS (AICc)": []}
        chosen = {"ARIMA (AIC)": [], "ETS (AICc)": []}
        start = time.time()
        for origin in origins:
            history, actual = y[:origin], y[origin:origin + h]
            naive = np.repeat(history[-1], h)
            snaive = np.array([history[origin + k - m * (k // m + 1)] for k in range(h)])
            # Orders and model types are chosen at the first origin and refitted (new parameters) at the
            # others: a full search at every origin takes hours on a shared 2-core machine.
            once = origin != origins[0]
            forecasts = [("last value", naive), (f"seasonal naive (m={m})", snaive)]
            if "arima" in methods:
                arima, arima_model = arima_forecast(history, arima_m, h, chosen["ARIMA (AIC)"][0] if once else None)
                chosen["ARIMA (AIC)"].append(arima_model)
                forecasts.append(("ARIMA (AIC)", arima))
            if "ets" in methods:
                ets, ets_model = ets_forecast(history, m, h, chosen["ETS (AICc)"][0] if once and args.ets_once else None)
                chosen["ETS (AICc)"].append(ets_model)
                forecasts.append(("ETS (AICc)", ets))
            for key, f in forecasts:
                errors[key].extend(np.abs(actual - f))
            print(f"  origin {origin}: {time.time() - start:.0f} s", flush=True)
        print(f"{name}: {n} values, {count} origins × horizon {h} (values {first}..<{n}, every {step}); "
              f"MASE scale {scale:.6g} (m={lag}); {time.time() - start:.0f} s")
        for key, e in errors.items():
            if not e:
                continue
            mae = float(np.mean(e))
            print(f"  {key:24s} MAE {mae:10.4f}  MASE {mae / scale:7.4f}")
        for key, models in chosen.items():
            if models:
                print(f"  {key} models: {models}")
        if args.hybrid:
            recommended, mase, coverage = hybrid_backtest(args.hybrid, name)
            for method, value in mase.items():
                print(f"  tool: {method:18s} MASE {value:7.4f}")
            print(f"  tool: recommended {recommended}; 80% interval coverage {coverage:.3f}")
        print(flush=True)


if __name__ == "__main__":
    main()
