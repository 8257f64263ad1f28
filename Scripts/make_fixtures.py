#!/usr/bin/env python3
"""Writes the PyTorch reference fixtures in Tests/RecurrentTests/Fixtures/.

Run from anywhere, with a Python that has torch and numpy:

    /path/to/python Scripts/make_fixtures.py

CI never runs this; it only reads the JSON files it writes (see Fixtures/README.md).

Precision: every input, parameter, initial state, loss weight and gradient fed to an optimizer
is drawn in float32 (so it is exactly representable in Float) and written with the shortest
decimal that round-trips a float32. All computation then runs in float64, and every computed
value (outputs, states, losses, gradients, updated parameters, optimizer state) is written
rounded to 9 significant digits. The fixtures are therefore the exact answer for float32
inputs; a float32 implementation differs from them only by its own rounding.

Deterministic: fixed seeds per fixture, deterministic CPU kernels; re-running rewrites
byte-identical files (for the same torch version).
"""

import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "RecurrentTests", "Fixtures")

torch.use_deterministic_algorithms(True)
torch.set_num_threads(1)

# ---------------------------------------------------------------------------------------------
# Serialisation


def f32_exact(x):
    """Shortest decimal that round-trips the float32 value x (x is already float32-representable)."""
    return float(str(np.float32(x)))


def f9(x):
    """A computed (float64) value rounded to 9 significant digits."""
    x = float(x.detach()) if torch.is_tensor(x) else float(x)
    if x == 0.0 or not math.isfinite(x):
        return x if math.isfinite(x) else None
    return float("%.9g" % x)


def tensor_json(t, exact=False):
    """{shape, data}: data flat in row-major order. exact=True for float32-representable inputs."""
    t = t.detach()
    if t.dtype in (torch.int64, torch.int32):
        return {"shape": list(t.shape), "data": [int(v) for v in t.reshape(-1).tolist()]}
    vals = t.to(torch.float64).reshape(-1).tolist()
    if exact:
        for v in vals:
            assert float(np.float32(v)) == v, "input not float32-representable"
        data = [f32_exact(v) for v in vals]
    else:
        data = [f9(v) for v in vals]
    return {"shape": list(t.shape), "data": data}


def dumps(obj, indent=0):
    """JSON with objects indented and number arrays kept on one line (small, diff-friendly)."""
    pad = "  " * indent
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        items = [f'{pad}  {json.dumps(k)}: {dumps(v, indent + 1)}' for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, list):
        if all(not isinstance(v, (dict, list)) for v in obj):
            return "[" + ",".join(json.dumps(v) for v in obj) + "]"
        items = [f"{pad}  {dumps(v, indent + 1)}" for v in obj]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    if isinstance(obj, float):
        assert math.isfinite(obj)
        s = repr(obj)
        return s[:-2] if s.endswith(".0") and "e" not in s else s
    return json.dumps(obj)


WRITTEN = []
FLOAT32_WORST = {}   # fixture -> max |float32 - reference| / (TOL_ABS + TOL_REL·|reference|)
TOL_ABS, TOL_REL = 1e-5, 1e-4   # the tolerance Fixtures/README.md suggests for Float32 code


def write(name, kind, body):
    doc = {"name": name, "kind": kind,
           "generator": "Scripts/make_fixtures.py", "torch_version": torch.__version__.split("+")[0]}
    doc.update(body)
    path = os.path.join(OUT, name + ".json")
    with open(path, "w") as f:
        f.write(dumps(doc) + "\n")
    WRITTEN.append((name, os.path.getsize(path)))


def randn32(*shape, scale=1.0):
    """Standard normal draws in float32 (then scaled in float32), returned as float64."""
    return (torch.randn(*shape, dtype=torch.float32) * scale).to(torch.float32).double()


# ---------------------------------------------------------------------------------------------
# Hand-written recurrent reference (float64). Used for the peephole LSTM, which PyTorch lacks,
# and checked against nn.LSTM / nn.GRU / nn.RNN for the others so that the one code path that
# defines the peephole fixtures is itself proven against PyTorch.


def lstm_cell(x, h, c, p, sfx, peep):
    gates = x @ p["weight_ih" + sfx].T + h @ p["weight_hh" + sfx].T
    if ("bias_ih" + sfx) in p:
        gates = gates + p["bias_ih" + sfx] + p["bias_hh" + sfx]
    i, f, g, o = gates.chunk(4, dim=1)
    if peep:
        i = i + p["weight_ci" + sfx] * c          # input gate sees c(t-1)
        f = f + p["weight_cf" + sfx] * c          # forget gate sees c(t-1)
    i, f, g = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g)
    c_new = f * c + i * g
    if peep:
        o = o + p["weight_co" + sfx] * c_new      # output gate sees c(t)
    o = torch.sigmoid(o)
    h_new = o * torch.tanh(c_new)
    return h_new, c_new, None


