#!/usr/bin/env python3
"""Reference values for RecurrentSeries' ARIMA (Sources/RecurrentSeries/Statistics/ARIMA*.swift).

Writes Tests/RecurrentSeriesTests/Fixtures/arima.json. For each bundled series (read and
gap-filled as `recurrent forecast` reads it: linear interpolation):

- kpss: statsmodels' KPSS level statistic (`kpss(x, "c", nlags=l)`, l = floor(3 sqrt(n) / 13))
  of the series and of its first difference;
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
  reach).

Usage (from the repository root; needs numpy, pandas, scipy and statsmodels):
    python Scripts/make_arima_fixtures.py
"""
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


def main():
    fixtures = {}
    for name, m in SERIES:
        y = load(name)
        entry = {"count": int(len(y)), "period": m,
                 "kpss": [kpss_statistic(y), kpss_statistic(np.diff(y))],
                 "seasonalStrength": seasonal_strength(y, m),
                 "ar": [ar_fixture(y, p, d) for d in (0, 1) for p in (1, 2, 3)],
                 "arma": [arma_fixture(y, p, q) for (p, q) in [(1, 1), (2, 1)] if name in ("lynx", "elec_equip")]}
        fixtures[name] = entry
        print(f"{name}: KPSS {entry['kpss'][0]:.4f} / {entry['kpss'][1]:.4f}, seasonal strength "
              f"{entry['seasonalStrength']:.4f}")
    with open(OUT, "w") as f:
        json.dump(fixtures, f, indent=1)
        f.write("\n")
    print("wrote", os.path.relpath(OUT, ROOT))


if __name__ == "__main__":
    main()
