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

With the overlap (`--allreduce overlap`), the sum of each bucket of the flat buffer (output
layer, recurrent layers top to bottom, embedding) starts when the backward pass has finished its
gradients; rank 0 prints when each became ready (ms from the start of the step). From those
moments as fractions of the step, and the buckets' bytes, the projection says how much of A(N)
the overlap hides: the buckets go over the link one after another in that order, each from its
moment on, and what is left after the backward's end is exposed.

Usage: Scripts/bench_distributed.py BINARY [--corpus Data/tinyshakespeare.txt] [--steps 30] [--no-projection]
       Scripts/bench_distributed.py BINARY --allreduce-only [--steps 15]   (2 ranks, blocking and overlap)
       Scripts/bench_distributed.py --projection-only 6.2,0.39 [--profile "0.52,0.77,0.99,1.0"]
           (compute ms per stream per step; the buckets' ready moments as fractions of the step)
(BINARY built with `swift build -c release --traits MPI`; run at low priority on a shared machine.)
"""
import argparse, json, math, os, resource, statistics, subprocess, tempfile, time

V, E, H, L, T, B = 65, 65, 512, 2, 50, 50


def parameters():
    lstm = sum(4 * H * ((E if k == 0 else H) + H + 2) for k in range(L))
    return V * E + lstm + H * V + V


def bucket_floats():
    """The flat buffer's buckets, in backward order: output layer, layer L−1 … 0, embedding + loss + vote."""
    layers = [4 * H * ((E if k == 0 else H) + H + 2) for k in range(L)]
    return [H * V + V] + layers[::-1] + [V * E + 2]


def train(binary, corpus, steps, threads, ranks, folder, allreduce=None):
    command = [binary, "train", corpus, "--hidden-size", str(H), "--layers", str(L), "--embedding-size", str(E),
               "--dropout", "0.5", "--seq-length", str(T), "--batch-size", str(B), "--steps", str(steps),
               "--eval-every", str(steps), "--max-validation-batches", "1", "--threads", str(threads),
               "--log-every", "1000", "--output", folder]
    if ranks > 1:
        root = ["--allow-run-as-root"] if os.geteuid() == 0 else []
        command = ["mpirun", *root, "--oversubscribe", "-np", str(ranks), *command, "--distributed"]
        if allreduce:
            command += ["--allreduce", allreduce]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    stderr = subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True).stderr
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    rates = [json.loads(line)["tokens_per_sec"] for line in open(os.path.join(folder, "metrics.jsonl"))]
    # Rank 0's "distributed: N sums took X s on rank 0 …": the time an overlap could hide at most.
    sums = next((line.split(": ", 1)[1] for line in stderr.splitlines() if line.startswith("distributed: ") and " sums took " in line), None)
    # "distributed: gradients ready, mean of 15 steps from the start of a step: output 812.3 ms (0.13 MB), …"
    ready = next(([float(part.split(" ms")[0].split()[-1]) for part in line.split(": ", 2)[2].split(", ")]
                  for line in stderr.splitlines() if line.startswith("distributed: gradients ready")), None)
    return statistics.median(rates[3:]), cpu, wall, sums, ready


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


def overlap_exposed(n, ready, floats, bandwidth, latency):
    """Seconds of the sums left after the backward pass ends, buckets started at `ready` (s from
    the step's start; the last is the backward's end) and sent one after another."""
    free = 0.0
    for moment, count in zip(ready, floats):
        free = max(free, moment) + allreduce_seconds(n, 4 * count, bandwidth, latency)
    return max(0.0, free - ready[-1])