def gru_cell(x, h, c, p, sfx, _peep):
    gi = x @ p["weight_ih" + sfx].T
    gh = h @ p["weight_hh" + sfx].T
    if ("bias_ih" + sfx) in p:
        gi = gi + p["bias_ih" + sfx]
        gh = gh + p["bias_hh" + sfx]
    ir, iz, inn = gi.chunk(3, dim=1)
    hr, hz, hn = gh.chunk(3, dim=1)
    r = torch.sigmoid(ir + hr)
    z = torch.sigmoid(iz + hz)
    n = torch.tanh(inn + r * hn)                  # b_hn stays inside the reset product
    return (1 - z) * n + z * h, None, None


def rnn_cell(nonlinearity):
    def cell(x, h, c, p, sfx, _peep):
        pre = x @ p["weight_ih" + sfx].T + h @ p["weight_hh" + sfx].T
        if ("bias_ih" + sfx) in p:
            pre = pre + p["bias_ih" + sfx] + p["bias_hh" + sfx]
        out = torch.tanh(pre) if nonlinearity == "tanh" else torch.relu(pre)
        return out, None, pre
    return cell


def run_reference(cfg, x_tm, h0, c0, p):
    """x_tm: (T, B, I) time-major. Returns output (T, B, D*H), h_n, c_n (L*D, B, H), pre-activations."""
    mod, L, H = cfg["module"], cfg["num_layers"], cfg["hidden_size"]
    D = 2 if cfg["bidirectional"] else 1
    T, B = x_tm.shape[0], x_tm.shape[1]
    cell = {"LSTM": lstm_cell, "GRU": gru_cell}.get(mod) or rnn_cell(cfg["nonlinearity"])
    peep = cfg["peepholes"]
    zeros = torch.zeros(L * D, B, H, dtype=x_tm.dtype)
    h0 = zeros if h0 is None else h0
    c0 = zeros if c0 is None else c0
    layer_in = x_tm
    hn, cn, pres = [], [], []
    for l in range(L):
        outs = []
        for d in range(D):
            sfx = f"_l{l}" + ("_reverse" if d == 1 else "")
            h, c = h0[l * D + d], c0[l * D + d]
            ys = [None] * T
            steps = range(T) if d == 0 else range(T - 1, -1, -1)
            for t in steps:
                h, c_new, pre = cell(layer_in[t], h, c, p, sfx, peep)
                c = c_new if c_new is not None else c
                if pre is not None:
                    pres.append(pre)
                ys[t] = h
            outs.append(torch.stack(ys))
            hn.append(h)
            cn.append(c)
        layer_in = torch.cat(outs, dim=2)
    return layer_in, torch.stack(hn), torch.stack(cn), pres


# ---------------------------------------------------------------------------------------------
# Recurrent-layer fixtures


