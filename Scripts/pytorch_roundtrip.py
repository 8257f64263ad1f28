#!/usr/bin/env python3
"""PyTorch round trip for Recurrent's language-model checkpoints (needs torch, safetensors, numpy).

    python Scripts/pytorch_roundtrip.py [--binary .build/debug/recurrent]
        Both directions, for LSTM, GRU, tanh RNN, ReLU RNN, the peephole LSTM, and an LSTM with
        an adaptive softmax (nn.AdaptiveLogSoftmaxWithLoss; its log_prob are the logits) and
        one with tied embedding and decoder weights (saved with safetensors.torch.save_model,
        which keeps the shared matrix once, as decoder.weight):
        1. `recurrent train` makes a checkpoint; PyTorch loads it into ScriptModel with
           safetensors.torch.load_file + load_state_dict and reproduces the logits that
           `recurrent evaluate --dump-logits` printed.
        2. A ScriptModel made in PyTorch is saved with safetensors.torch.save_file (plus the model
           and tokenizer metadata); `recurrent evaluate --dump-logits` on it gives PyTorch's logits,
           and `recurrent generate` runs on it.
        Exits 1 on any mismatch.

    python Scripts/pytorch_roundtrip.py --make-fixtures Tests/RecurrentTests/Fixtures/script_model
        Writes the small PyTorch-made checkpoints and expected logits that the Swift test
        `ScriptModelFixtureTests` checks without Python.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
from torch import nn
from safetensors.torch import load_file, save_file, save_model


class PeepholeLSTM(nn.Module):
    """nn.LSTM plus diagonal cell→gate weights (TF/ONNX style: i and f see c(t−1), o sees c(t)),
    with nn.LSTM's parameter names and `weight_ci_l{k}`, `weight_cf_l{k}`, `weight_co_l{k}` (H)."""

    def __init__(self, input_size, hidden_size, num_layers=1, dropout=0.0):
        super().__init__()
        self.hidden_size, self.num_layers, self.dropout = hidden_size, num_layers, dropout
        bound = 1 / hidden_size ** 0.5
        for k in range(num_layers):
            size = input_size if k == 0 else hidden_size
            for name, shape in [("weight_ih", (4 * hidden_size, size)), ("weight_hh", (4 * hidden_size, hidden_size)),
                                ("bias_ih", (4 * hidden_size,)), ("bias_hh", (4 * hidden_size,)),
                                ("weight_ci", (hidden_size,)), ("weight_cf", (hidden_size,)), ("weight_co", (hidden_size,))]:
                self.register_parameter(f"{name}_l{k}", nn.Parameter(torch.empty(shape).uniform_(-bound, bound)))

    def forward(self, x, state=None):  # x (T, B, I)
        T, B, _ = x.shape
        H, L = self.hidden_size, self.num_layers
        h0, c0 = state if state is not None else (x.new_zeros(L, B, H), x.new_zeros(L, B, H))
        hs, cs = [], []
        for k in range(L):
            p = lambda n: getattr(self, f"{n}_l{k}")
            h, c, out = h0[k], c0[k], []
            if k > 0 and self.training and self.dropout > 0:
                x = nn.functional.dropout(x, self.dropout)
            for t in range(T):
                g = x[t] @ p("weight_ih").T + p("bias_ih") + h @ p("weight_hh").T + p("bias_hh")
                i, f, gg, o = g.chunk(4, dim=1)
                i = torch.sigmoid(i + p("weight_ci") * c)
                f = torch.sigmoid(f + p("weight_cf") * c)
                c = f * c + i * torch.tanh(gg)
                o = torch.sigmoid(o + p("weight_co") * c)
                h = o * torch.tanh(c)
                out.append(h)
            x = torch.stack(out)
            hs.append(h)
            cs.append(c)
        return x, (torch.stack(hs), torch.stack(cs))


