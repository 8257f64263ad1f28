#!/usr/bin/env python3
"""Measured and projected scaling of `recurrent train --distributed` (docs/distributed.md).

Measured here: the char model of `recurrent bench train` (embedding 65 → 2-layer LSTM(512),
dropout 0.5, T 50, global batch B 50) trained on a corpus as 1 process × 1 thread, 1 process ×
2 threads and 2 ranks × 1 thread under mpirun: median tokens/s over the steps after the first
few. Then one node's compute time per step C(b) for b streams (`recurrent bench train --threads
2`), fitted as c0 + c1·b, and the bytes each rank sums per step, S = 4·(P + 2).

Projected for a cluster of N such nodes, one rank each, no overlap of the sum with backward:

    A(N) = 2(N−1)/N · S / bandwidth + 2(N−1)·latency        (ring allreduce; latency 20 µs at
                                                             10 Gbit/s Ethernet, 2 µs at 100 Gbit/s)
    step(N, B) = C(B/N) + A(N)           speedup = C(B) / step(N, B)

Usage: Scripts/bench_distributed.py BINARY [--corpus Data/tinyshakespeare.txt] [--steps 30] [--no-projection]
       Scripts/bench_distributed.py --projection-only 6.2,0.39     (compute ms per stream per step)
(BINARY built with `swift build -c release --traits MPI`; run at low priority on a shared machine.)
"""
import argparse, json, math, os, resource, statistics, subprocess, tempfile, time

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
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    stderr = subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True).stderr
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    rates = [json.loads(line)["tokens_per_sec"] for line in open(os.path.join(folder, "metrics.jsonl"))]
    # Rank 0's "distributed: N sums took X s on rank 0 …": the time an overlap could hide at most.
    sums = next((line.split(": ", 1)[1] for line in stderr.splitlines() if line.startswith("distributed: ") and " sums took " in line), None)
    return statistics.median(rates[3:]), cpu, wall, sums


def compute_ms(binary, batch, steps):
    """Milliseconds per training step of `batch` streams on one node (2 threads)."""
    out = subprocess.run([binary, "bench", "train", "--config", "char", "--threads", "2", "--batch-size", str(batch),
                          "--steps", str(steps), "--warmup", "2"], check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])["ms_per_step"]


def allreduce_seconds(n, size, bandwidth, latency):
    return 2 * (n - 1) / n * size / bandwidth + 2 * (n - 1) * latency


def project(ms_per_stream, size):
    """With C(b) = c1·b (the fixed part per step is small and not counted): N nodes beat one
    when c1·B·(1 − 1/N) > A(N), i.e. B > A / (c1·(1 − 1/N)); they reach 50% efficiency,
    C(B) / (N·step) ≥ ½, when c1·B ≥ N·A."""
    links = [("10 Gbit/s", 1.25e9, 20e-6), ("100 Gbit/s", 12.5e9, 2e-6)]
    print(f"\nProjection, S = {size / 1e6:.1f} MB per sum, compute " + " and ".join(f"{c:g} ms" for c in ms_per_stream)
          + " per stream per step, ring allreduce, no overlap:")
    print("| link | N | allreduce | " + " | ".join(f"smallest B that pays ({c:g} ms) | smallest B at 50% efficiency ({c:g} ms)" for c in ms_per_stream)
          + " |\n|---|---|---|" + "---|---|" * len(ms_per_stream))
    for link, bandwidth, latency in links:
        for n in [2, 4, 8, 16, 32, 64]:
            a = allreduce_seconds(n, size, bandwidth, latency) * 1000
            cells = []
            for c1 in ms_per_stream:
                # Smallest global B (a multiple of nothing in particular, at least N) for each.
                pays = max(n, math.floor(a / (c1 * (1 - 1 / n))) + 1)
                half = max(n, math.ceil(n * a / c1))
                cells += [f"{pays:,}", f"{half:,}"]
            print(f"| {link} | {n} | {a:.1f} ms | " + " | ".join(cells) + " |")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary", nargs="?")
    parser.add_argument("--corpus", default="Data/tinyshakespeare.txt")
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--no-projection", action="store_true",
                        help="only the three runs: skip timing C(b) and the projection")
    parser.add_argument("--projection-only", metavar="MS[,MS…]",
                        help="skip the measurements; project from these compute times per stream per step (ms)")
    args = parser.parse_args()
    size = 4 * (parameters() + 2)
    if args.projection_only:
        project([float(x) for x in args.projection_only.split(",")], size)
        return
    binary = os.path.abspath(args.binary)
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"CPU: {cpu}, {os.cpu_count()} cores; load average before: {os.getloadavg()[0]:.1f}")

    with tempfile.TemporaryDirectory() as work:
        runs = [("1 process × 1 thread", 1, 1), ("1 process × 2 threads", 2, 1), ("2 ranks × 1 thread", 1, 2)]
        print("\n| run | tokens/s (median) | CPU s per step | wall s | in the sums (rank 0) |\n|---|---|---|---|---|")
        for name, threads, ranks in runs:
            rate, cpu, wall, sums = train(binary, args.corpus, args.steps, threads, ranks, os.path.join(work, f"t{threads}r{ranks}"))
            print(f"| {name} | {rate:,.0f} | {cpu / args.steps:.2f} | {wall:.0f} | {sums or '–'} |", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    print("(CPU s per step: user + system of every process of the run, the corpus read, validation and")
    print(" checkpoints included, divided by the steps.)")
    if args.no_projection:
        return

    batches = [10, 25, 50, 100]
    times = [compute_ms(binary, b, 10) for b in batches]
    # C(b) ≈ c1·b through the origin (least squares): the fixed part per step is small.
    c1 = sum(b * t for b, t in zip(batches, times)) / sum(b * b for b in batches)
    print("\nC(b), one node (2 threads): " + ", ".join(f"b {b}: {t:.0f} ms" for b, t in zip(batches, times))
          + f"; C(b) ≈ {c1:.2f} ms·b; P = {parameters():,} parameters")
    project([round(c1, 1)], size)


if __name__ == "__main__":
    main()