def recurrent_fixture(name, module, hidden, layers=1, bias=True, batch_first=False, bidir=False,
                      nonlinearity=None, peepholes=False, initial_state=False,
                      input_size=3, seq_len=5, batch=2, seed=0):
    torch.manual_seed(seed)
    cfg = {"module": module, "input_size": input_size, "hidden_size": hidden, "num_layers": layers,
           "bias": bias, "batch_first": batch_first, "bidirectional": bidir,
           "nonlinearity": nonlinearity if module == "RNN" else None,
           "peepholes": peepholes, "dropout": 0.0}
    D = 2 if bidir else 1
    # Parameters: PyTorch's own default initialisation U(±1/sqrt(H)) in float32.
    if module == "LSTM":
        m = nn.LSTM(input_size, hidden, layers, bias=bias, batch_first=batch_first, bidirectional=bidir)
    elif module == "GRU":
        m = nn.GRU(input_size, hidden, layers, bias=bias, batch_first=batch_first, bidirectional=bidir)
    else:
        m = nn.RNN(input_size, hidden, layers, nonlinearity=nonlinearity, bias=bias,
                   batch_first=batch_first, bidirectional=bidir)
    params = {k: v.detach().clone() for k, v in m.state_dict().items()}
    if peepholes:
        # Peephole weights, shape (H), same U(±1/sqrt(H)) init, inserted after each layer/direction's tensors.
        k = 1.0 / math.sqrt(hidden)
        ordered = {}
        for l in range(layers):
            for d in range(D):
                sfx = f"_l{l}" + ("_reverse" if d == 1 else "")
                for base in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                    if base + sfx in params:
                        ordered[base + sfx] = params[base + sfx]
                for g in ("ci", "cf", "co"):
                    ordered[f"weight_{g}" + sfx] = torch.empty(hidden).uniform_(-k, k)
        params = ordered
    order = list(params.keys())
    params = {k: v.double().requires_grad_(True) for k, v in params.items()}

    x_shape = (batch, seq_len, input_size) if batch_first else (seq_len, batch, input_size)
    x = randn32(*x_shape).requires_grad_(True)
    h0 = c0 = None
    if initial_state:
        h0 = randn32(layers * D, batch, hidden, scale=0.5).requires_grad_(True)
        if module == "LSTM":
            c0 = randn32(layers * D, batch, hidden, scale=0.5).requires_grad_(True)

    x_tm = x.transpose(0, 1) if batch_first else x
    out_tm, h_n, c_n, pres = run_reference(cfg, x_tm, h0, c0, params)
    output = out_tm.transpose(0, 1) if batch_first else out_tm

    if not peepholes:
        # The hand-written reference must agree with PyTorch's module (in float64).
        md = m.double()
        with torch.no_grad():
            for k in order:
                getattr(md, k).copy_(params[k])
        if module == "LSTM":
            state = None if h0 is None else (h0, c0)
            ref_out, (ref_h, ref_c) = md(x, state)
            assert torch.allclose(ref_c, c_n, atol=1e-12, rtol=0), name
        else:
            ref_out, ref_h = md(x, h0)
        assert torch.allclose(ref_out, output, atol=1e-12, rtol=0), name
        assert torch.allclose(ref_h, h_n, atol=1e-12, rtol=0), name
        # Use the module's own output for the fixture (it is the reference), graph via the module.
        output, h_n = ref_out, ref_h
        if module == "LSTM":
            c_n = ref_c
        params_for_grad = {k: getattr(md, k) for k in order}
    else:
        # Sanity: with zero peephole weights the hand-written cell is nn.LSTM.
        with torch.no_grad():
            p0 = {k: (torch.zeros_like(v) if k.startswith(("weight_ci", "weight_cf", "weight_co")) else v)
                  for k, v in params.items()}
            cfg0 = dict(cfg, peepholes=False)
            o_ref, h_ref, c_ref, _ = run_reference(cfg0, x_tm, h0, c0, p0)
            md = nn.LSTM(input_size, hidden, layers, bias=bias, bidirectional=bidir).double()
            for k in md.state_dict():
                getattr(md, k).copy_(params[k])
            st = None if h0 is None else (h0, c0)
            o2, (h2, c2) = md(x_tm, st)
            assert torch.allclose(o_ref, o2, atol=1e-12) and torch.allclose(c_ref, c2, atol=1e-12), name
        params_for_grad = params

    if nonlinearity == "relu":
        # float32 and float64 must land on the same side of every ReLU kink.
        mn = min(float(p.detach().abs().min()) for p in pres)
        assert mn > 1e-4, f"{name}: pre-activation {mn} too close to the ReLU kink; change the seed"

    W_o = randn32(*output.shape)
    W_h = randn32(*h_n.shape)
    loss = (output * W_o).sum() + (h_n * W_h).sum()
    W_c = None
    if module == "LSTM":
        W_c = randn32(*c_n.shape)
        loss = loss + (c_n * W_c).sum()
    wrt = [params_for_grad[k] for k in order] + [x]
    if h0 is not None:
        wrt.append(h0)
    if c0 is not None:
        wrt.append(c0)
    grads = torch.autograd.grad(loss, wrt)
    gd = {k: tensor_json(g) for k, g in zip(order, grads)}
    gd["input"] = tensor_json(grads[len(order)])
    if h0 is not None:
        gd["h0"] = tensor_json(grads[len(order) + 1])
    if c0 is not None:
        gd["c0"] = tensor_json(grads[len(order) + 2])

    # How far a float32 computation of the same thing lands from this float64 reference,
    # in units of the tolerance the README suggests (must be <= 1).
    with torch.enable_grad():
        p32 = {k: v.detach().float().requires_grad_(True) for k, v in params.items()}
        x32 = x.detach().float().requires_grad_(True)
        h32 = None if h0 is None else h0.detach().float().requires_grad_(True)
        c32 = None if c0 is None else c0.detach().float().requires_grad_(True)
        o32, hn32, cn32, _ = run_reference(cfg, x32.transpose(0, 1) if batch_first else x32, h32, c32, p32)
        o32 = o32.transpose(0, 1) if batch_first else o32
        l32 = (o32 * W_o.float()).sum() + (hn32 * W_h.float()).sum()
        if W_c is not None:
            l32 = l32 + (cn32 * W_c.float()).sum()
        wrt32 = [p32[k] for k in order] + [x32] + [t for t in (h32, c32) if t is not None]
        g32 = torch.autograd.grad(l32, wrt32)
    pairs = [(o32, output), (hn32, h_n)] + list(zip(g32, grads))
    if W_c is not None:
        pairs.append((cn32, c_n))
    worst = max(float(((a.double() - b).abs() / (TOL_ABS + TOL_REL * b.abs())).max()) for a, b in pairs)
    FLOAT32_WORST[name] = worst
    assert worst <= 1.0, f"{name}: float32 is {worst:.2f} tolerances from the reference"

    write(name, "recurrent", {
        "config": cfg,
        "seq_len": seq_len,
        "batch": batch,
        "input": tensor_json(x, exact=True),
        "h0": None if h0 is None else tensor_json(h0, exact=True),
        "c0": None if c0 is None else tensor_json(c0, exact=True),
        "param_order": order,
        "params": {k: tensor_json(params[k], exact=True) for k in order},
        "output": tensor_json(output),
        "h_n": tensor_json(h_n),
        "c_n": None if c_n is None or module != "LSTM" else tensor_json(c_n),
        "W_o": tensor_json(W_o, exact=True),
        "W_h": tensor_json(W_h, exact=True),
        "W_c": None if W_c is None else tensor_json(W_c, exact=True),
        "loss": f9(loss),
        "grads": gd,
    })


