#!/usr/bin/env bash
# Checks `recurrent train --distributed` end to end on this machine (CI's `mpi` stage):
#   1. a 2-rank run under mpirun matches the single-process run with the same global batch
#      (losses within 1e-5 relative, dropout and AWD-LSTM's regularisers on) and is bit-for-bit
#      repeatable; rank 1 is given a corpus path that names no file (it maps rank 0's token cache);
#   1b. the sum overlapped with the backward pass (--allreduce overlap, the default: a sum per
#      layer, started as soon as its gradients are final) gives the bits of the blocking one
#      (--allreduce blocking) — losses and every tensor of the checkpoint — with 2 and 3 ranks;
#   2. its checkpoint resumes in 1 process and continues the single-process run;
#   3. a 2-rank run to a time budget (--time) finishes (the ranks plan on rank 0's clock);
#   4. a rank that dies (SIGKILL) ends the job within 10 s, a rank that hangs (SIGSTOP) ends it
#      after --distributed-timeout, and the last checkpoint still loads.
# Usage: Scripts/check_distributed.sh RECURRENT_BINARY (built with --traits MPI)
set -euo pipefail
bin=$(realpath "$1")
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
head -c 300000 "$repo/Data/tinyshakespeare.txt" > corpus.txt
launcher=(mpirun --oversubscribe)
if [ "$(id -u)" = 0 ]; then launcher=(mpirun --allow-run-as-root --oversubscribe); fi
mpi=("${launcher[@]}" -np 2)
common=(--dropout 0.2 --input-dropout 0.1 --hidden-dropout 0.1 --weight-drop 0.2 --embedding-dropout 0.1
        --hidden-size 64 --embedding-size 32 --batch-size 8 --seq-length 32 --eval-every 10
        --max-validation-batches 4 --threads 1 --log-every 10)

# The loss curves of two metrics logs: equal (exact) or within a relative tolerance.
compare() {
    python3 - "$@" <<'PY'
import json, sys
a, b, mode = sys.argv[1], sys.argv[2], sys.argv[3]
def losses(path):
    return [(r["step"], r["train_loss"], r.get("val_loss")) for r in map(json.loads, open(path))]
x, y = losses(a), losses(b)
assert [s for s, _, _ in x] == [s for s, _, _ in y], f"{a} and {b} log other steps"
worst = 0.0
for (s, l1, v1), (_, l2, v2) in zip(x, y):
    pairs = [(l1, l2)] + ([(v1, v2)] if v1 is not None else [])
    for p, q in pairs:
        if mode == "exact":
            assert p == q, f"step {s}: {p} != {q}"
        worst = max(worst, abs(p - q) / abs(p))
if mode != "exact":
    assert worst <= float(mode), f"largest relative difference {worst:.3g} > {mode}"
print(f"{a} vs {b}: {len(x)} steps, largest relative difference {worst:.3g} ({'exact' if mode == 'exact' else 'tolerance ' + mode})")
PY
}

# Every tensor of two safetensors files (weights, optimizer moments, carried state) bit for bit.
same_tensors() {
    python3 - "$@" <<'PY'
import json, struct, sys
def tensors(path):
    data = open(path, "rb").read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    body = data[8 + n:]
    return {k: body[v["data_offsets"][0]:v["data_offsets"][1]] for k, v in header.items() if k != "__metadata__"}
a, b = tensors(sys.argv[1]), tensors(sys.argv[2])
assert a.keys() == b.keys(), f"other tensors: {sorted(a.keys() ^ b.keys())}"
different = [k for k in a if a[k] != b[k]]
assert not different, f"{sys.argv[1]} and {sys.argv[2]} differ in {different}"
print(f"{sys.argv[1]} vs {sys.argv[2]}: {len(a)} tensors, bit for bit")
PY
}

echo "== 1 process, 30 steps"
"$bin" train corpus.txt "${common[@]}" --steps 30 --output single
echo "== 2 ranks, 20 steps, twice (rank 1's corpus path names no file: it maps rank 0's token cache)"
"${launcher[@]}" -np 1 "$bin" train corpus.txt "${common[@]}" --steps 20 --output ranks --distributed \
    : -np 1 "$bin" train not-on-this-node.txt "${common[@]}" --steps 20 --output ranks --distributed
"${mpi[@]}" "$bin" train corpus.txt "${common[@]}" --steps 20 --output again --distributed 2>/dev/null
compare again/metrics.jsonl ranks/metrics.jsonl exact
echo "== 2 and 3 ranks, --allreduce blocking against overlap: the same bits"
"${mpi[@]}" "$bin" train corpus.txt "${common[@]}" --steps 20 --output blocking --distributed --allreduce blocking 2>/dev/null
compare blocking/metrics.jsonl again/metrics.jsonl exact
same_tensors blocking/latest.safetensors again/latest.safetensors
for mode in overlap blocking; do
    "${launcher[@]}" -np 3 "$bin" train corpus.txt "${common[@]}" --steps 10 --output "three-$mode" --distributed \
        --allreduce "$mode" 2>/dev/null
done
compare three-blocking/metrics.jsonl three-overlap/metrics.jsonl exact
same_tensors three-blocking/latest.safetensors three-overlap/latest.safetensors
echo "== resumed in 1 process to step 30"
"$bin" train corpus.txt --resume ranks/latest.safetensors --steps 30 --threads 1 --log-every 10
compare single/metrics.jsonl ranks/metrics.jsonl 1e-5

echo "== 2 ranks to a time budget of 10 s"
"${mpi[@]}" "$bin" train corpus.txt "${common[@]}" --time 10s --output budget --distributed 2>&1 | tail -n 2

echo "== rank 1 killed (SIGKILL) after step 15"
start=$(date +%s)
status=0
"${mpi[@]}" "$bin" train corpus.txt "${common[@]}" --steps 1000 --output killed --distributed \
    --kill-rank-after-step 1:15 > killed.log 2>&1 || status=$?
took=$(python3 -c "import os, time; print(f'{time.time() - os.path.getmtime(\"killed/metrics.jsonl\"):.1f}')")
echo "exit $status, job ended ${took} s after rank 0's last step"
[ "$status" -ne 0 ] && python3 -c "import sys; sys.exit(0 if $took < 10 else 1)"
"$bin" generate killed/latest.safetensors --length 40 --seed 1 --prime "ROMEO:" > /dev/null
echo "== rank 1 hung (SIGSTOP) after step 15, --distributed-timeout 3"
status=0
"${mpi[@]}" "$bin" train corpus.txt "${common[@]}" --steps 1000 --output hung --distributed \
    --distributed-timeout 3 --kill-rank-after-step 1:15:stop > hung.log 2>&1 || status=$?
took=$(python3 -c "import os, time; print(f'{time.time() - os.path.getmtime(\"hung/metrics.jsonl\"):.1f}')")
grep -F "no answer from the other 1 process for 3 s" hung.log
echo "exit $status, job ended ${took} s after rank 0's last step"
[ "$status" -ne 0 ] && python3 -c "import sys; sys.exit(0 if $took < 10 else 1)"
"$bin" train corpus.txt --resume hung/latest.safetensors --steps 25 --threads 1 --log-every 100 2>&1 | tail -1
echo "distributed: all checks passed"
