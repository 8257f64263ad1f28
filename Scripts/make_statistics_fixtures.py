#!/usr/bin/env python3
"""Reference values from statsmodels for RecurrentSeries' ETS and theta methods.

Writes Tests/RecurrentSeriesTests/Fixtures/statistics.json. For each bundled series (read and
gap-filled as `recurrent forecast` reads it: linear interpolation), and each additive-error ETS
model statsmodels' ETSModel fits (error additive, and multiplicative for positive series;
trend none/additive/damped, season none/additive/multiplicative), it records the fitted parameters, initial states, log-likelihood, AICc and
forecasts; and statsmodels' ThetaModel (theta 2, classical seasonal adjustment when its test
finds a season) forecasts with its alpha and slope.

Usage (from the repository root; needs numpy, pandas and statsmodels):
    python Scripts/make_statistics_fixtures.py
"""
import json
import os
import warnings

import numpy as np
import pandas as pd
from statsmodels.tsa.exponential_smoothing.ets import ETSModel
from statsmodels.tsa.forecasting.theta import ThetaModel

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "RecurrentSeriesTests", "Fixtures", "statistics.json")

# name, period, the longest season ETS fits here (RecurrentSeries' limit: 24)
SERIES = [("co2", 52), ("elec_equip", 12), ("elnino", 12), ("AirPassengers", 12), ("lynx", 10)]
MAX_ETS_SEASON = 24


def load(name):
    path = os.path.join(ROOT, "Data", name + ".csv")
    if name == "elnino":
        table = pd.read_csv(path)
        return table.iloc[:, 1:].to_numpy(dtype=float).ravel()
    table = pd.read_csv(path)
    values = pd.to_numeric(table.iloc[:, 1], errors="coerce")
    return values.interpolate(limit_direction="both").to_numpy(dtype=float)


def filter_ets(y, trend, season, m, p):
    """One-step predictions; RecurrentSeries' convention: seasonal[j] is the state used at step j."""
    level, slope = p["level"], p["trend"]
    phi = p["phi"] if trend == "damped" else 1.0
    ring = list(p["seasonal"])
    fitted = np.empty(len(y))
    for t, v in enumerate(y):
        base = level + phi * slope
        s = ring[t % m] if season != "none" else 0.0
        yhat = base * s if season == "multiplicative" else base + s
        e = v - yhat
        fitted[t] = yhat
        if season == "multiplicative":
            level = base + p["alpha"] * e / s
            slope = phi * slope + p["beta"] * e / s
            # statsmodels' (Holt-Winters) seasonal update: γ*·y/ℓ(t) + (1 − γ*)·s, γ* = γ/(1 − α)
            gamma_star = p["gamma"] / (1 - p["alpha"])
            ring[t % m] = gamma_star * v / level + (1 - gamma_star) * s
        else:
            level = base + p["alpha"] * e
            slope = phi * slope + p["beta"] * e
            if season == "additive":
                ring[t % m] = s + p["gamma"] * e
        if trend == "none":
            slope = 0.0
    return fitted


def ets_fixtures(y, m):
    out = []
    seasons = ["none"]
    if 2 <= m <= MAX_ETS_SEASON and len(y) >= 2 * m + 2:
        seasons += ["additive"] + (["multiplicative"] if y.min() > 0 else [])
    errors = ["additive"] + (["multiplicative"] if y.min() > 0 else [])
    for error, season, trend in [(e, s, t) for e in errors for s in seasons for t in ["none", "additive", "damped"]]:
        model = ETSModel(y, error={"additive": "add", "multiplicative": "mul"}[error],
                         trend=None if trend == "none" else "add", damped_trend=trend == "damped",
                         seasonal={"none": None, "additive": "add", "multiplicative": "mul"}[season],
                         seasonal_periods=m if season != "none" else None)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = model.fit(disp=False, maxiter=10000)
        p = {"alpha": float(res.smoothing_level),
             "beta": float(res.smoothing_trend) if trend != "none" else 0.0,
             "gamma": float(res.smoothing_seasonal) if season != "none" else 0.0,
             "phi": float(res.damping_trend) if trend == "damped" else 1.0,
             "level": float(res.initial_level),
             "trend": float(res.initial_trend) if trend != "none" else 0.0}
        period = m if season != "none" else 1
        if season != "none":
            # statsmodels lists initial_seasonal as s(-1), s(-2), …, s(-m): reversed, the
            # first is the state used at step 0.
            candidates = [np.asarray(res.initial_seasonal)[::-1], np.asarray(res.initial_seasonal)]
        else:
            candidates = [np.zeros(1)]
        fitted_sm = np.asarray(res.fittedvalues)
        for seasonal in candidates:
            p["seasonal"] = [float(v) for v in seasonal]
            if np.allclose(filter_ets(y, trend, season, period, p), fitted_sm, rtol=1e-8, atol=1e-8):
                break
        else:
            raise SystemExit(f"cannot reproduce statsmodels' fitted values for {trend}/{season}")
        h = 2 * max(m, 4)
        out.append({"error": error, "trend": trend, "season": season, "period": period, "parameters": p,
                    "logLikelihood": float(res.llf), "aicc": float(res.aicc), "parameterCount": int(res.df_model),
                    "forecast": [float(v) for v in np.asarray(res.forecast(h))]})
    return out


def theta_fixture(y, m):
    res = ThetaModel(y, period=m).fit()
    h = 2 * max(m, 4)
    model = res.model
    return {"period": m, "deseasonalized": bool(model._has_seasonality) if model.deseasonalize else False,
            "method": model.method, "alpha": float(res.params.iloc[1]), "b0": float(res.params.iloc[0]),
            "forecast": [float(v) for v in np.asarray(res.forecast(h))]}


def main():
    fixtures = {}
    for name, m in SERIES:
        y = load(name)
        fixtures[name] = {"count": int(len(y)), "period": m, "ets": ets_fixtures(y, m), "theta": theta_fixture(y, m)}
        best = min(fixtures[name]["ets"], key=lambda e: e["aicc"])
        print(f"{name}: {len(y)} values; ETS by AICc: {best['trend']}/{best['season']} (AICc {best['aicc']:.3f}); "
              f"theta alpha {fixtures[name]['theta']['alpha']:.4f}")
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(fixtures, f, indent=1)
        f.write("\n")
    print("wrote", os.path.relpath(OUT, ROOT))


if __name__ == "__main__":
    main()