def recurrent_fixtures():
    R = recurrent_fixture
    # LSTM
    R("lstm_1layer", "LSTM", 5, seed=1)
    R("lstm_1layer_h0", "LSTM", 5, initial_state=True, batch=3, seed=2)
    R("lstm_1layer_nobias", "LSTM", 4, bias=False, initial_state=True, seed=3)
    R("lstm_1layer_bidir_batchfirst", "LSTM", 4, bidir=True, batch_first=True, seed=4)
    R("lstm_2layer_batchfirst_h0", "LSTM", 5, layers=2, batch_first=True, initial_state=True, seed=5)
    R("lstm_2layer_bidir", "LSTM", 4, layers=2, bidir=True, initial_state=True, seed=6)
    # GRU
    R("gru_1layer", "GRU", 5, seed=11)
    R("gru_1layer_h0", "GRU", 5, initial_state=True, batch=3, seed=12)
    R("gru_1layer_nobias", "GRU", 4, bias=False, initial_state=True, seed=13)
    R("gru_1layer_bidir_batchfirst", "GRU", 4, bidir=True, batch_first=True, seed=14)
    R("gru_2layer_batchfirst_h0", "GRU", 5, layers=2, batch_first=True, initial_state=True, seed=15)
    R("gru_2layer_bidir", "GRU", 4, layers=2, bidir=True, initial_state=True, seed=16)
    # RNN tanh
    R("rnn_tanh_1layer", "RNN", 6, nonlinearity="tanh", seed=21)
    R("rnn_tanh_1layer_h0_nobias", "RNN", 6, nonlinearity="tanh", bias=False, initial_state=True, seed=22)
    R("rnn_tanh_2layer_batchfirst_h0", "RNN", 5, nonlinearity="tanh", layers=2, batch_first=True,
      initial_state=True, batch=3, seed=23)
    R("rnn_tanh_2layer_bidir", "RNN", 4, nonlinearity="tanh", layers=2, bidir=True, initial_state=True, seed=24)
    # RNN relu
    R("rnn_relu_1layer", "RNN", 6, nonlinearity="relu", seed=31)
    R("rnn_relu_1layer_h0_nobias_batchfirst", "RNN", 6, nonlinearity="relu", bias=False, batch_first=True,
      initial_state=True, seed=32)
    R("rnn_relu_2layer_bidir", "RNN", 4, nonlinearity="relu", layers=2, bidir=True, initial_state=True, seed=33)
    # Peephole LSTM (hand-written, autograd)
    R("lstm_peephole_1layer", "LSTM", 5, peepholes=True, seed=41)
    R("lstm_peephole_1layer_h0", "LSTM", 5, peepholes=True, initial_state=True, batch=3, seed=42)
    R("lstm_peephole_1layer_nobias_batchfirst", "LSTM", 4, peepholes=True, bias=False, batch_first=True,
      initial_state=True, seed=43)
    R("lstm_peephole_2layer_h0", "LSTM", 5, layers=2, peepholes=True, initial_state=True, seed=44)
    R("lstm_peephole_2layer_bidir", "LSTM", 4, layers=2, bidir=True, peepholes=True, initial_state=True, seed=45)


# ---------------------------------------------------------------------------------------------
# Optimizer and clipping fixtures


