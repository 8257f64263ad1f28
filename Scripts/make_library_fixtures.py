#!/usr/bin/env python3
"""Writes the PyTorch-made fixtures of the library's public API (docs/library.md):

  state_dict/   nn.LSTM / nn.GRU state dicts saved by safetensors' save_file, holding the
                weights of the JSON fixtures of the same name (so their outputs are known)

Run from anywhere with a Python that has torch and safetensors:

    /path/to/python Scripts/make_library_fixtures.py

CI never runs this; the tests read what it writes. Deterministic for a given torch version.
"""

import json
import os

import torch
import torch.nn as nn
from safetensors.torch import save_file

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "Tests", "RecurrentTests", "Fixtures")


def module_from_fixture(name):
    """The nn module of a `kind: recurrent` JSON fixture, with the fixture's float32 weights."""
    with open(os.path.join(FIXTURES, name + ".json")) as f:
        doc = json.load(f)
    c = doc["config"]
    cls = {"LSTM": nn.LSTM, "GRU": nn.GRU}[c["module"]]
    m = cls(c["input_size"], c["hidden_size"], c["num_layers"], bias=c["bias"],
            batch_first=c["batch_first"], bidirectional=c["bidirectional"])
    with torch.no_grad():
        for k, t in doc["params"].items():
            getattr(m, k).copy_(torch.tensor(t["data"], dtype=torch.float32).reshape(t["shape"]))
    return m


def state_dict_fixtures():
    out = os.path.join(FIXTURES, "state_dict")
    os.makedirs(out, exist_ok=True)
    for name in ("lstm_2layer_bidir", "gru_2layer_bidir"):
        m = module_from_fixture(name)
        path = os.path.join(out, name + ".safetensors")
        save_file({k: v.contiguous() for k, v in m.state_dict().items()}, path)
        print(f"{os.path.getsize(path):8d}  {os.path.relpath(path, ROOT)}")


if __name__ == "__main__":
    state_dict_fixtures()
