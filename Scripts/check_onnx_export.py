#!/usr/bin/env python3
"""Checks a model written by `recurrent export --onnx` with the `onnx` checker and ONNX Runtime
(PyPI `onnx`, `onnxruntime`, `numpy`, `safetensors`; runs in CI, see .ci/run):

    python Scripts/check_onnx_export.py text MODEL.onnx --logits DUMP [--tokens 50]
    python Scripts/check_onnx_export.py series MODEL.onnx --check DUMP

- `onnx.checker.check_model(full_check=True)` accepts the file, the opset is 17;
- text: DUMP is `recurrent evaluate RUN TEXT --dump-logits DUMP` (token ids and Recurrent's logits
  for them from a zero state). ONNX Runtime steps the graph one token at a time, carrying the
  state outputs (hn, cn) into the next step's inputs (h0, c0), for --tokens tokens, and once
  over the whole sequence; every logit must agree. With an adaptive softmax the logits are
  log-probabilities: every row's exponentials must sum to 1 (|logsumexp| ≤ 1e-4). With tied
  weights the (V, E) table must be stored once (only `embedding.weight` of that size);
- series: DUMP is `recurrent export RUN --dump-check DUMP` (a batch of inputs in the graph's
  layout and Recurrent's outputs for them).

Agreement: |ours − theirs| ≤ 1e-4 · max(1, |theirs|) for every value (theirs = ONNX Runtime).
Exits 1 with the worst difference on failure.
"""
import argparse
import sys

import numpy as np
import onnx
import onnxruntime as ort
from safetensors.numpy import load_file

OPSET = 17
TOLERANCE = 1e-4


def check_file(path):
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    opsets = {o.domain: o.version for o in model.opset_import}
    if opsets.get("", None) != OPSET:
        sys.exit(f"{path}: default-domain opset {opsets.get('')}, expected {OPSET}")
    return model


def compare(what, ours, theirs):
    ours, theirs = np.asarray(ours, np.float64), np.asarray(theirs, np.float64)
    if ours.shape != theirs.shape:
        sys.exit(f"{what}: shapes differ, ours {ours.shape}, ONNX Runtime {theirs.shape}")
    excess = np.abs(ours - theirs) - TOLERANCE * np.maximum(1, np.abs(theirs))
    worst = np.unravel_index(np.argmax(excess), excess.shape)
    if excess[worst] > 0:
        sys.exit(f"{what}: at {tuple(int(i) for i in worst)} ours {ours[worst]:.7g}, ONNX Runtime "
                 f"{theirs[worst]:.7g} (|difference| {abs(ours[worst] - theirs[worst]):.3g})")
    return float(np.max(np.abs(ours - theirs)))


def check_output_layer(path, model, logits):
    """Adaptive softmax: a proper distribution per row; tied weights: the table stored once."""
    import json
    meta = {p.key: p.value for p in model.metadata_props}
    config = json.loads(meta.get("recurrent.model", "{}"))
    notes = []
    if config.get("adaptive_softmax"):
        rows = logits.reshape(-1, logits.shape[-1]).astype(np.float64)
        top = rows.max(axis=1, keepdims=True)
        lse = (top + np.log(np.exp(rows - top).sum(axis=1, keepdims=True))).ravel()
        if np.max(np.abs(lse)) > TOLERANCE:
            sys.exit(f"{path}: adaptive softmax row {int(np.argmax(np.abs(lse)))} has logsumexp "
                     f"{lse[np.argmax(np.abs(lse))]:.3g}, not 0: the logits are not log-probabilities")
        notes.append(f"adaptive softmax rows sum to 1 within {np.max(np.abs(lse)):.1e}")
    if config.get("tie_weights"):
        v, e = config["vocabulary_size"], config["embedding_size"]
        tables = [i.name for i in model.graph.initializer if sorted(i.dims) == sorted([v, e])]
        if tables != ["embedding.weight"]:
            sys.exit(f"{path}: tied weights, but the ({v}, {e}) tables stored are {tables}, not just embedding.weight")
        notes.append("tied table stored once")
    return "".join(f"; {n}" for n in notes)


def check_text(path, dump, tokens):
    model = check_file(path)
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    names = [i.name for i in session.get_inputs()]
    shapes = {i.name: i.shape for i in session.get_inputs()}
    data = load_file(dump)
    ids, logits = data["input_ids"].astype(np.int64), data["logits"]
    n = min(tokens, len(ids))
    if n < tokens:
        sys.exit(f"{dump} has {len(ids)} tokens, fewer than --tokens {tokens}")
    layers, hidden = shapes["h0"][0], shapes["h0"][2]
    state = {k: np.zeros((layers, 1, hidden), np.float32) for k in names if k != "input_ids"}
    worst = 0.0
    for t in range(n):                                  # one token at a time, state carried
        outputs = session.run(None, {"input_ids": ids[t].reshape(1, 1), **state})
        step = dict(zip([o.name for o in session.get_outputs()], outputs))
        worst = max(worst, compare(f"{path}: step {t}", logits[t], step["logits"][0, 0]))
        state = {"h0": step["hn"], **({"c0": step["cn"]} if "c0" in state else {})}
    zeros = {k: np.zeros((layers, 1, hidden), np.float32) for k in names if k != "input_ids"}
    whole = session.run(["logits"], {"input_ids": ids[:n].reshape(n, 1), **zeros})[0][:, 0]
    worst = max(worst, compare(f"{path}: whole sequence", logits[:n], whole))
    notes = check_output_layer(path, model, whole)
    print(f"ok: {path}: {n} tokens stepped one at a time and as one sequence, "
          f"{logits.shape[1]} logits each, largest |difference| {worst:.2e}{notes}")


def check_series(path, dump):
    check_file(path)
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    data = load_file(dump)
    (name,) = [i.name for i in session.get_inputs()]
    value = data["input_ids"].astype(np.int64) if name == "input_ids" else data["inputs"]
    theirs = session.run(None, {name: value})[0]
    worst = compare(path, data["outputs"], theirs)
    print(f"ok: {path}: {theirs.shape[0]} sequences, {theirs.shape[1]} outputs each, "
          f"largest |difference| {worst:.2e}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=["text", "series"])
    parser.add_argument("model")
    parser.add_argument("--logits", help="text: the evaluate --dump-logits file")
    parser.add_argument("--check", help="series: the export --dump-check file")
    parser.add_argument("--tokens", type=int, default=50)
    args = parser.parse_args()
    if args.kind == "text":
        if not args.logits:
            parser.error("text needs --logits")
        check_text(args.model, args.logits, args.tokens)
    else:
        if not args.check:
            parser.error("series needs --check")
        check_series(args.model, args.check)


if __name__ == "__main__":
    main()
