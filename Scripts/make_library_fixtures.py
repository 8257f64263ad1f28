#!/usr/bin/env python3
"""Writes the PyTorch-made fixtures of the library's public API (docs/library.md):

  state_dict/   nn.LSTM / nn.GRU state dicts saved by safetensors' save_file, holding the
                weights of the JSON fixtures of the same name (so their outputs are known)
  lstm_proj_*   `kind: recurrent` fixtures (the format of Scripts/make_fixtures.py, read by
                RecurrentParityTests) of nn.LSTM with proj_size; config gains "proj_size"
  *_lengths_*   the same for padded batches run through pack_padded_sequence and
                pad_packed_sequence (enforce_sorted=False); the fixture gains "lengths"
  Examples/LibraryGuide/Fixtures/
                lstmp_bidir.safetensors: the state dict of nn.LSTM(4, 6, num_layers=2,
                bidirectional=True, proj_size=3), and lstmp_bidir_packed.json: a padded batch
                with lengths through it, outputs and every gradient (docs/library.md)

Run from anywhere with a Python that has torch and safetensors:

    /path/to/python Scripts/make_library_fixtures.py

CI never runs this; the tests read what it writes. Deterministic for a given torch version.
"""

import json
import os
import sys

import torch
import torch.nn as nn
from safetensors.torch import save_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import TOL_ABS, TOL_REL, dumps, f9, randn32, tensor_json  # noqa: E402

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


WORST = {}   # fixture -> max |float32 - float64| / (TOL_ABS + TOL_REL·|float64|); must stay <= 1


def make_module(module, input_size, hidden, layers, bias, batch_first, bidir, nonlinearity, proj):
    if module == "LSTM":
        return nn.LSTM(input_size, hidden, layers, bias=bias, batch_first=batch_first, bidirectional=bidir,
                       proj_size=proj)
    if module == "GRU":
        return nn.GRU(input_size, hidden, layers, bias=bias, batch_first=batch_first, bidirectional=bidir)
    return nn.RNN(input_size, hidden, layers, nonlinearity=nonlinearity, bias=bias, batch_first=batch_first,
                  bidirectional=bidir)


def run_module(m, module, x, h0, c0, lengths, batch_first):
    """Output (padded with zeros past each length), h_n, c_n (None unless LSTM)."""
    T = x.shape[1] if batch_first else x.shape[0]
    inp = x
    if lengths is not None:
        inp = nn.utils.rnn.pack_padded_sequence(x, torch.tensor(lengths), batch_first=batch_first,
                                                enforce_sorted=False)
    state = (h0, c0) if module == "LSTM" and h0 is not None else h0
    out, st = m(inp, state)
    if lengths is not None:
        out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=batch_first, total_length=T)
    h_n, c_n = st if module == "LSTM" else (st, None)
    return out, h_n, c_n


def recurrent_fixture(name, module, hidden, layers=1, bias=True, batch_first=False, bidir=False,
                      nonlinearity=None, proj=0, lengths=None, initial_state=False,
                      input_size=3, seq_len=5, batch=3, seed=0, out_dir=FIXTURES):
    """Like make_fixtures.recurrent_fixture, through PyTorch's own modules (proj_size,
    pack_padded_sequence): float64 answers for float32 inputs, gradients by autograd."""
    torch.manual_seed(seed)
    D = 2 if bidir else 1
    P = proj if proj else hidden
    m = make_module(module, input_size, hidden, layers, bias, batch_first, bidir, nonlinearity, proj)
    order = list(m.state_dict().keys())
    x_shape = (batch, seq_len, input_size) if batch_first else (seq_len, batch, input_size)
    x = randn32(*x_shape)
    h0 = c0 = None
    if initial_state:
        h0 = randn32(layers * D, batch, P, scale=0.5)
        if module == "LSTM":
            c0 = randn32(layers * D, batch, hidden, scale=0.5)

    def run(dtype):
        md = make_module(module, input_size, hidden, layers, bias, batch_first, bidir, nonlinearity, proj).to(dtype)
        md.load_state_dict({k: v.to(dtype) for k, v in m.state_dict().items()})
        xs = x.to(dtype).requires_grad_(True)
        hs = None if h0 is None else h0.to(dtype).requires_grad_(True)
        cs = None if c0 is None else c0.to(dtype).requires_grad_(True)
        out, h_n, c_n = run_module(md, module, xs, hs, cs, lengths, batch_first)
        return md, xs, hs, cs, out, h_n, c_n

    md, xs, hs, cs, output, h_n, c_n = run(torch.float64)
    W_o = randn32(*output.shape)
    W_h = randn32(*h_n.shape)
    W_c = randn32(*c_n.shape) if c_n is not None else None

    def loss_and_grads(md, xs, hs, cs, output, h_n, c_n):
        dt = output.dtype
        loss = (output * W_o.to(dt)).sum() + (h_n * W_h.to(dt)).sum()
        if c_n is not None:
            loss = loss + (c_n * W_c.to(dt)).sum()
        wrt = [getattr(md, k) for k in order] + [xs] + [t for t in (hs, cs) if t is not None]
        return loss, torch.autograd.grad(loss, wrt)

    loss, grads = loss_and_grads(md, xs, hs, cs, output, h_n, c_n)
    r32 = run(torch.float32)
    _, g32 = loss_and_grads(*r32)
    pairs = [(r32[4], output), (r32[5], h_n)] + list(zip(g32, grads))
    if c_n is not None:
        pairs.append((r32[6], c_n))
    worst = max(float(((a.double() - b).abs() / (TOL_ABS + TOL_REL * b.abs())).max()) for a, b in pairs)
    WORST[name] = worst
    assert worst <= 1.0, f"{name}: float32 is {worst:.2f} tolerances from the reference"

    gd = {k: tensor_json(g) for k, g in zip(order, grads)}
    gd["input"] = tensor_json(grads[len(order)])
    if h0 is not None:
        gd["h0"] = tensor_json(grads[len(order) + 1])
    if c0 is not None:
        gd["c0"] = tensor_json(grads[len(order) + 2])
    cfg = {"module": module, "input_size": input_size, "hidden_size": hidden, "num_layers": layers,
           "bias": bias, "batch_first": batch_first, "bidirectional": bidir,
           "nonlinearity": nonlinearity if module == "RNN" else None, "peepholes": False, "dropout": 0.0,
           "proj_size": proj}
    doc = {"name": name, "kind": "recurrent", "generator": "Scripts/make_library_fixtures.py",
           "torch_version": torch.__version__.split("+")[0],
           "config": cfg, "seq_len": seq_len, "batch": batch}
    if lengths is not None:
        doc["lengths"] = list(lengths)
    doc.update({
        "input": tensor_json(x, exact=True),
        "h0": None if h0 is None else tensor_json(h0, exact=True),
        "c0": None if c0 is None else tensor_json(c0, exact=True),
        "param_order": order,
        "params": {k: tensor_json(m.state_dict()[k].double(), exact=True) for k in order},
        "output": tensor_json(output),
        "h_n": tensor_json(h_n),
        "c_n": None if c_n is None else tensor_json(c_n),
        "W_o": tensor_json(W_o, exact=True),
        "W_h": tensor_json(W_h, exact=True),
        "W_c": None if W_c is None else tensor_json(W_c, exact=True),
        "loss": f9(loss),
        "grads": gd,
    })
    path = os.path.join(out_dir, name + ".json")
    with open(path, "w") as f:
        f.write(dumps(doc) + "\n")
    print(f"{os.path.getsize(path):8d}  {os.path.relpath(path, ROOT)}   float32 at {worst:.3f} of the tolerance")
    return m, doc