class ScriptModel(nn.Module):
    """The PyTorch module whose state_dict is a Recurrent language model's tensors."""

    def __init__(self, V, E, H, L, p=0.0, cell="lstm", peepholes=False, P=0, adaptive=None, tie=False):
        super().__init__()
        self.embedding = nn.Embedding(V, E)
        if peepholes:
            self.rnn = PeepholeLSTM(E, H, L, dropout=p)
        elif cell == "lstm":
            self.rnn = nn.LSTM(E, H, L, dropout=p, proj_size=P)
        elif cell == "gru":
            self.rnn = nn.GRU(E, H, L, dropout=p)
        else:
            self.rnn = nn.RNN(E, H, L, dropout=p, nonlinearity="relu" if cell == "rnn-relu" else "tanh")
        self.dropout = nn.Dropout(p)
        self.adaptive = adaptive is not None
        if self.adaptive:   # {"cutoffs": [...], "div_value": 4.0, "head_bias": False}
            self.decoder = nn.AdaptiveLogSoftmaxWithLoss(P or H, V, **adaptive)
        else:
            self.decoder = nn.Linear(P or H, V)
        if tie:             # Press & Wolf: E must equal P or H
            self.decoder.weight = self.embedding.weight

    def forward(self, tokens, state=None):  # tokens (T, B) → logits (T, B, V)
        y, state = self.rnn(self.embedding(tokens), state)
        y = self.dropout(y)
        if self.adaptive:   # log-probabilities: logits of the same distribution
            return self.decoder.log_prob(y.reshape(-1, y.shape[-1])).view(*y.shape[:2], -1), state
        return self.decoder(y), state

    @staticmethod
    def from_config(config):
        return ScriptModel(config["vocabulary_size"], config["embedding_size"], config["hidden_size"],
                           config["num_layers"], config.get("dropout", 0.0), config["cell"], config.get("peepholes", False),
                           config.get("projection_size", 0), config.get("adaptive_softmax"),
                           config.get("tie_weights", False))


def load_checkpoint(path):
    """A Recurrent checkpoint as a ScriptModel (optimizer and trainer tensors left out)."""
    from safetensors import safe_open
    with safe_open(path, framework="pt") as f:
        metadata = f.metadata()
    config = json.loads(metadata["model"])
    model = ScriptModel.from_config(config)
    tensors = load_file(path)
    state = {k: v for k, v in tensors.items() if not k.startswith(("optimizer.", "trainer."))}
    missing, unexpected = model.load_state_dict(state, strict=False)
    # Every name and shape must match; a tied matrix is stored once, as decoder.weight.
    allowed = ["embedding.weight"] if config.get("tie_weights") else []
    if unexpected or missing != allowed:
        sys.exit(f"{path}: missing tensors {missing}, unexpected {unexpected}")
    return model.eval(), config, metadata


CORPUS = "jerry: hello there, nora.\nnora: what is it, jerry?\n(walt leaves.)\n" * 40
CELLS = [("lstm", False), ("gru", False), ("rnn", False), ("rnn-relu", False), ("lstm", True)]
# LSTM output layers: (name, `recurrent train` options, ScriptModel config keys).
OUTPUTS = [
    ("lstm-adaptive", ["--level", "word", "--cutoffs", "3,7", "--hidden-size", "16"],
     {"adaptive_softmax": {"cutoffs": [3, 7], "div_value": 2.0, "head_bias": True}}),
    ("lstm-tied", ["--tie-weights", "--hidden-size", "12", "--embedding-size", "12"], {"tie_weights": True}),
]