def opt_initial(seed=100):
    torch.manual_seed(seed)
    a = randn32(3, 4)
    b = randn32(4)
    grads = [{"a": randn32(3, 4), "b": randn32(4)} for _ in range(5)]
    return {"a": a, "b": b}, grads


def optimizer_fixture(name, cls, **kwargs):
    init, grads = opt_initial()
    ps = {k: v.clone().requires_grad_(True) for k, v in init.items()}
    opt = cls([ps["a"], ps["b"]], foreach=False, **kwargs)
    steps = []
    for g in grads:
        for k in ps:
            ps[k].grad = g[k].clone()
        opt.step()
        steps.append({k: tensor_json(ps[k]) for k in ps})
    # The same steps in float32 must stay within the README's tolerance of this reference.
    p32 = {k: v.float().requires_grad_(True) for k, v in init.items()}
    o32 = cls([p32["a"], p32["b"]], foreach=False, **kwargs)
    worst = 0.0
    for g, ref in zip(grads, steps):
        for k in p32:
            p32[k].grad = g[k].float()
        o32.step()
        for k in p32:
            r = torch.tensor(ref[k]["data"], dtype=torch.float64).reshape(p32[k].shape)
            worst = max(worst, float(((p32[k].detach().double() - r).abs() / (TOL_ABS + TOL_REL * r.abs())).max()))
    FLOAT32_WORST[name] = worst
    assert worst <= 1.0, f"{name}: float32 is {worst:.2f} tolerances from the reference"

    state = {}
    step_count = None
    for k in ps:
        st = opt.state[ps[k]]
        state[k] = {}
        for sk, sv in st.items():
            if sk == "step":
                step_count = int(sv)
            elif torch.is_tensor(sv):
                state[k][sk] = tensor_json(sv)
    hp = {}
    for k, v in opt.param_groups[0].items():
        if k == "params":
            continue
        if isinstance(v, (bool, int, float, str)) or v is None:
            hp[k] = v
        elif isinstance(v, tuple) and all(isinstance(e, (int, float)) for e in v):
            hp[k] = list(v)
    write(name, "optimizer", {
        "config": dict({"optimizer": cls.__name__}, **hp),
        "param_order": ["a", "b"],
        "initial": {k: tensor_json(v, exact=True) for k, v in init.items()},
        "grads": [{k: tensor_json(v, exact=True) for k, v in g.items()} for g in grads],
        "steps": steps,
        "state_step": step_count,
        "state": state,
    })


def optimizer_fixtures():
    O = optimizer_fixture
    O("optim_sgd", torch.optim.SGD, lr=0.1)
    O("optim_sgd_momentum_wd", torch.optim.SGD, lr=0.1, momentum=0.9, dampening=0.0, weight_decay=0.01)
    O("optim_sgd_momentum_dampening", torch.optim.SGD, lr=0.1, momentum=0.9, dampening=0.5)
    O("optim_sgd_nesterov", torch.optim.SGD, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)
    O("optim_adam", torch.optim.Adam)
    O("optim_adam_lr_wd", torch.optim.Adam, lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)
    O("optim_adamw", torch.optim.AdamW, lr=0.01, weight_decay=0.01)
    O("optim_rmsprop", torch.optim.RMSprop)
    O("optim_rmsprop_momentum_centered", torch.optim.RMSprop, momentum=0.9, centered=True)


def clip_fixture(name, fn, **kwargs):
    torch.manual_seed(200)
    grads = {"a": randn32(3, 4), "b": randn32(4, scale=2.0)}
    ps = {k: torch.zeros_like(v, requires_grad=True) for k, v in grads.items()}
    for k in ps:
        ps[k].grad = grads[k].clone()
    total = None
    if fn == "clip_grad_norm_":
        total = f9(torch.nn.utils.clip_grad_norm_([ps["a"], ps["b"]], foreach=False, **kwargs))
    else:
        torch.nn.utils.clip_grad_value_([ps["a"], ps["b"]], foreach=False, **kwargs)
    cfg = {"function": fn}
    cfg.update({k: (v if not (isinstance(v, float) and math.isinf(v)) else "inf") for k, v in kwargs.items()})
    write(name, "clip", {
        "config": cfg,
        "param_order": ["a", "b"],
        "grads": {k: tensor_json(v, exact=True) for k, v in grads.items()},
        "total_norm": total,
        "clipped": {k: tensor_json(ps[k].grad) for k in ps},
    })


def clip_fixtures():
    clip_fixture("clip_grad_norm_l2", "clip_grad_norm_", max_norm=1.0, norm_type=2.0)
    clip_fixture("clip_grad_norm_l2_below_max", "clip_grad_norm_", max_norm=100.0, norm_type=2.0)
    clip_fixture("clip_grad_norm_inf", "clip_grad_norm_", max_norm=0.5, norm_type=float("inf"))
    clip_fixture("clip_grad_value", "clip_grad_value_", clip_value=0.5)


