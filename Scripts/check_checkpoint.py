#!/usr/bin/env python3
"""Checks a Recurrent language-model checkpoint with only `safetensors` and `numpy` (no torch;
runs in CI):

    python Scripts/check_checkpoint.py CHECKPOINT [--logits DUMP]

- the metadata has the model configuration and tokenizer (and, for training checkpoints, the
  training configuration and state) as JSON;
- the model tensors are exactly the state_dict of the documented PyTorch `ScriptModel` for that
  configuration (names, shapes, F32), the other tensors are `optimizer.<buffer>.<parameter>`
  and `trainer.state.h` / `trainer.state.c` with the right shapes;
- with --logits (written by `recurrent evaluate CHECKPOINT TEXT --dump-logits DUMP`), a numpy
  re-implementation of ScriptModel's forward pass (float64) reproduces Recurrent's logits.

Exits 1 with a message on any difference.
"""
import argparse
import json
import sys

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file


def expected_model_tensors(c):
    V, E, H, L = c["vocabulary_size"], c["embedding_size"], c["hidden_size"], c["num_layers"]
    P = c.get("projection_size", 0) or H                              # features of h
    G = {"lstm": 4, "gru": 3, "rnn": 1, "rnn-relu": 1}[c["cell"]]
    shapes = {"embedding.weight": (V, E)}
    for k in range(L):
        I = E if k == 0 else P
        shapes[f"rnn.weight_ih_l{k}"] = (G * H, I)
        shapes[f"rnn.weight_hh_l{k}"] = (G * H, P)
        shapes[f"rnn.bias_ih_l{k}"] = (G * H,)
        shapes[f"rnn.bias_hh_l{k}"] = (G * H,)
        if P != H:
            shapes[f"rnn.weight_hr_l{k}"] = (P, H)
        if c.get("peepholes"):
            for gate in "ifo":
                shapes[f"rnn.weight_c{gate}_l{k}"] = (H,)
    shapes["decoder.weight"] = (V, P)
    shapes["decoder.bias"] = (V,)
    return shapes


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def forward(t, c, ids):
    """ScriptModel in evaluation mode, batch 1, zero initial state: logits (T, V)."""
    H, L, cell = c["hidden_size"], c["num_layers"], c["cell"]
    P = c.get("projection_size", 0) or H
    x = t["embedding.weight"][ids]                                   # (T, E)
    for k in range(L):
        w_ih, w_hh = t[f"rnn.weight_ih_l{k}"], t[f"rnn.weight_hh_l{k}"]
        b_ih, b_hh = t[f"rnn.bias_ih_l{k}"], t[f"rnn.bias_hh_l{k}"]
        h, cc, out = np.zeros(P), np.zeros(H), []
        for xt in x:
            gi, gh = w_ih @ xt + b_ih, w_hh @ h + b_hh
            if cell == "lstm":
                g = gi + gh
                i, f, gg, o = g[:H], g[H:2 * H], g[2 * H:3 * H], g[3 * H:]
                if c.get("peepholes"):
                    i, f = i + t[f"rnn.weight_ci_l{k}"] * cc, f + t[f"rnn.weight_cf_l{k}"] * cc
                i, f, gg = sigmoid(i), sigmoid(f), np.tanh(gg)
                cc = f * cc + i * gg
                if c.get("peepholes"):
                    o = o + t[f"rnn.weight_co_l{k}"] * cc
                h = sigmoid(o) * np.tanh(cc)
                if P != H:
                    h = t[f"rnn.weight_hr_l{k}"] @ h                # LSTMP: h = W_hr (o ⊙ tanh c)
            elif cell == "gru":
                r = sigmoid(gi[:H] + gh[:H])
                z = sigmoid(gi[H:2 * H] + gh[H:2 * H])
                n = np.tanh(gi[2 * H:] + r * gh[2 * H:])
                h = (1 - z) * n + z * h
            else:
                a = gi + gh
                h = np.maximum(a, 0) if cell == "rnn-relu" else np.tanh(a)
            out.append(h)
        x = np.stack(out)
    return x @ t["decoder.weight"].T + t["decoder.bias"]


def fail(message):
    sys.exit(f"check_checkpoint: FAIL: {message}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkpoint")
    parser.add_argument("--logits", help="a --dump-logits file to reproduce")
    args = parser.parse_args()

    with safe_open(args.checkpoint, framework="numpy") as f:
        metadata = f.metadata() or {}
        dtypes = {name: str(f.get_slice(name).get_dtype()) for name in f.keys()}
    for key in ("model", "tokenizer"):
        if key not in metadata:
            fail(f"metadata has no {key!r}")
    config = json.loads(metadata["model"])
    tokenizer = json.loads(metadata["tokenizer"])
    tensors = {k: v.astype(np.float64) if v.dtype == np.float32 else v for k, v in load_file(args.checkpoint).items()}

    expected = expected_model_tensors(config)
    for name, shape in expected.items():
        if name not in tensors:
            fail(f"missing model tensor {name}")
        if tensors[name].shape != shape:
            fail(f"{name} has shape {tensors[name].shape}, ScriptModel's is {shape}")
        if dtypes[name] != "F32":
            fail(f"{name} is {dtypes[name]}, expected F32")
    extra = [n for n in tensors if n not in expected]
    for name in extra:
        if name.startswith("optimizer."):
            _, buffer, parameter = name.split(".", 2)
            if parameter not in expected or tensors[name].shape != expected[parameter]:
                fail(f"{name} does not match a parameter's shape")
            if buffer not in ("exp_avg", "exp_avg_sq", "max_exp_avg_sq", "momentum_buffer", "square_avg", "grad_avg"):
                fail(f"{name}: unknown optimizer buffer {buffer!r}")
        elif name in ("trainer.state.h", "trainer.state.c"):
            width = config["hidden_size"] if name.endswith(".c") else (config.get("projection_size", 0) or config["hidden_size"])
            if tensors[name].ndim != 2 or tensors[name].shape[1] != width:
                fail(f"{name} has shape {tensors[name].shape}, expected (L·B, {width})")
        else:
            fail(f"unexpected tensor {name}")
    if "training_state" in metadata:
        state = json.loads(metadata["training_state"])
        json.loads(metadata["training_config"])
        if len(state["generator"]) != 4:
            fail("training_state.generator is not four words")
    vocabulary = len(tokenizer["vocabulary"]) if tokenizer["level"] != "byte" else 256
    if vocabulary != config["vocabulary_size"]:
        fail(f"the tokenizer has {vocabulary} tokens, the model {config['vocabulary_size']}")
    print(f"ok: {args.checkpoint}: {config['cell']} {config['num_layers']}×{config['hidden_size']}, "
          f"{len(expected)} ScriptModel tensors, {len(extra)} training tensors, {tokenizer['level']} tokenizer ({vocabulary})")

    if args.logits:
        dump = load_file(args.logits)
        ids = dump["input_ids"].astype(np.int64)
        ours = dump["logits"].astype(np.float64)
        reference = forward(tensors, config, ids)
        diff = float(np.max(np.abs(ours - reference)))
        if diff > 1e-4 * max(1.0, float(np.max(np.abs(reference)))):
            fail(f"logits differ from the numpy ScriptModel by up to {diff:.3g}")
        print(f"ok: {len(ids)} logits rows match the numpy ScriptModel (max |Δ| {diff:.2e})")


if __name__ == "__main__":
    main()