def run(binary, *args):
    result = subprocess.run([binary, *args], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{binary} {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
    return result


def compare(name, ours, theirs, tolerance=1e-4):
    diff = float(np.max(np.abs(ours - theirs)))
    scale = float(np.max(np.abs(theirs)))
    ok = diff <= tolerance * max(1.0, scale)
    print(f"{'ok ' if ok else 'FAIL'} {name}: max |Δ| = {diff:.2e} (logits up to {scale:.2f})")
    return ok


def torch_logits(model, ids):
    with torch.no_grad():
        logits, _ = model(torch.tensor(ids, dtype=torch.long).view(-1, 1))
    return logits.view(len(ids), -1).numpy()


def ours_to_torch(binary, work, cell, peepholes, name=None, options=()):
    corpus = os.path.join(work, "corpus.txt")
    out = os.path.join(work, "ours-" + (name or f"{cell}{'-peep' if peepholes else ''}"))
    run(binary, "train", corpus, "--cell", cell, *(["--peepholes"] if peepholes else []), "--hidden-size", "12",
        "--embedding-size", "6", "--layers", "2", "--seq-length", "16", "--batch-size", "4", "--steps", "5",
        "--validation-fraction", "0", "--output", out, *options)
    checkpoint = os.path.join(out, "latest.safetensors")
    dump = out + ".logits.safetensors"
    run(binary, "evaluate", checkpoint, corpus, "--dump-logits", dump, "--dump-tokens", "50")
    expected = load_file(dump)
    model, _, _ = load_checkpoint(checkpoint)
    return compare(f"Recurrent → PyTorch, {name or cell + (' peepholes' if peepholes else '')}",
                   expected["logits"].numpy(), torch_logits(model, expected["input_ids"].tolist()))


def make_torch_model(cell, peepholes, vocabulary, seed, extra=None):
    torch.manual_seed(seed)
    config = {"cell": cell, "vocabulary_size": len(vocabulary), "embedding_size": 5, "hidden_size": 7,
              "num_layers": 2, "dropout": 0.0, "peepholes": peepholes}
    if extra:           # an adaptive softmax (H 8: projections of 4 and 2) or tied weights (E = H)
        config.update(extra, hidden_size=8, embedding_size=8 if extra.get("tie_weights") else 5)
    model = ScriptModel.from_config(config).eval()
    metadata = {"format": "recurrent-language-model", "format_version": "1",
                "model": json.dumps(config),
                "tokenizer": json.dumps({"level": "char", "vocabulary": vocabulary})}
    return model, metadata


def save(model, path, metadata):
    """save_file, or for tied weights save_model (save_file refuses tensors that share memory)."""
    if getattr(model.decoder, "weight", None) is model.embedding.weight:
        save_model(model, path, metadata=metadata)
    else:
        save_file({k: v.contiguous() for k, v in model.state_dict().items()}, path, metadata=metadata)


def torch_to_ours(binary, work, cell, peepholes, name=None, extra=None):
    corpus = os.path.join(work, "corpus.txt")
    vocabulary = sorted(set(CORPUS), key=lambda ch: ch.encode())
    model, metadata = make_torch_model(cell, peepholes, vocabulary, seed=7, extra=extra)
    path = os.path.join(work, "torch-" + (name or f"{cell}{'-peep' if peepholes else ''}") + ".safetensors")
    save(model, path, metadata)
    dump = path + ".logits.safetensors"
    run(binary, "evaluate", path, corpus, "--dump-logits", dump, "--dump-tokens", "50")
    ours = load_file(dump)
    ok = compare(f"PyTorch → Recurrent, {name or cell + (' peepholes' if peepholes else '')}",
                 ours["logits"].numpy(), torch_logits(model, ours["input_ids"].tolist()))
    run(binary, "generate", path, "--prime", "jerry:", "--length", "20", "--greedy")
    return ok


def make_fixtures(directory):
    """Small PyTorch-made checkpoints + the logits PyTorch computes for fixed token ids."""
    os.makedirs(directory, exist_ok=True)
    vocabulary = [chr(c) for c in range(ord("a"), ord("a") + 11)]
    ids = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3]
    variants = [(cell + ("-peepholes" if peepholes else ""), cell, peepholes, None) for cell, peepholes in CELLS]
    variants += [(name, "lstm", False, extra) for name, _, extra in OUTPUTS]
    for name, cell, peepholes, extra in variants:
        model, metadata = make_torch_model(cell, peepholes, vocabulary, seed=11, extra=extra)
        save(model, os.path.join(directory, f"{name}.safetensors"), metadata)
        logits = torch.from_numpy(torch_logits(model, ids)).contiguous()
        save_file({"input_ids": torch.tensor(ids, dtype=torch.int64), "logits": logits},
                  os.path.join(directory, f"{name}.expected.safetensors"),
                  metadata={"generator": "Scripts/pytorch_roundtrip.py", "torch_version": torch.__version__})
        print(f"wrote {name}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=".build/debug/recurrent", help="the recurrent executable")
    parser.add_argument("--make-fixtures", metavar="DIR", help="write the Swift test fixtures into DIR and exit")
    args = parser.parse_args()
    torch.set_num_threads(1)
    if args.make_fixtures:
        make_fixtures(args.make_fixtures)
        return
    if not os.access(args.binary, os.X_OK):
        sys.exit(f"{args.binary} is not an executable; build it with `swift build` or pass --binary")
    with tempfile.TemporaryDirectory() as work:
        with open(os.path.join(work, "corpus.txt"), "w") as f:
            f.write(CORPUS)
        results = [ours_to_torch(args.binary, work, c, p) for c, p in CELLS]
        results += [ours_to_torch(args.binary, work, "lstm", False, name, options) for name, options, _ in OUTPUTS]
        results += [torch_to_ours(args.binary, work, c, p) for c, p in CELLS]
        results += [torch_to_ours(args.binary, work, "lstm", False, name, extra) for name, _, extra in OUTPUTS]
    if not all(results):
        sys.exit("round trip FAILED")
    print("round trip ok: Recurrent and PyTorch agree in both directions")


if __name__ == "__main__":
    main()