# ---------------------------------------------------------------------------------------------
# Building blocks: Linear, Embedding, cross-entropy, MSE


def linear_fixture(name, bias, seed):
    torch.manual_seed(seed)
    m = nn.Linear(3, 5, bias=bias)
    order = list(m.state_dict().keys())
    params = {k: v.detach().double() for k, v in m.state_dict().items()}
    md = m.double()
    x = randn32(4, 3).requires_grad_(True)
    y = md(x)
    W_o = randn32(*y.shape)
    loss = (y * W_o).sum()
    wrt = [getattr(md, k) for k in order] + [x]
    g = torch.autograd.grad(loss, wrt)
    gd = {k: tensor_json(v) for k, v in zip(order, g)}
    gd["input"] = tensor_json(g[-1])
    write(name, "linear", {
        "config": {"module": "Linear", "in_features": 3, "out_features": 5, "bias": bias},
        "input": tensor_json(x, exact=True),
        "param_order": order,
        "params": {k: tensor_json(v, exact=True) for k, v in params.items()},
        "output": tensor_json(y),
        "W_o": tensor_json(W_o, exact=True),
        "loss": f9(loss),
        "grads": gd,
    })


def embedding_fixture(name, seed):
    torch.manual_seed(seed)
    m = nn.Embedding(7, 4)
    w0 = m.weight.detach().double()
    md = m.double()
    # (T=3, B=2) token ids, with repeats so gradient rows must accumulate.
    idx = torch.tensor([[1, 4], [6, 1], [0, 1]], dtype=torch.int64)
    y = md(idx)
    W_o = randn32(*y.shape)
    loss = (y * W_o).sum()
    (g,) = torch.autograd.grad(loss, [md.weight])
    write(name, "embedding", {
        "config": {"module": "Embedding", "num_embeddings": 7, "embedding_dim": 4},
        "indices": tensor_json(idx),
        "param_order": ["weight"],
        "params": {"weight": tensor_json(w0, exact=True)},
        "output": tensor_json(y),
        "W_o": tensor_json(W_o, exact=True),
        "loss": f9(loss),
        "grads": {"weight": tensor_json(g)},
    })


def cross_entropy_fixture(name, reduction, ignore_index, seed):
    torch.manual_seed(seed)
    N, V = 6, 5
    logits = randn32(N, V, scale=2.0).requires_grad_(True)
    targets = torch.randint(0, V, (N,))
    targets[1] = ignore_index
    targets[4] = ignore_index
    loss = F.cross_entropy(logits, targets, ignore_index=ignore_index, reduction=reduction)
    (g,) = torch.autograd.grad(loss, [logits])
    write(name, "cross_entropy", {
        "config": {"function": "cross_entropy", "reduction": reduction, "ignore_index": ignore_index,
                   "num_classes": V},
        "logits": tensor_json(logits, exact=True),
        "targets": tensor_json(targets),
        "loss": f9(loss),
        "grads": {"logits": tensor_json(g)},
    })


def mse_fixture(name, reduction, seed):
    torch.manual_seed(seed)
    x = randn32(4, 3).requires_grad_(True)
    t = randn32(4, 3).requires_grad_(True)
    loss = F.mse_loss(x, t, reduction=reduction)
    gx, gt = torch.autograd.grad(loss, [x, t])
    write(name, "mse", {
        "config": {"function": "mse_loss", "reduction": reduction},
        "input": tensor_json(x, exact=True),
        "target": tensor_json(t, exact=True),
        "loss": f9(loss),
        "grads": {"input": tensor_json(gx), "target": tensor_json(gt)},
    })


def block_fixtures():
    linear_fixture("linear", True, 300)
    linear_fixture("linear_nobias", False, 301)
    embedding_fixture("embedding", 302)
    cross_entropy_fixture("cross_entropy_mean", "mean", -100, 303)
    cross_entropy_fixture("cross_entropy_sum", "sum", -100, 304)
    cross_entropy_fixture("cross_entropy_mean_ignore_class", "mean", 2, 305)
    mse_fixture("mse_mean", "mean", 306)
    mse_fixture("mse_sum", "sum", 307)


# ---------------------------------------------------------------------------------------------
# Whole training steps: Embedding -> recurrent stack -> Linear -> cross-entropy (mean), optimizer,
# optional norm clipping, hidden state optionally carried (detached) across batches.


