#!/usr/bin/env python3
"""Loads a `recurrent forecast`/`recurrent classify` checkpoint into the equivalent PyTorch
module and checks that it reproduces Recurrent's output.

    python Scripts/check_series_checkpoint.py forecast CHECKPOINT BACKTEST.csv DATA.csv
    python Scripts/check_series_checkpoint.py classify CHECKPOINT PREDICTIONS.csv DATA.csv

forecast: BACKTEST.csv is written by `recurrent forecast predict CHECKPOINT DATA.csv --backtest
--output BACKTEST.csv`; the script encodes the same window in numpy (the series read with the
Python csv module, gaps interpolated), runs the module and compares the forecasts.
classify: PREDICTIONS.csv is written by `recurrent classify predict CHECKPOINT DATA.csv`
(numeric data); the script standardises the rows with the stored statistics, runs the module
and compares the predicted classes and probabilities.

Needs torch, safetensors and numpy (not CI). Exits 1 on a mismatch beyond 1e-4 (relative to
the scale of the values) and prints the largest difference.
"""
import csv
import json
import sys

import numpy as np
import torch
from safetensors import safe_open
from safetensors.torch import load_file


class Forecaster(torch.nn.Module):
    """LSTM over the lookback window (time-major), last hidden state -> Linear to H outputs."""

    def __init__(self, features, hidden, layers, horizon, cell="lstm"):
        super().__init__()
        rnn = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[cell]
        self.rnn = rnn(features, hidden, layers)
        self.head = torch.nn.Linear(hidden, horizon)

    def forward(self, x):  # x (L, B, F)
        out, _ = self.rnn(x)
        return self.head(out[-1])  # (B, H)


class Classifier(torch.nn.Module):
    """[Embedding ->] RNN -> last hidden state or mean over time -> Linear to C classes."""

    def __init__(self, features, hidden, layers, classes, bidirectional=False, pooling="last",
                 vocabulary=None, cell="lstm"):
        super().__init__()
        self.embedding = torch.nn.Embedding(vocabulary, features) if vocabulary else None
        rnn = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[cell]
        self.rnn = rnn(features, hidden, layers, bidirectional=bidirectional)
        self.head = torch.nn.Linear(hidden * (2 if bidirectional else 1), classes)
        self.hidden, self.bidirectional, self.pooling = hidden, bidirectional, pooling

    def forward(self, x):  # x (T, B, F), or token ids (T, B)
        if self.embedding is not None:
            x = self.embedding(x)
        out, _ = self.rnn(x)  # (T, B, D*H)
        if self.pooling == "mean":
            features = out.mean(0)
        elif self.bidirectional:  # forward direction after step T-1, reverse after step 0
            features = torch.cat([out[-1, :, :self.hidden], out[0, :, self.hidden:]], 1)
        else:
            features = out[-1]
        return self.head(features)


def metadata(path):
    with safe_open(path, framework="pt") as f:
        return {k: json.loads(v) if k != "format" else v for k, v in (f.metadata() or {}).items()}


def read_series(path, column):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header, rows = rows[0], [r for r in rows[1:] if any(c.strip() for c in r)]
    index = header.index(column)
    values = np.array([float(r[index]) if index < len(r) and r[index].strip() else np.nan for r in rows])
    known = ~np.isnan(values)
    positions = np.arange(len(values))
    return np.interp(positions, positions[known], values[known])  # linear inside, flat at the ends


def check_forecast(checkpoint, backtest_csv, data_csv):
    meta = metadata(checkpoint)
    config, enc = meta["model"], meta["encoding"]
    model = Forecaster(config["inputSize"], config["hiddenSize"], config["numLayers"], config["horizon"], config["cell"])
    model.load_state_dict(load_file(checkpoint))
    model.eval()
    y = read_series(data_csv, meta["source"]["column"])
    with open(backtest_csv, newline="") as f:
        ours = np.array([float(r["forecast"]) for r in csv.DictReader(f)])
    h = len(ours)
    t, lookback, scale = len(y) - h, enc["lookback"], enc["scale"]
    reference, m = enc["reference"], enc.get("season")
    mean = enc["standardizer"]["mean"][0]
    anchor = mean if reference == "mean" else y[t - 1]
    window = np.arange(t - lookback, t)
    features = [(y[window] - anchor) / scale]
    if reference == "seasonal":
        features.append(np.where(window >= m, (y[window] - y[np.maximum(window - m, 0)]) / scale, 0.0))
    x = torch.tensor(np.stack(features, 1)[:, None, :], dtype=torch.float32)  # (L, 1, F)
    with torch.no_grad():
        out = model(x)[0].numpy().astype(np.float64)
    steps = np.arange(config["horizon"])
    if reference == "seasonal":
        refs = y[t + steps - m * (steps // m + 1)]
    else:
        refs = np.full(config["horizon"], anchor)
    theirs = (refs + scale * out)[:h]
    return np.max(np.abs(theirs - ours)) / max(1.0, np.max(np.abs(ours)))


def check_classify(checkpoint, predictions_csv, data_csv):
    meta = metadata(checkpoint)
    config, spec = meta["model"], meta["input"]
    if spec["kind"] != "numeric":
        sys.exit("only numeric classifiers are checked by this script")
    model = Classifier(config["inputSize"], config["hiddenSize"], config["numLayers"], config["classCount"],
                       config["bidirectional"], config["pooling"], config.get("vocabularySize"), config["cell"])
    model.load_state_dict(load_file(checkpoint))
    model.eval()
    steps, features = spec["steps"], spec["features"]
    with open(data_csv, newline="") as f:
        rows = [r for r in csv.reader(f) if r]
    try:
        [float(c) for c in rows[0][:steps * features]]
    except ValueError:
        rows = rows[1:]  # a header
    x = np.array([[float(c) for c in r[:steps * features]] for r in rows]).reshape(len(rows), steps, features)
    mean = np.array(spec["standardizer"]["mean"])
    sd = np.array(spec["standardizer"]["standardDeviation"])
    x = torch.tensor(((x - mean) / sd).transpose(1, 0, 2), dtype=torch.float32)  # (T, B, F)
    with torch.no_grad():
        p = torch.softmax(model(x), 1).numpy()
    with open(predictions_csv, newline="") as f:
        ours = list(csv.DictReader(f))
    names = spec["classNames"]
    labels = [names[i] for i in p.argmax(1)]
    disagreements = sum(a != r["predicted"] for a, r in zip(labels, ours))
    if disagreements:
        print(f"{disagreements} predicted classes differ")
        return float("inf")
    return max(abs(p[i].max() - float(r["probability"])) for i, r in enumerate(ours))


def main():
    if len(sys.argv) != 5 or sys.argv[1] not in ("forecast", "classify"):
        sys.exit(__doc__)
    kind, checkpoint, ours, data = sys.argv[1:]
    difference = (check_forecast if kind == "forecast" else check_classify)(checkpoint, ours, data)
    print(f"largest difference: {difference:.3g}")
    # Probabilities are printed with 4 decimals, forecasts with 6.
    sys.exit(0 if difference <= (1e-4 if kind == "forecast" else 6e-5) else 1)


if __name__ == "__main__":
    main()