def projection_fixtures():
    R = recurrent_fixture
    R("lstm_proj_1layer", "LSTM", 5, proj=3, seed=61)
    R("lstm_proj_1layer_h0_nobias", "LSTM", 5, proj=2, bias=False, initial_state=True, seed=62)
    R("lstm_proj_2layer_bidir_h0", "LSTM", 4, proj=3, layers=2, bidir=True, initial_state=True, seed=63)
    R("lstm_proj_2layer_batchfirst", "LSTM", 6, proj=2, layers=2, batch_first=True, initial_state=True, seed=64)


def lengths_fixtures():
    R = recurrent_fixture
    R("lstm_lengths_1layer_h0", "LSTM", 5, lengths=[5, 2, 4], initial_state=True, seed=71)
    R("lstm_lengths_2layer_bidir_h0", "LSTM", 4, layers=2, bidir=True, lengths=[3, 5, 1], initial_state=True, seed=72)
    R("lstm_proj_lengths_2layer_bidir_h0", "LSTM", 5, proj=3, layers=2, bidir=True, lengths=[4, 5, 2],
      initial_state=True, seed=73)
    R("lstm_proj_lengths_1layer_bidir_batchfirst", "LSTM", 4, proj=2, bidir=True, batch_first=True, lengths=[2, 6, 6, 3],
      seq_len=6, batch=4, seed=74)
    R("gru_lengths_1layer", "GRU", 5, lengths=[1, 5, 3], seed=75)
    R("gru_lengths_2layer_bidir_h0", "GRU", 4, layers=2, bidir=True, lengths=[5, 3, 2], initial_state=True, seed=76)
    R("rnn_tanh_lengths_2layer_bidir_batchfirst_h0", "RNN", 4, nonlinearity="tanh", layers=2, bidir=True,
      batch_first=True, lengths=[2, 5, 4], initial_state=True, seed=77)
    R("rnn_relu_lengths_1layer_bidir_h0", "RNN", 5, nonlinearity="relu", bidir=True, lengths=[4, 1, 5],
      initial_state=True, seed=78)


def guide_fixtures():
    out = os.path.join(ROOT, "Examples", "LibraryGuide", "Fixtures")
    os.makedirs(out, exist_ok=True)
    m, _ = recurrent_fixture("lstmp_bidir_packed", "LSTM", 6, proj=3, layers=2, bidir=True, lengths=[5, 2, 4, 1],
                             input_size=4, seq_len=5, batch=4, seed=81, out_dir=out)
    path = os.path.join(out, "lstmp_bidir.safetensors")
    save_file({k: v.contiguous() for k, v in m.state_dict().items()}, path)
    print(f"{os.path.getsize(path):8d}  {os.path.relpath(path, ROOT)}")


if __name__ == "__main__":
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    groups = sys.argv[1:] or ["state_dict", "projection", "lengths", "guide"]
    if "state_dict" in groups:
        state_dict_fixtures()
    if "projection" in groups:
        projection_fixtures()
    if "lengths" in groups:
        lengths_fixtures()
    if "guide" in groups:
        guide_fixtures()