class TinyModel(nn.Module):
    def __init__(self, module, vocab, embed, hidden, layers):
        super().__init__()
        self.embedding = nn.Embedding(vocab, embed)
        rnn = {"LSTM": nn.LSTM, "GRU": nn.GRU, "RNN": nn.RNN}[module]
        self.rnn = rnn(embed, hidden, layers)
        self.linear = nn.Linear(hidden, vocab)

    def forward(self, x, state):           # x (T, B) ids -> logits (T*B, V)
        y, state = self.rnn(self.embedding(x), state)
        return self.linear(y).reshape(-1, self.linear.out_features), state


def detach_state(s):
    if s is None:
        return None
    return tuple(t.detach() for t in s) if isinstance(s, tuple) else s.detach()


def run_training(model, opt, batches, clip, carry):
    losses, norms, first_grads, state = [], [], None, None
    for inp, tgt in batches:
        opt.zero_grad()
        logits, new_state = model(inp, state if carry else None)
        loss = F.cross_entropy(logits, tgt.reshape(-1))
        loss.backward()
        if first_grads is None:
            first_grads = {k: p.grad.detach().clone() for k, p in model.named_parameters()}
        if clip is not None:
            norm = torch.nn.utils.clip_grad_norm_(model.parameters(), foreach=False, **clip)
        else:
            norm = torch.sqrt(sum((p.grad.detach() ** 2).sum() for p in model.parameters()))
        opt.step()
        losses.append(loss.detach())
        norms.append(norm)
        state = detach_state(new_state)
    return losses, norms, first_grads, state


def training_fixture(name, module, layers, opt_cls, opt_kwargs, clip, carry, seed,
                     vocab=7, embed=4, hidden=6, seq_len=5, batch=2, num_steps=4):
    torch.manual_seed(seed)
    model = TinyModel(module, vocab, embed, hidden, layers)
    # Rename to the names the Swift model uses: embedding.*, <module lower>.*, linear.*
    prefix = module.lower()
    sd = {k.replace("rnn.", prefix + ".", 1): v.detach().clone() for k, v in model.state_dict().items()}
    order = list(sd.keys())
    # One learnable token stream per batch column (a noisy cycle through the vocabulary), cut into
    # consecutive (T, B) chunks: inputs stream[t], targets stream[t+1], as truncated BPTT sees it.
    n = num_steps * seq_len + 1
    stream = torch.stack([(torch.arange(n) + 3 * b) % vocab for b in range(batch)], dim=1)   # (n, B)
    noise = torch.rand(n, batch) < 0.15
    stream[noise] = torch.randint(0, vocab, (int(noise.sum()),))
    batches = [(stream[k * seq_len:(k + 1) * seq_len], stream[k * seq_len + 1:(k + 1) * seq_len + 1])
               for k in range(num_steps)]

    def run(dtype):
        m = TinyModel(module, vocab, embed, hidden, layers).to(dtype)
        m.load_state_dict({k.replace(prefix + ".", "rnn.", 1): v for k, v in sd.items()})
        opt = opt_cls(m.parameters(), foreach=False, **opt_kwargs)
        res = run_training(m, opt, batches, clip, carry)
        final = {k.replace("rnn.", prefix + ".", 1): v.detach() for k, v in m.state_dict().items()}
        return res, final

    (losses, norms, g1, state), final = run(torch.float64)
    (l32, n32, _, _), f32 = run(torch.float32)
    worst = max([abs(float(a) - float(b)) / (TOL_ABS + TOL_REL * abs(float(b))) for a, b in zip(l32, losses)]
                + [float(((f32[k].double() - final[k]).abs() / (TOL_ABS + TOL_REL * final[k].abs())).max())
                   for k in order])
    FLOAT32_WORST[name] = worst
    assert worst <= 1.0, f"{name}: float32 is {worst:.2f} tolerances from the reference"

    hp = {k: (list(v) if isinstance(v, tuple) else v) for k, v in opt_kwargs.items()}
    h_n = c_n = None
    if state is not None:
        h_n, c_n = state if isinstance(state, tuple) else (state, None)
    write(name, "training", {
        "config": {
            "model": {"vocab_size": vocab, "embedding_dim": embed, "module": module, "hidden_size": hidden,
                      "num_layers": layers, "dropout": 0.0},
            "optimizer": dict({"optimizer": opt_cls.__name__}, **hp),
            "clip": None if clip is None else {"max_norm": clip["max_norm"], "norm_type": clip["norm_type"]},
            "carry_state": carry,
            "loss": "cross_entropy mean over (T*B, V) logits",
            "seq_len": seq_len, "batch": batch, "num_steps": num_steps,
        },
        "param_order": order,
        "initial": {k: tensor_json(sd[k], exact=True) for k in order},
        "batches": [{"inputs": tensor_json(i), "targets": tensor_json(t)} for i, t in batches],
        "losses": [f9(l) for l in losses],
        "grad_norms": [f9(n) for n in norms],
        "first_step_grads": {k.replace("rnn.", prefix + ".", 1): tensor_json(v) for k, v in g1.items()},
        "final": {k: tensor_json(final[k]) for k in order},
        "h_n": None if h_n is None else tensor_json(h_n),
        "c_n": None if c_n is None else tensor_json(c_n),
    })


