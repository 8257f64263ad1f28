#!/usr/bin/env python3
"""Reference values for RecurrentSeries' ARIMA (Sources/RecurrentSeries/Statistics/ARIMA*.swift).

Writes Tests/RecurrentSeriesTests/Fixtures/arima.json. For each bundled series (read and
gap-filled as `recurrent forecast` reads it: linear interpolation):

- kpss: statsmodels' KPSS level statistic (`kpss(x, "c", nlags=l)`, l = floor(3 sqrt(n) / 13))
  of the series and of its first difference; kpssAuto: the statistic and the lag count with
  statsmodels' default `nlags="auto"` (Hobijn et al. 1998), which the ARIMA search uses;
- seasonal strength: 1 - var(R)/var(S + R) from statsmodels' classical additive
  `seasonal_decompose` (centred moving average), where R and S are defined;
- ar: for AR(p) on the series (d = 0, with mean) and on its first difference (d = 1, with
  drift), the conditional-least-squares optimum, which for a pure AR model is ordinary least
  squares of w_t on 1, w_{t-1}, ..., w_{t-p} over t >= conditioning: its SSE, the coefficients,
  mu = c / (1 - sum phi), and statsmodels' ARIMA forecast of the series at exactly those
  parameters (`ARIMA(...).filter(params).forecast`), which for a pure AR model depends only on
  the last p values and so must equal the CSS recursion's forecast;
- arma: for ARMA(p, q) orders, the CSS SSE found by scipy's least_squares on an independent
  implementation of the recursion from several starting points (a bound the Swift fit must
  reach);
- exact: for a few seasonal and non-seasonal orders, statsmodels' ARIMA fitted by exact
  maximum likelihood (Kalman filter, the differencing in the state with a diffuse start): its
  coefficients in the tool's convention (the constant as the mean of the differenced series:
  statsmodels' drift per step times 1, or m after a seasonal difference), its log-likelihood
  with sigma^2 concentrated out at those coefficients (`concentrate_scale=True`), which the
  tool's Kalman filter on the differenced series must reproduce, and its forecast from them;
  and its optimum's log-likelihood, which the tool's fit must reach.

Usage (from the repository root; needs numpy, pandas, scipy and statsmodels):
    python Scripts/make_arima_fixtures.py [--exact-only]

--exact-only recomputes only the "exact" entries and keeps the others of the existing fixture
(the CSS references' scipy searches take most of the run's time).
"""
import argparse
import json
import math
import os
import warnings

import numpy as np
import pandas as pd
from scipy.optimize import least_squares
from statsmodels.tsa.arima.model import ARIMA
from statsmodels.tsa.seasonal import seasonal_decompose
from statsmodels.tsa.stattools import kpss

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "RecurrentSeriesTests", "Fixtures", "arima.json")

# name, season m
SERIES = [("co2", 52), ("elec_equip", 12), ("elnino", 12), ("AirPassengers", 12), ("lynx", 9)]
CONDITIONING = 6
H = 12


def load(name):
    path = os.path.join(ROOT, "Data", name + ".csv")
    table = pd.read_csv(path)
    if name == "elnino":
        return table.iloc[:, 1:].to_numpy(dtype=float).ravel()
    values = pd.to_numeric(table.iloc[:, 1], errors="coerce")
    return values.interpolate(limit_direction="both").to_numpy(dtype=float)


def kpss_statistic(x):
    lags = int(3 * math.sqrt(len(x)) / 13)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(kpss(x, regression="c", nlags=lags)[0])


def kpss_auto(x):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        statistic, _, lags, _ = kpss(x, regression="c", nlags="auto")
    return [float(statistic), int(lags)]


def seasonal_strength(y, m):
    res = seasonal_decompose(y, model="additive", period=m, two_sided=True)
    ok = ~np.isnan(res.resid)
    r, s = res.resid[ok], res.seasonal[ok]
    return max(0.0, 1 - np.var(r) / np.var(r + s))


