#!/usr/bin/env python3
"""PyTorch peer benchmark for `recurrent bench train|sample` (issue 7).

Runs the same model as `LanguageModel` (embedding → 2-layer LSTM(512) with dropout between
layers → dropout → linear decoder; see `ScriptModel` in LanguageModel.swift) on synthetic,
uniformly random token ids, and prints one JSON line per (configuration, mode) with the same
fields as the Swift side:

    {"impl":"pytorch","mode":"train","config":"char","tokens_per_second":...,"ms_per_step":...,
     "peak_rss_mb":...,"threads":2,"steps":...,"warmup":...,"vocabulary_size":65,...}

Training step (one TBPTT window, state carried and detached between windows, as the trainer
does): forward, softmax cross-entropy at every step (mean over T·B), backward, global-norm
clip 5, Adam (lr 2e-3). Sampling: evaluation mode, batch 1, one token at a time with the state
carried, softmax of the logits and one multinomial draw per token; the drawn token is the next
input.

Each (configuration, mode) runs in its own process so that `peak_rss_mb` (ru_maxrss of the whole
process) belongs to that run alone. Never needed by CI.

    python Scripts/bench_pytorch.py                       # all four lines
    python Scripts/bench_pytorch.py --mode train --config char --steps 20
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import time

CONFIGS = {
    "char": dict(vocabulary_size=65, embedding_size=65, hidden_size=512, num_layers=2,
                 seq_length=50, batch_size=50, dropout=0.5),
    "word": dict(vocabulary_size=21388, embedding_size=256, hidden_size=512, num_layers=2,
                 seq_length=32, batch_size=64, dropout=0.5),
}
LEARNING_RATE = 2e-3
CLIP_NORM = 5.0


def peak_rss_mb():
    # Linux reports ru_maxrss in KiB, macOS in bytes.
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if sys.platform == "darwin":
        kib /= 1024
    return round(kib / 1024, 1)


def build(cfg, torch, nn):
    class ScriptModel(nn.Module):
        def __init__(self, V, E, H, L, p):
            super().__init__()
            self.embedding = nn.Embedding(V, E)
            self.rnn = nn.LSTM(E, H, L, dropout=p)
            self.dropout = nn.Dropout(p)
            self.decoder = nn.Linear(H, V)

        def forward(self, tokens, state=None):  # tokens (T, B)
            y, state = self.rnn(self.embedding(tokens), state)
            return self.decoder(self.dropout(y)), state  # (T, B, V)

    return ScriptModel(cfg["vocabulary_size"], cfg["embedding_size"], cfg["hidden_size"],
                       cfg["num_layers"], cfg["dropout"])


def run_train(cfg, steps, warmup, torch, nn):
    model = build(cfg, torch, nn)
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    loss_fn = nn.CrossEntropyLoss()
    T, B, V = cfg["seq_length"], cfg["batch_size"], cfg["vocabulary_size"]
    gen = torch.Generator().manual_seed(1)
    # A long synthetic stream per batch row, consumed window after window like a corpus.
    total = steps + warmup
    data = torch.randint(0, V, ((total + 1) * T + 1, B), generator=gen)
    state = None
    loss_value = float("nan")
    times = []
    cpu_start = time.process_time()
    for step in range(total):
        x = data[step * T:(step + 1) * T]
        y = data[step * T + 1:(step + 1) * T + 1]
        if step == warmup:
            cpu_start = time.process_time()
        t0 = time.perf_counter()
        if state is not None:
            state = tuple(s.detach() for s in state)
        opt.zero_grad(set_to_none=False)
        logits, state = model(x, state)
        loss = loss_fn(logits.reshape(T * B, V), y.reshape(T * B))
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), CLIP_NORM)
        opt.step()
        loss_value = loss.item()  # the trainer reads the loss every step
        t1 = time.perf_counter()
        if step >= warmup:
            times.append(t1 - t0)
    cpu = time.process_time() - cpu_start
    seconds = sum(times)
    return dict(tokens_per_second=round(steps * T * B / seconds, 1),
                ms_per_step=round(1000 * seconds / steps, 3),
                cpu_ms_per_step=round(1000 * cpu / steps, 3),
                steps=steps, warmup=warmup, loss=round(loss_value, 4))


def run_sample(cfg, tokens, warmup, torch, nn):
    model = build(cfg, torch, nn)
    model.eval()
    gen = torch.Generator().manual_seed(1)
    token = torch.zeros((1, 1), dtype=torch.long)
    state = None
    times = []
    cpu_start = time.process_time()
    with torch.inference_mode():
        for i in range(warmup + tokens):
            if i == warmup:
                cpu_start = time.process_time()
            t0 = time.perf_counter()
            logits, state = model(token, state)  # (1, 1, V)
            probs = torch.softmax(logits.reshape(-1), dim=0)
            token = torch.multinomial(probs, 1, generator=gen).reshape(1, 1)
            _ = int(token)  # the sampler hands every token to the caller
            t1 = time.perf_counter()
            if i >= warmup:
                times.append(t1 - t0)
    cpu = time.process_time() - cpu_start
    seconds = sum(times)
    half = len(times) // 2
    first, second = sum(times[:half]), sum(times[half:])
    return dict(tokens_per_second=round(tokens / seconds, 1),
                ms_per_step=round(1000 * seconds / tokens, 4),
                cpu_ms_per_step=round(1000 * cpu / tokens, 4),
                tokens=tokens, warmup=warmup,
                # Sampling must not slow down as the text grows: tokens/s of each half.
                tokens_per_second_first_half=round(half / first, 1),
                tokens_per_second_second_half=round((len(times) - half) / second, 1))


def run_one(args):
    import torch
    import torch.nn as nn
    torch.set_num_threads(args.threads)
    # nn.LSTM on the CPU runs oneDNN's RNN primitive by default; for batch-1 single steps its
    # per-call cost dominates (~4 ms against ~0.5 ms for ATen's own cell on this machine).
    torch.backends.mkldnn.enabled = not args.no_onednn
    torch.manual_seed(0)
    cfg = dict(CONFIGS[args.config])
    if args.seq_length:
        cfg["seq_length"] = args.seq_length
    if args.batch_size:
        cfg["batch_size"] = args.batch_size
    if args.mode == "train":
        result = run_train(cfg, args.steps, args.warmup, torch, nn)
    else:
        result = run_sample(cfg, args.tokens, args.warmup, torch, nn)
    line = dict(impl="pytorch", version=torch.__version__, mode=args.mode, config=args.config)
    line.update(result)
    line.update(peak_rss_mb=peak_rss_mb(), threads=torch.get_num_threads(),
                onednn=torch.backends.mkldnn.enabled)
    line.update(cfg)
    try:
        line["load_average"] = round(os.getloadavg()[0], 2)
    except OSError:
        pass
    print(json.dumps(line), flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--mode", choices=["train", "sample"], help="default: both, each in its own process")
    p.add_argument("--config", choices=sorted(CONFIGS), help="default: both, each in its own process")
    p.add_argument("--steps", type=int, default=20, help="timed training steps (default 20)")
    p.add_argument("--tokens", type=int, default=1000, help="timed sampled tokens (default 1000)")
    p.add_argument("--warmup", type=int, default=None,
                   help="untimed steps/tokens first (default 3 for train, 50 for sample)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seq-length", type=int, default=0, help="override the configuration's T")
    p.add_argument("--batch-size", type=int, default=0, help="override the configuration's B")
    p.add_argument("--no-onednn", action="store_true",
                   help="torch.backends.mkldnn.enabled = False: ATen's LSTM instead of oneDNN's "
                        "(much faster for batch-1 sampling)")
    args = p.parse_args()
    if args.mode and args.config:
        if args.warmup is None:
            args.warmup = 3 if args.mode == "train" else 50
        run_one(args)
        return
    # Fan out: one child process per line, so each peak RSS is its own.
    for config in [args.config] if args.config else ["char", "word"]:
        for mode in [args.mode] if args.mode else ["train", "sample"]:
            cmd = [sys.executable, os.path.abspath(__file__), "--mode", mode, "--config", config,
                   "--steps", str(args.steps), "--tokens", str(args.tokens),
                   "--threads", str(args.threads)]
            if args.warmup is not None:
                cmd += ["--warmup", str(args.warmup)]
            if args.seq_length:
                cmd += ["--seq-length", str(args.seq_length)]
            if args.batch_size:
                cmd += ["--batch-size", str(args.batch_size)]
            if args.no_onednn:
                cmd += ["--no-onednn"]
            subprocess.run(cmd, check=True)


if __name__ == "__main__":
    main()