def training_fixtures():
    training_fixture("train_lstm_adam_clip", "LSTM", 2, torch.optim.Adam, {"lr": 0.05},
                     {"max_norm": 0.15, "norm_type": 2.0}, carry=True, seed=500, num_steps=6)
    training_fixture("train_gru_sgd_momentum", "GRU", 1, torch.optim.SGD, {"lr": 0.5, "momentum": 0.9},
                     None, carry=False, seed=501, num_steps=6)


# ---------------------------------------------------------------------------------------------


def adaptive_softmax_fixture(name, in_features, n_classes, cutoffs, div_value, head_bias, targets, seed):
    """nn.AdaptiveLogSoftmaxWithLoss: per-row target log-probabilities, the mean loss, the full
    log_prob (N, V), and the gradients of the loss for every parameter and the input."""
    torch.manual_seed(seed)
    m = nn.AdaptiveLogSoftmaxWithLoss(in_features, n_classes, cutoffs, div_value=div_value, head_bias=head_bias)
    order = list(m.state_dict().keys())
    params = {k: v.detach().double() for k, v in m.state_dict().items()}
    md = m.double()
    target = torch.tensor(targets, dtype=torch.int64)
    x = randn32(len(targets), in_features).requires_grad_(True)
    out = md(x, target)
    log_prob = md.log_prob(x)
    assert torch.allclose(log_prob.exp().sum(1), torch.ones(len(targets), dtype=torch.float64))
    wrt = [dict(md.named_parameters())[k] for k in order] + [x]
    g = torch.autograd.grad(out.loss, wrt, allow_unused=True, materialize_grads=True)   # unused: zeros
    gd = {k: tensor_json(v) for k, v in zip(order, g)}
    gd["input"] = tensor_json(g[-1])
    write(name, "adaptive_softmax", {
        "config": {"module": "AdaptiveLogSoftmaxWithLoss", "in_features": in_features, "n_classes": n_classes,
                   "cutoffs": cutoffs, "div_value": div_value, "head_bias": head_bias},
        "input": tensor_json(x, exact=True),
        "targets": tensor_json(target),
        "param_order": order,
        "params": {k: tensor_json(v, exact=True) for k, v in params.items()},
        "output": tensor_json(out.output),
        "loss": f9(out.loss),
        "log_prob": tensor_json(log_prob),
        "grads": gd,
    })


def adaptive_softmax_fixtures():
    # Two clusters (4 and 1 projected features), head bias, every part of the vocabulary hit.
    adaptive_softmax_fixture("adaptive_softmax_head_bias", 16, 20, [4, 10], 4.0, True,
                             [0, 3, 4, 9, 10, 19, 2, 12, 5, 1], 330)
    # Three clusters at div 2 (4, 2, 1 features), no head bias, no target in the last cluster
    # (its gradient must be zero, its log_prob still exact).
    adaptive_softmax_fixture("adaptive_softmax_three_clusters", 8, 12, [3, 6, 9], 2.0, False,
                             [0, 5, 3, 7, 2, 8, 6, 1], 331)


def main():
    os.makedirs(OUT, exist_ok=True)
    groups = sys.argv[1:] or ["recurrent", "optimizer", "clip", "blocks", "training", "adaptive"]
    if "recurrent" in groups:
        recurrent_fixtures()
    if "optimizer" in groups:
        optimizer_fixtures()
    if "clip" in groups:
        clip_fixtures()
    if "blocks" in groups:
        block_fixtures()
    if "training" in groups:
        training_fixtures()
    if "adaptive" in groups:
        adaptive_softmax_fixtures()
    total = sum(s for _, s in WRITTEN)
    for n, s in WRITTEN:
        print(f"{s:8d}  {n}.json")
    print(f"{total:8d}  total ({len(WRITTEN)} files) in {os.path.relpath(OUT, ROOT)}")
    if FLOAT32_WORST:
        n, w = max(FLOAT32_WORST.items(), key=lambda kv: kv[1])
        print(f"float32 vs reference: worst {w:.3f} of the tolerance {TOL_ABS} + {TOL_REL}·|ref| ({n})")


if __name__ == "__main__":
    main()