def project_overlap(ms_per_stream, fractions):
    """How much of A(N) the overlap hides, for b streams per rank: bucket i ready at
    fractions[i]·c·b ms into the step (the measured fractions), the step's compute c·b."""
    floats = bucket_floats()
    links = [("10 Gbit/s", 1.25e9, 20e-6), ("100 Gbit/s", 12.5e9, 2e-6)]
    print("\nOverlap: buckets " + ", ".join(f"{4 * f / 1e6:.2f} MB" for f in floats) + " ready at "
          + ", ".join(f"{x:.3f}" for x in fractions) + " of the step (measured); A(N) hidden, for b streams per rank:")
    print("| link | N | A(N) | " + " | ".join(f"b {b} at {c:g} ms: exposed, hidden" for c in ms_per_stream for b in (8, 32))
          + " |\n|---|---|---|" + "---|" * (2 * len(ms_per_stream)))
    for link, bandwidth, latency in links:
        for n in [2, 8, 64]:
            a = allreduce_seconds(n, 4 * (parameters() + 2), bandwidth, latency)
            cells = []
            for c in ms_per_stream:
                for b in (8, 32):
                    ready = [x * c * b / 1000 for x in fractions]
                    exposed = overlap_exposed(n, ready, floats, bandwidth, latency)
                    cells.append(f"{exposed * 1000:.1f} ms, {100 * (1 - exposed / a):.0f}%")
            print(f"| {link} | {n} | {a * 1000:.1f} ms | " + " | ".join(cells) + " |")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary", nargs="?")
    parser.add_argument("--corpus", default="Data/tinyshakespeare.txt")
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--no-projection", action="store_true",
                        help="only the three runs: skip timing C(b) and the projection")
    parser.add_argument("--projection-only", metavar="MS[,MS…]",
                        help="skip the measurements; project from these compute times per stream per step (ms)")
    parser.add_argument("--profile", metavar="F[,F…]",
                        help="with --projection-only: the buckets' ready moments as fractions of the step (output, "
                             "layers top down, embedding = 1) for the overlap projection")
    parser.add_argument("--allreduce-only", action="store_true",
                        help="only 2 ranks × 1 thread with --allreduce blocking and overlap, then the overlap projection")
    args = parser.parse_args()
    size = 4 * (parameters() + 2)
    if args.projection_only:
        costs = [float(x) for x in args.projection_only.split(",")]
        project(costs, size)
        if args.profile:
            project_overlap(costs, [float(x) for x in args.profile.split(",")])
        return
    binary = os.path.abspath(args.binary)
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"CPU: {cpu}, {os.cpu_count()} cores; load average before: {os.getloadavg()[0]:.1f}")

    with tempfile.TemporaryDirectory() as work:
        runs = [("1 process × 1 thread", 1, 1, None), ("1 process × 2 threads", 2, 1, None),
                ("2 ranks × 1 thread", 1, 2, "overlap")]
        if args.allreduce_only:
            runs = [("2 ranks × 1 thread, --allreduce blocking", 1, 2, "blocking"),
                    ("2 ranks × 1 thread, --allreduce overlap", 1, 2, "overlap")]
        print("\n| run | tokens/s (median) | CPU s per step | wall s | in the sums (rank 0) | ready (ms into the step) |"
              "\n|---|---|---|---|---|---|")
        profile = None
        for name, threads, ranks, allreduce in runs:
            rate, cpu, wall, sums, ready = train(binary, args.corpus, args.steps, threads, ranks,
                                                 os.path.join(work, f"t{threads}r{ranks}{allreduce or ''}"), allreduce)
            if ready and allreduce == "overlap":
                profile = [x / ready[-1] for x in ready]
            print(f"| {name} | {rate:,.0f} | {cpu / args.steps:.2f} | {wall:.0f} | {sums or '–'} | "
                  + (", ".join(f"{x:,.0f}" for x in ready) if ready else "–") + " |", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    print("(CPU s per step: user + system of every process of the run, the corpus read, validation and")
    print(" checkpoints included, divided by the steps.)")
    if profile:
        print("ready moments as fractions of the step: " + ",".join(f"{x:.3f}" for x in profile))
    if args.allreduce_only:
        if profile:
            project_overlap([6.2, 0.39], profile)
        return
    if args.no_projection:
        return

    batches = [10, 25, 50, 100]
    times = [compute_ms(binary, b, 10) for b in batches]
    # C(b) ≈ c1·b through the origin (least squares): the fixed part per step is small.
    c1 = sum(b * t for b, t in zip(batches, times)) / sum(b * b for b in batches)
    print("\nC(b), one node (2 threads): " + ", ".join(f"b {b}: {t:.0f} ms" for b, t in zip(batches, times))
          + f"; C(b) ≈ {c1:.2f} ms·b; P = {parameters():,} parameters")
    project([round(c1, 1)], size)
    if profile:
        project_overlap([round(c1, 1)], profile)


if __name__ == "__main__":
    main()
