#!/usr/bin/env bash
# Full against adaptive softmax at word level, for the same wall time on a shared machine:
# both runs of a corpus start together with one thread each (so they share the CPU alike),
# are stopped with Ctrl-C (SIGINT: a checkpoint is saved) after SECONDS seconds, and then
# summarised from their metrics.jsonl: steps, mean step time, CPU seconds, the training loss
# (mean of the last 20 steps, and at the step both reached), and the last validation loss.
#
#   Scripts/compare_softmax.sh [SECONDS] [CORPUS…]    # default: 240 tinyshakespeare.txt anna.txt
#
# COMPARE_OPTIONS adds options to every run (e.g. "--min-count 5" for a smaller vocabulary) and
# COMPARE_TAG names the runs apart (e.g. "-min5"), COMPARE_EVAL_EVERY sets --eval-every (40).
#
# Uses RECURRENT (default: .build-release/release/recurrent; build it with
# `swift build -c release --product recurrent --scratch-path .build-release`), runs at
# `nice -n 10`, writes into $COMPARE_DIR (default: ${TMPDIR:-/tmp}/recurrent-compare-softmax).
# The model: the issue's word-level options at H = 256 (2 × LSTM(256), E 256, dropout 0.1,
# T 32, B 64, Adam 2e-3), validation every 40 steps on 8 batches.
set -euo pipefail
seconds=${1:-240}; shift || true
corpora=("$@"); [ ${#corpora[@]} -gt 0 ] || corpora=(tinyshakespeare.txt anna.txt)
bin=${RECURRENT:-.build-release/release/recurrent}
out=${COMPARE_DIR:-${TMPDIR:-/tmp}/recurrent-compare-softmax}
py=${PYTHON:-python3}
rm -rf "$out"; mkdir -p "$out"
options=(--level word --embedding-size 256 --hidden-size 256 --layers 2 --dropout 0.1 --seq-length 32
         --batch-size 64 --learning-rate 2e-3 --steps 100000 --eval-every "${COMPARE_EVAL_EVERY:-40}" --max-validation-batches 8
         --log-every 20 --threads 1)
read -r -a extra <<< "${COMPARE_OPTIONS:-}"
tag=${COMPARE_TAG:-}
for corpus in "${corpora[@]}"; do
    name=$(basename "$corpus" .txt)$tag
    for softmax in full adaptive; do
        run="$out/$name-$softmax"
        # timeout sends SIGINT (Ctrl-C: the run saves a checkpoint and exits 130).
        /usr/bin/time -f "%U %S" -o "$run.cpu" timeout -s INT "$seconds" nice -n 10 "$bin" train "$corpus" \
            "${options[@]}" ${extra[@]+"${extra[@]}"} --softmax "$softmax" --output "$run" 2> "$run.log" &
    done
    wait || true
done
"$py" - "$out" <<'PY'
import json, pathlib, statistics, sys
out = pathlib.Path(sys.argv[1])
runs = {}
for metrics in sorted(out.glob("*/metrics.jsonl")):
    rows = [json.loads(l) for l in metrics.read_text().splitlines() if l.strip()]
    cpu = sum(map(float, (out / (metrics.parent.name + ".cpu")).read_text().split()[-2:]))
    # Step time: the median gap between consecutive steps without a validation in between.
    gaps = [b["elapsed_sec"] - a["elapsed_sec"] for a, b in zip(rows, rows[1:]) if "val_loss" not in b]
    runs[metrics.parent.name] = (rows, cpu, statistics.median(gaps))
print("| run | steps | s/step (median, wall) | CPU s | steps per CPU s | train loss (mean of last 20 steps) | last validation loss (step, s) |")
print("| --- | --- | --- | --- | --- | --- | --- |")
for name, (rows, cpu, gap) in runs.items():
    last = rows[-20:]
    v = ([r for r in rows if "val_loss" in r] or [{"val_loss": float("nan"), "step": "-", "elapsed_sec": float("nan")}])[-1]
    print(f"| {name} | {len(rows)} | {gap:.2f} | {cpu:.0f} | {len(rows) / cpu:.2f} | "
          f"{sum(r['train_loss'] for r in last) / len(last):.3f} | {v['val_loss']:.3f} ({v['step']}, {v['elapsed_sec']:.0f}) |")
for corpus in sorted({n.rsplit("-", 1)[0] for n in runs}):
    a, b = runs.get(corpus + "-full"), runs.get(corpus + "-adaptive")
    if not (a and b):
        continue
    n = min(len(a[0]), len(b[0]))
    mean = lambda rows: sum(r["train_loss"] for r in rows[max(0, n - 20):n]) / len(rows[max(0, n - 20):n])
    va = {r["step"]: r["val_loss"] for r in a[0] if "val_loss" in r}
    vb = {r["step"]: r["val_loss"] for r in b[0] if "val_loss" in r}
    common = max(set(va) & set(vb), default=None)
    print(f"{corpus}: at step {n} (both reached it) training loss full {mean(a[0]):.3f}, adaptive {mean(b[0]):.3f}"
          + (f"; validation at step {common}: full {va[common]:.3f}, adaptive {vb[common]:.3f}" if common else ""))
PY
