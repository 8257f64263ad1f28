#!/usr/bin/env python3
"""Measured and projected scaling of `recurrent train --distributed` (docs/distributed.md).

Measured here: the char model of `recurrent bench train` (embedding 65 → 2-layer LSTM(512),
dropout 0.5, T 50, global batch B 50) trained on a corpus as 1 process × 1 thread, 1 process ×
2 threads and 2 ranks × 1 thread under mpirun: median tokens/s over the steps after the first
few. Then one node's compute time per step C(b) for b streams (`recurrent bench train --threads
2`), fitted as c0 + c1·b, and the bytes each rank sums per step, S = 4·(P + 2).

Projected for a cluster of N such nodes, one rank each, no overlap of the sum with backward:

    A(N) = 2(N−1)/N · S / bandwidth + 2(N−1)·latency        (ring allreduce)
    step(N, B) = C(B/N) + A(N)           speedup = C(B) / step(N, B)

Usage: Scripts/bench_distributed.py BINARY [--corpus Data/tinyshakespeare.txt] [--steps 30]
(BINARY built with `swift build -c release --traits MPI`; run at low priority on a shared machine.)
"""
import argparse, json, os, statistics, subprocess, tempfile

V, E, H, L, T, B = 65, 65, 512, 2, 50, 50


def parameters():
    lstm = sum(4 * H * ((E if k == 0 else H) + H + 2) for k in range(L))
    return V * E + lstm + H * V + V


def train(binary, corpus, steps, threads, ranks, folder):
    command = [binary, "train", corpus, "--hidden-size", str(H), "--layers", str(L), "--embedding-size", str(E),
               "--dropout", "0.5", "--seq-length", str(T), "--batch-size", str(B), "--steps", str(steps),
               "--eval-every", str(steps), "--max-validation-batches", "1", "--threads", str(threads),
               "--log-every", "1000", "--output", folder]
    if ranks > 1:
        root = ["--allow-run-as-root"] if os.geteuid() == 0 else []
        command = ["mpirun", *root, "--oversubscribe", "-np", str(ranks), *command, "--distributed"]
    subprocess.run(command, check=True, stderr=subprocess.DEVNULL)
    rates = [json.loads(line)["tokens_per_sec"] for line in open(os.path.join(folder, "metrics.jsonl"))]
    return statistics.median(rates[3:])


def compute_ms(binary, batch, steps):
    out = subprocess.run([binary, "bench", "train", "--config", "char", "--threads", "2", "--batch-size", str(batch),
                          "--steps", str(steps), "--warmup", "2"], check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])["ms_per_step"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--corpus", default="Data/tinyshakespeare.txt")
    parser.add_argument("--steps", type=int, default=30)
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"CPU: {cpu}, {os.cpu_count()} cores; load average before: {os.getloadavg()[0]:.1f}")

    with tempfile.TemporaryDirectory() as work:
        runs = [("1 process × 1 thread", 1, 1), ("1 process × 2 threads", 2, 1), ("2 ranks × 1 thread", 1, 2)]
        print("\n| run | tokens/s (median) |\n|---|---|")
        for name, threads, ranks in runs:
            rate = train(binary, args.corpus, args.steps, threads, ranks, os.path.join(work, f"t{threads}r{ranks}"))
            print(f"| {name} | {rate:,.0f} |", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.1f}")

    batches = [10, 25, 50, 100]
    times = [compute_ms(binary, b, 10) for b in batches]
    mean_b, mean_t = statistics.mean(batches), statistics.mean(times)
    c1 = sum((b - mean_b) * (t - mean_t) for b, t in zip(batches, times)) / sum((b - mean_b) ** 2 for b in batches)
    c0 = mean_t - c1 * mean_b
    p = parameters()
    size = 4 * (p + 2)
    print("\nC(b), one node (2 threads): " + ", ".join(f"b {b}: {t:.0f} ms" for b, t in zip(batches, times)))
    print(f"fit: C(b) = {c0:.1f} ms + {c1:.2f} ms·b; P = {p:,} parameters, S = {size / 1e6:.1f} MB summed per step")

    links = [("10 Gbit/s", 1.25e9, 20e-6), ("100 Gbit/s", 12.5e9, 2e-6)]
    nodes = [2, 4, 8, 16, 32]
    def compute(b): return (c0 + c1 * b) / 1000
    def allreduce(n, bandwidth, latency): return 2 * (n - 1) / n * size / bandwidth + 2 * (n - 1) * latency
    for link, bandwidth, latency in links:
        print(f"\n{link} (latency {latency * 1e6:.0f} µs): allreduce " + ", ".join(
            f"N {n}: {allreduce(n, bandwidth, latency) * 1000:.1f} ms" for n in nodes))
        print("| global B | " + " | ".join(f"N {n}" for n in nodes) + " |\n|---|" + "---|" * len(nodes))
        for batch in [64, 256, 1024, 4096]:
            cells = []
            for n in nodes:
                if batch < n:
                    cells.append("–")
                    continue
                cells.append(f"{compute(batch) / (compute(batch / n) + allreduce(n, bandwidth, latency)):.1f}×")
            print(f"| {batch} | " + " | ".join(cells) + " |")
        # Scaling pays (speedup > 1) while the compute saved exceeds the sum:
        # c1·B·(1 − 1/N) > A(N)  ⇔  B > A(N) / (c1·(1 − 1/N)); half efficiency needs C(B) ≥ N/2 · step.
        pays = [allreduce(n, bandwidth, latency) * 1000 / (c1 * (1 - 1 / n)) for n in nodes]
        print("global B below which N nodes are slower than one: " + ", ".join(f"N {n}: {b:.0f}" for n, b in zip(nodes, pays)))
        half = []
        for n in nodes:
            b = n
            while b < 10 ** 6 and compute(b) / (compute(b / n) + allreduce(n, bandwidth, latency)) < n / 2:
                b += n
            half.append(f"N {n}: {b}")
        print("global B for 50% efficiency: " + ", ".join(half))


if __name__ == "__main__":
    main()