def ar_fixture(y, p, d):
    w = np.diff(y, n=d) if d else y
    rows = np.arange(CONDITIONING, len(w))
    design = np.column_stack([np.ones(len(rows))] + [w[rows - k] for k in range(1, p + 1)])
    coef, *_ = np.linalg.lstsq(design, w[rows], rcond=None)
    resid = w[rows] - design @ coef
    phi = coef[1:]
    mu = coef[0] / (1 - phi.sum())
    # statsmodels: trend "c" (d = 0) is the mean, trend "t" (d = 1) the drift of the differences.
    model = ARIMA(y, order=(p, d, 0), trend="c" if d == 0 else "t")
    params = np.concatenate([[mu], phi, [np.mean(resid ** 2)]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        forecast = model.filter(params).forecast(H)
    return {"p": p, "d": d, "conditioning": CONDITIONING, "sse": float(resid @ resid), "ar": [float(v) for v in phi],
            "constant": float(mu), "forecast": [float(v) for v in np.asarray(forecast)]}


def css_errors(w, phi, theta, mu, start):
    e = np.zeros(len(w))
    for t in range(start, len(w)):
        v = w[t] - mu
        for i, a in enumerate(phi, 1):
            v -= a * (w[t - i] - mu)
        for j, b in enumerate(theta, 1):
            if t - j >= 0:
                v -= b * e[t - j]
        e[t] = v
    return e[start:]


def arma_fixture(y, p, q):
    best = None
    rng = np.random.default_rng(0)
    for attempt in range(6):
        x0 = np.concatenate([rng.uniform(-0.5, 0.5, p + q) if attempt else np.zeros(p + q), [y.mean()]])
        res = least_squares(lambda x: css_errors(y, x[:p], x[p:p + q], x[-1], CONDITIONING), x0, method="lm",
                            max_nfev=20000)
        phi, theta = res.x[:p], res.x[p:p + q]
        stationary = np.all(np.abs(np.roots(np.r_[1, -phi])) < 1) if p else True
        invertible = np.all(np.abs(np.roots(np.r_[1, theta])) < 1) if q else True
        sse = float(2 * res.cost)
        if stationary and invertible and (best is None or sse < best):
            best = sse
    return {"p": p, "q": q, "conditioning": CONDITIONING, "sse": best}


# name: [(order, seasonal order, trend)], trend "c" a mean (d + D = 0), "t" a drift (d + D = 1).
EXACT = {
    "co2": [((2, 1, 1), (0, 0, 0, 0), "t")],
    "elec_equip": [((2, 0, 2), (0, 1, 1, 12), "n"), ((1, 0, 1), (0, 1, 1, 12), "t")],
    "elnino": [((1, 0, 1), (1, 0, 1, 12), "c"), ((2, 0, 0), (0, 1, 1, 12), "n")],
    "AirPassengers": [((0, 1, 1), (0, 1, 1, 12), "n"), ((2, 1, 1), (0, 1, 0, 12), "n")],
    "lynx": [((2, 0, 1), (0, 0, 0, 0), "c"), ((4, 0, 0), (0, 0, 0, 0), "c")],
}


def exact_fixture(y, order, seasonal_order, trend):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = ARIMA(y, order=order, seasonal_order=seasonal_order, trend=trend).fit()
        names = res.model.param_names
        params = dict(zip(names, res.params))
        concentrated = ARIMA(y, order=order, seasonal_order=seasonal_order, trend=trend, concentrate_scale=True)
        without_scale = [params[n] for n in concentrated.param_names]
        loglike = float(concentrated.loglike(np.array(without_scale)))
        forecast = np.asarray(res.forecast(H))
    p, d, q = order
    P, D, Q, m = seasonal_order
    constant = 0.0
    if trend == "c":
        constant = params["const"]
    elif trend == "t":
        constant = params["x1"] * (m if D else 1)
    return {"order": [p, d, q, P, D, Q, m], "includesConstant": trend != "n",
            "ar": [float(params[f"ar.L{i}"]) for i in range(1, p + 1)],
            "seasonalAR": [float(params[f"ar.S.L{m * i}"]) for i in range(1, P + 1)],
            "ma": [float(params[f"ma.L{i}"]) for i in range(1, q + 1)],
            "seasonalMA": [float(params[f"ma.S.L{m * i}"]) for i in range(1, Q + 1)],
            "constant": float(constant), "logLikelihood": loglike, "fittedLogLikelihood": float(res.llf),
            "forecast": [float(v) for v in forecast]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--exact-only", action="store_true", help="recompute only the exact-likelihood entries")
    args = parser.parse_args()
    fixtures = {}
    if args.exact_only:
        with open(OUT) as f:
            fixtures = json.load(f)
    for name, m in SERIES:
        y = load(name)
        if args.exact_only:
            fixtures[name]["exact"] = [exact_fixture(y, *spec) for spec in EXACT[name]]
            print(f"{name}: exact log L " + ", ".join(f"{e['logLikelihood']:.4f}" for e in fixtures[name]["exact"]),
                  flush=True)
            continue
        entry = {"count": int(len(y)), "period": m,
                 "kpss": [kpss_statistic(y), kpss_statistic(np.diff(y))],
                 "kpssAuto": [kpss_auto(y), kpss_auto(np.diff(y)), kpss_auto(y[m:] - y[:-m])],
                 "seasonalStrength": seasonal_strength(y, m),
                 "ar": [ar_fixture(y, p, d) for d in (0, 1) for p in (1, 2, 3)],
                 "arma": [arma_fixture(y, p, q) for (p, q) in [(1, 1), (2, 1)] if name in ("lynx", "elec_equip")],
                 "exact": [exact_fixture(y, *spec) for spec in EXACT[name]]}
        fixtures[name] = entry
        print(f"{name}: KPSS {entry['kpss'][0]:.4f} / {entry['kpss'][1]:.4f}, seasonal strength "
              f"{entry['seasonalStrength']:.4f}")
    with open(OUT, "w") as f:
        json.dump(fixtures, f, indent=1)
        f.write("\n")
    print("wrote", os.path.relpath(OUT, ROOT))


if __name__ == "__main__":
    main()
