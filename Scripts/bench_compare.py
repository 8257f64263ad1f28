#!/usr/bin/env python3
"""Side-by-side benchmark: `recurrent bench train|sample` against Scripts/bench_pytorch.py.

Runs ours and PyTorch's in alternation for a few rounds, so all see the same machine load:
PyTorch twice, with its default CPU LSTM (oneDNN) and with ATen's own (--no-onednn), because
which is faster depends on the shape. Prints every JSON line, then a table of medians and the
ratios against the faster PyTorch (tokens/s: higher is better for us; peak RSS: lower is
better for us).

Needs only the standard library itself; PyTorch runs under --python.

    swift build -c release --product recurrent
    python3 Scripts/bench_compare.py --rounds 3 --python /path/to/venv/bin/python
    python3 Scripts/bench_compare.py --configs char --modes sample --tokens 2000
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def last_json_line(text):
    for line in reversed(text.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            return json.loads(line)
    raise ValueError("no JSON line in output:\n" + text)


def run(cmd, env=None):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT, env=env)
    return last_json_line(out.stdout)


def load_average():
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--configs", default="char,word")
    p.add_argument("--modes", default="train,sample")
    p.add_argument("--steps", type=int, default=20, help="timed training steps per run")
    p.add_argument("--tokens", type=int, default=1000, help="timed sampled tokens per run")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "recurrent"))
    p.add_argument("--output", help="also write every JSON line to this file")
    p.add_argument("--torch-env", action="append", default=[], metavar="NAME=VALUE",
                   help="environment for the PyTorch runs, e.g. OMP_WAIT_POLICY=PASSIVE (repeatable)")
    p.add_argument("--python", default=os.environ.get("RECURRENT_TORCH_PYTHON", sys.executable),
                   help="Python with torch for Scripts/bench_pytorch.py (default: $RECURRENT_TORCH_PYTHON, "
                        "else this interpreter)")
    args = p.parse_args()

    torch_env = dict(os.environ)
    for item in args.torch_env:
        name, _, value = item.partition("=")
        torch_env[name] = value
    log = open(args.output, "a") if args.output else None
    configs = args.configs.split(",")
    modes = args.modes.split(",")
    results = {}  # (config, mode, impl) -> [json]
    for r in range(args.rounds):
        for config in configs:
            for mode in modes:
                amount = ["--steps", str(args.steps)] if mode == "train" else ["--tokens", str(args.tokens)]
                ours = [args.binary, "bench", mode, "--config", config, "--threads", str(args.threads)] + amount
                theirs = [args.python, os.path.join(ROOT, "Scripts", "bench_pytorch.py"), "--mode", mode,
                          "--config", config, "--threads", str(args.threads)] + amount
                # PyTorch twice: its default (oneDNN's LSTM) and ATen's own LSTM (--no-onednn),
                # which is much faster for batch-1 sampling; ratios are taken against the better.
                # Alternate the order, so a load change hits every side alike.
                order = [("ours", ours), ("pytorch", theirs), ("pytorch-aten", theirs + ["--no-onednn"])]
                if r % 2 == 1:
                    order.reverse()
                for impl, cmd in order:
                    before = load_average()
                    line = run(cmd, torch_env if impl != "ours" else None)
                    line["load_average_before"] = before
                    results.setdefault((config, mode, impl), []).append(line)
                    text = json.dumps(dict(round=r, impl_variant=impl, **line))
                    print(text, flush=True)
                    if log:
                        log.write(text + "\n")
                        log.flush()

    print()
    header = f"{'config':6} {'mode':6} {'ours tok/s':>11} {'torch tok/s':>11} {'aten tok/s':>11} " \
             f"{'speed×':>7} {'cpu-time×':>9} {'ours MB':>8} {'torch MB':>8} {'mem ratio':>9} {'per-round speed×':>20} " \
             f"{'GEMM rate':>9}"
    print(header)
    print("-" * len(header))
    for config in configs:
        for mode in modes:
            ours = results.get((config, mode, "ours"), [])
            default = results.get((config, mode, "pytorch"), [])
            aten = results.get((config, mode, "pytorch-aten"), [])
            if not ours or not default or not aten:
                continue
            median = lambda lines, key: statistics.median(x[key] for x in lines)
            o, d, a = (median(x, "tokens_per_second") for x in (ours, default, aten))
            best = default if d >= a else aten
            t = max(d, a)
            # Peak memory: ours against PyTorch's smaller peak of the two.
            om = max(x["peak_rss_mb"] for x in ours)
            tm = min(max(x["peak_rss_mb"] for x in default), max(x["peak_rss_mb"] for x in aten))
            per_round = [x["tokens_per_second"] / max(y["tokens_per_second"], z["tokens_per_second"])
                         for x, y, z in zip(ours, default, aten)]
            rounds = ",".join(f"{x:.2f}" for x in per_round)
            # CPU time per step (all threads) of the faster PyTorch over ours: how much less work
            # we do, whatever the machine load did to the wall clock.
            oc, tc = median(ours, "cpu_ms_per_step"), median(best, "cpu_ms_per_step")
            # Training: the step's time at the GEMM rate of its own shapes over its median time
            # (`bench train`'s gemm_rate_fraction), the median of the rounds.
            fractions = [x["gemm_rate_fraction"] for x in ours if "gemm_rate_fraction" in x]
            rate = f"{statistics.median(fractions):.0%}" if fractions else "—"
            print(f"{config:6} {mode:6} {o:11.1f} {d:11.1f} {a:11.1f} {o / t:7.2f} {tc / oc:9.2f} {om:8.1f} "
                  f"{tm:8.1f} {om / tm:9.2f} {rounds:>20} {rate:>9}")
    print(f"\nload average now: {load_average()} (threads {args.threads}, {os.cpu_count()} CPUs)")
    print("torch = PyTorch's default (oneDNN LSTM); aten = PyTorch with torch.backends.mkldnn.enabled = False. "
          "speed× = ours / the faster PyTorch, tokens per second (wall clock, median of rounds); cpu-time× = "
          "that PyTorch's CPU time per step / ours; mem ratio = ours / PyTorch's smaller peak RSS; GEMM rate = "
          "the time our training step's GEMM calls take alone (bench train's gemm_ms_per_step) / its median "
          "step time")

if __name__ == "__main__":
    main()
