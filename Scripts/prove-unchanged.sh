#!/usr/bin/env bash
# Proves that a restructuring left behaviour unchanged: runs one fixed list of `recurrent`
# commands with the binary built at a base commit and with the binary built from this working
# tree, then compares everything they wrote — stdout, stderr, exit status, checkpoints
# (safetensors), SVG plots, CSV and JSON files — byte for byte (SVG plots that differ in their
# bytes, then by what they draw: see below).
#
#   Scripts/prove-unchanged.sh [BASE_COMMIT]        # default: 42e10f3, the base of issue 13
#
# (The second round of issue 13 started at 250168f: `Scripts/prove-unchanged.sh 250168f`; the
# third, the series commands and the one SVG writer, at f23a15e.)
#
# Both binaries are debug builds (`swift build --product recurrent`): the base one in a git
# worktree of BASE_COMMIT under the scratch directory, the new one in this tree's `.build`.
# Set BASE_BIN and/or NEW_BIN to compare ready-built binaries instead — release builds run the
# list several times faster (a debug `forecast train` on co2 takes minutes): `swift build -c
# release --product recurrent` in a worktree of BASE_COMMIT and, with `--scratch-path
# .build-release`, in this tree. Scratch directory:
# $PROVE_DIR (default: ${TMPDIR:-/tmp}/recurrent-prove-unchanged); it is emptied first, except
# for the base worktree, whose build is reused when its commit matches.
#
# Inputs are read from BASE_COMMIT's Data/ (so moving the data later does not change them)
# and cut small, so the whole list runs in a few minutes on two cores.
#
# Masked before comparing (wall-clock fields, which differ from run to run on one binary):
#   - stderr progress of `train`: everything after "tok/s" figures, ETA and elapsed times —
#     every number directly followed by "s", "ms", "m", "h", "tok/s" or "/s" in stderr;
#   - the seconds column of `forecast train` / `classify train` epoch lines (stdout), and
#     tokens per second ("57.4k tok/s") and "0.1 s"-style times anywhere in stdout and stderr;
#   - the time column of `experiment` tables (stdout, stderr), and "in 1m02s"-style totals;
#   - in checkpoints, the number after every `"seconds":` in the header (training time so far,
#     in `training_state` and its history) and the spaces that pad the header to 8 bytes
#     (their count follows the digits); the tensors and the rest of the header are kept;
#   - in metrics.jsonl, the values of "elapsed_sec", "tokens_per_sec" and "samples_per_sec";
#   - in stdout and stderr, the path of the binary that ran (hints such as "generate with:
#     BINARY generate …" quote it), replaced by "recurrent".
# Nothing else is masked in CSV or JSON files: those must be identical as written.
#
# SVG files whose bytes differ are compared again by what they draw (Scripts/svg_drawing.py):
# for each kind of drawn element (line, rect, text, polyline — a <polyline> or one M/L run of a
# <path> —, polygon, circle, …) the multiset of its elements, each reduced to every coordinate
# it is drawn at and its text. The same drawing in new markup (other element names, grouping,
# order, number spelling, <title> tooltips, clip paths, colours and stroke widths — the style
# changes are listed) is reported as "SAME DRAWING, NEW MARKUP" and counted apart; it does not
# fail. Any other difference — one coordinate or one text — is "DIFFERS", with the elements that
# differ, and fails. (At f23a15e the forecast plots were drawn by ForecastPlot; from issue 13 on
# SVGLinePlot draws them, bands included, in its own markup — and with its own legend layout:
# every legend swatch and label 2 px further left, the first row 2 px higher, rows 18 px apart
# instead of 20. Against f23a15e those plots therefore DIFFER, in their legend entries only:
# their lines, bands, grid, ticks and titles are drawn at the same coordinates.)
#
# PROVE_RUN="new" reruns only the new side and compares it with the base side of the previous
# run in $PROVE_DIR (same BASE_COMMIT and BASE_BIN); PROVE_RUN="" compares what is there;
# the default, "base new", runs both.
set -euo pipefail

BASE_COMMIT=${1:-42e10f3}
ROOT=$(git rev-parse --show-toplevel)
PROVE_DIR=${PROVE_DIR:-${TMPDIR:-/tmp}/recurrent-prove-unchanged}
mkdir -p "$PROVE_DIR"
export PATH=${SWIFT_BIN:+$SWIFT_BIN:}$PATH

# ---- binaries ------------------------------------------------------------------------------
if [[ -z ${BASE_BIN:-} ]]; then
    base_tree=$PROVE_DIR/base-tree
    want=$(git -C "$ROOT" rev-parse "$BASE_COMMIT^{commit}")
    if [[ ! -d $base_tree ]] || [[ $(git -C "$base_tree" rev-parse HEAD) != "$want" ]]; then
        git -C "$ROOT" worktree remove --force "$base_tree" 2>/dev/null || rm -rf "$base_tree"
        git -C "$ROOT" worktree add --detach "$base_tree" "$want" >/dev/null
    fi
    echo "building base $BASE_COMMIT in $base_tree" >&2
    (cd "$base_tree" && swift build --product recurrent >/dev/null)
    BASE_BIN=$base_tree/.build/debug/recurrent
fi
if [[ -z ${NEW_BIN:-} ]]; then
    echo "building the working tree in $ROOT" >&2
    (cd "$ROOT" && swift build --product recurrent >/dev/null)
    NEW_BIN=$ROOT/.build/debug/recurrent
fi

# ---- inputs --------------------------------------------------------------------------------
inputs=$PROVE_DIR/inputs
PROVE_RUN=${PROVE_RUN-base new}
rm -rf "$inputs"
for side in $PROVE_RUN; do rm -rf "${PROVE_DIR:?}/$side"; done
mkdir -p "$inputs"
data() { git -C "$ROOT" show "$BASE_COMMIT:Data/$1" >"$inputs/$1"; }
data tinyshakespeare.txt && data co2.csv && data elec_equip.csv && data digits.csv
head -c 30000 "$inputs/tinyshakespeare.txt" >"$inputs/text.txt"
head -c 3000 "$inputs/tinyshakespeare.txt" >"$inputs/held-out.txt"   # inside the vocabulary
head -n 401 "$inputs/digits.csv" >"$inputs/digits-400.csv"
printf 'pos\tgood fine great film\nneg\tbad awful poor film\npos\tgreat good story\nneg\tpoor bad story\npos\tfine great acting\nneg\tawful poor acting\npos\tgood story film\nneg\tbad acting story\npos\tgreat fine film\nneg\tawful bad film\npos\tgood great acting\nneg\tpoor awful story\n' > "$inputs/reviews.tsv"

# ---- the commands --------------------------------------------------------------------------
# One per line: a name, then the arguments. Each runs in its side's directory with inputs/ as
# `in/`, so every path it prints or writes is the same on both sides.
COMMANDS=$(cat <<'EOF'
help                 --help
help-train           train --help
help-generate        generate --help
help-evaluate        evaluate --help
help-demo            demo --help
help-experiment      experiment --help
help-forecast        forecast --help
help-forecast-train  forecast train --help
help-forecast-pred   forecast predict --help
help-classify        classify --help
help-classify-train  classify train --help
help-classify-pred   classify predict --help
help-bench           bench --help
help-bench-train     bench train --help
version              --version
demo-corpus          demo --save-corpus out/demo-corpus.txt --corpus-bytes 20000 --seed 3
train-char           train in/text.txt --steps 12 --hidden-size 24 --embedding-size 8 --layers 2 --seq-length 16 --batch-size 8 --eval-every 5 --max-validation-batches 4 --seed 2 --output out/char
train-char-resume    train in/text.txt --resume out/char --steps 18 --max-validation-batches 4
generate-char        generate out/char --length 120 --prime "ROMEO:" --temperature 0.9 --seed 7
generate-char-greedy generate out/char/best.safetensors --length 60 --greedy
generate-char-topk   generate out/char --length 60 --top-k 5 --top-p 0.9 --seed 3
evaluate-char        evaluate out/char in/held-out.txt
train-word-gru       train in/text.txt --level word --cell gru --steps 8 --hidden-size 16 --layers 1 --seq-length 8 --batch-size 4 --optimizer sgd --learning-rate 0.5 --schedule cosine --warmup-steps 2 --clip-value 0.5 --seed 4 --output out/word
generate-word        generate out/word --length 40 --seed 1 --capitalize
train-byte-rnn       train in/text.txt --level byte --cell rnn-relu --steps 6 --hidden-size 16 --layers 2 --dropout 0 --seq-length 8 --batch-size 4 --optimizer rmsprop --schedule step --no-clip --micro-batches 2 --seed 5 --output out/byte
train-peephole       train in/text.txt --cell lstm --peepholes --steps 6 --hidden-size 16 --layers 1 --seq-length 8 --batch-size 4 --optimizer adamw --schedule plateau --eval-every 3 --max-validation-batches 2 --seed 6 --output out/peep
train-rnn-epochs     train in/text.txt --cell rnn --epochs 1 --validation-fraction 0.5 --hidden-size 8 --layers 1 --seq-length 32 --batch-size 32 --schedule exponential --seed 8 --output out/rnn
experiment-list      experiment --list
experiment-adding    experiment adding --cells rnn,gru,lstm,peephole --seeds 2 --steps 40 --length 12 --hidden 8 --batch 8 --test-size 32 --eval-every 20 --jobs 1 --quiet --plot out/adding.svg --norm-plot out/adding-norms.svg
experiment-order     experiment temporal-order --cells lstm --seeds 1 --steps 20 --length 20 --hidden 8 --batch 8 --test-size 32 --eval-every 10 --optimizer sgd --jobs 1 --quiet
experiment-clipping  experiment clipping --cells rnn --seeds 1 --steps 20 --hidden 8 --test-size 32 --eval-every 10 --jobs 1 --quiet --plot out/clipping.svg
experiment-copy      experiment copy --cells gru --seeds 1 --steps 20 --length 5 --hidden 8 --lr 0.01 --test-size 16 --eval-every 10 --optimizer rmsprop --jobs 1 --quiet
experiment-timing    experiment timing --cells peephole --seeds 1 --steps 20 --hidden 8 --test-size 16 --eval-every 10 --forget-bias 2 --jobs 1 --quiet
experiment-digits    experiment sequential-digits --data in/digits-400.csv --pixels-per-step 8 --cells lstm --seeds 1 --steps 10 --hidden 8 --batch 16 --eval-every 5 --jobs 1 --quiet
forecast-train       forecast train in/co2.csv --column co2 --lookback 24 --horizon 12 --epochs 3 --hidden 8 --seed 3 --output out/co2
forecast-train-gru   forecast train in/elec_equip.csv --column STS.M.I7.W.TOVT.NS0016.4.000 --lookback 12 --horizon 6 --epochs 2 --hidden 6 --layers 2 --cell gru --reference last --seed 4 --output out/elec
forecast-predict     forecast predict out/co2/forecast.safetensors in/co2.csv --output out/co2-forecast.csv --plot out/co2-forecast.svg
forecast-backtest    forecast predict out/co2/forecast.safetensors in/co2.csv --backtest --horizon 6 --output out/co2-backtest.csv --plot out/co2-backtest.svg
classify-train       classify train in/digits-400.csv --label-last --steps 8 --features 8 --epochs 2 --hidden 8 --seed 2 --output out/digits
classify-train-bi    classify train in/digits-400.csv --label-last --steps 8 --features 8 --epochs 2 --hidden 6 --cell rnn --bidirectional --pooling mean --seed 3 --output out/digits-bi
classify-predict     classify predict out/digits/classifier.safetensors in/digits-400.csv --output out/digits-predictions.csv
classify-text        classify train in/reviews.tsv --text --epochs 3 --hidden 6 --embedding-size 4 --test 0.25 --validation 0.25 --seed 1 --output out/reviews
help-gradient-flow   experiment gradient-flow --help
help-memory-span     experiment memory-span --help
gradient-flow        experiment gradient-flow --length 6 --cells rnn,lstm --seeds 2 --steps 10 --hidden-size 4 --batch-size 4 --quiet --plot out/gradient-flow.svg
gradient-flow-json   experiment gradient-flow --length 5 --cells gru --steps 5 --hidden-size 4 --json
memory-span          experiment memory-span --lags 1,3 --cells rnn,lstm --steps 10 --hidden-size 4 --batch-size 4 --hmm-iterations 3 --jobs 1 --quiet --plot out/memory-span.svg
memory-span-json     experiment memory-span --lags 2 --symbols 3 --cells gru --seeds 2 --seed 5 --steps 5 --hidden-size 4 --hmm-states 3 --hmm-iterations 2 --jobs 1 --json --quiet
forecast-hybrid      forecast train in/co2.csv --column co2 --lookback 24 --horizon 12 --epochs 2 --hidden 4 --model hybrid --seed 3 --output out/co2-hybrid
bad-layers           train in/text.txt --layers 0
bad-dropout          train in/text.txt --input-dropout 1 --layers 0
bad-clip             train in/text.txt --clip 0
bad-keep-last        train in/text.txt --keep-last -1 --log-every 0
bad-log-every        train in/text.txt --log-every 0
bad-min-count        train in/text.txt --min-count 0
bad-validation       train in/text.txt --validation-fraction 1
bad-seeds            experiment adding --seeds 0
bad-span-seeds       experiment memory-span --seeds 0
bad-flow-seeds       experiment gradient-flow --seeds 1001
bad-flow-plot        experiment gradient-flow --plot x.png
bad-span-plot        experiment memory-span --plot x.png
forecast-hybrid-pred forecast predict out/co2-hybrid/forecast.safetensors in/co2.csv --output out/co2-hybrid.csv --plot out/co2-hybrid.svg
forecast-hybrid-back forecast predict out/co2-hybrid/forecast.safetensors in/co2.csv --backtest --origins 3 --step 4 --output out/co2-hybrid-back.csv --plot out/co2-hybrid-back.svg
forecast-pred-json   forecast predict out/co2/forecast.safetensors in/co2.csv --horizon 4 --model ets --json --output out/co2-ets.csv --plot out/co2-ets.svg
forecast-back-json   forecast predict out/elec/forecast.safetensors in/elec_equip.csv --backtest --origins 2 --json --output out/elec-back.csv --plot out/elec-back.svg
forecast-train-json  forecast train in/co2.csv --column co2 --lookback 12 --horizon 6 --epochs 1 --hidden 4 --layers 2 --batch-size 16 --learning-rate 0.01 --clip 0.5 --patience 2 --test 0.2 --validation 0.1 --season 52 --reference mean --json --seed 9 --output out/co2-json
classify-train-json  classify train in/digits-400.csv --label-column 65 --features 8 --epochs 1 --hidden 4 --layers 2 --no-clip --batch-size 20 --patience 1 --json --seed 4 --output out/digits-json
classify-text-pred   classify predict out/reviews/classifier.safetensors in/reviews.tsv --output out/reviews-predictions.csv --json
bad-fc-lookback      forecast train in/co2.csv --column co2 --lookback 0 --horizon 4
bad-fc-several       forecast train in/co2.csv --column co2 --lookback 4 --horizon 2 --epochs 0 --learning-rate -1 --ensemble 2
bad-fc-lookbacks     forecast train in/co2.csv --column co2 --lookback 24 --horizon 12 --model hybrid --lookbacks 3,x
bad-fc-column        forecast train in/co2.csv --lookback 24 --horizon 12 --clip -1
bad-fc-penalty       forecast train in/co2.csv --column co2 --lookback 24 --horizon 12 --level-penalty -1
bad-fp-origins       forecast predict out/co2/forecast.safetensors in/co2.csv --origins 0 --step 0
bad-fp-horizon       forecast predict out/co2/forecast.safetensors in/co2.csv --horizon 99
bad-cl-label         classify train in/digits-400.csv
bad-cl-split         classify train in/digits-400.csv --label-last --test 0.6 --validation 0.5 --hidden-size 0
bad-cl-text          classify train in/reviews.tsv --text --label-last --features 3
EOF
)

run_side() {   # run_side NAME BINARY
    local dir=$PROVE_DIR/$1 bin=$2
    mkdir -p "$dir/out" "$dir/logs"
    ln -s "$inputs" "$dir/in"
    while read -r name args; do
        [[ -z $name ]] && continue
        eval "set -- $args"
        (cd "$dir" && "$bin" "$@" >"logs/$name.stdout" 2>"logs/$name.stderr" </dev/null; echo $? >"logs/$name.status") || true
    done <<<"$COMMANDS"
}

declare -A BIN=([base]=$BASE_BIN [new]=$NEW_BIN)
for side in $PROVE_RUN; do
    echo "running $(grep -c . <<<"$COMMANDS") commands with the $side binary (${BIN[$side]})" >&2
    run_side "$side" "${BIN[$side]}"
done

# ---- masking and comparison ----------------------------------------------------------------
mask() {   # wall-clock figures in a log -> '#'; see the list at the top
    sed -E \
        -e 's/[0-9][0-9.,]*[kM]? ?(tok\/s|\/s)/#/g' \
        -e 's/[0-9][0-9.,]*(h|m)?[0-9.]*(ms|s)\b/#/g' \
        -e 's/\b[0-9]+\.[0-9]+ s\b/#/g' \
        -e 's/\b[0-9]+m[0-9]+s\b/#/g' \
        -e 's/(epoch +[0-9]+ .*  )[0-9]+\.[0-9]+$/\1#/' \
        "$1"
}
mask_checkpoint() {   # the "seconds" of the training state -> '#'; every other byte kept
    python3 - "$1" <<'PY'
import re, struct, sys
path = sys.argv[1]
blob = open(path, "rb").read()
n = struct.unpack("<Q", blob[:8])[0]
header = re.sub(rb'(\\"seconds\\":)[-+0-9.eE]+', rb"\1#", blob[8:8 + n].rstrip(b" "))  # and padding
open(path, "wb").write(header + b"\n" + blob[8 + n:])
PY
}
for side in $PROVE_RUN; do
    for f in "$PROVE_DIR/$side"/logs/*.stdout "$PROVE_DIR/$side"/logs/*.stderr; do
        mask "$f" >"$f.masked" && mv "$f.masked" "$f"
    done
    find "$PROVE_DIR/$side/out" -name '*.safetensors' -print0 | while IFS= read -r -d '' f; do mask_checkpoint "$f"; done
done
for side in base new; do   # these masks change nothing the second time
    for f in "$PROVE_DIR/$side"/logs/*.stdout "$PROVE_DIR/$side"/logs/*.stderr; do
        sed -i "s#${BIN[$side]}#recurrent#g" "$f"
    done
    find "$PROVE_DIR/$side/out" -name metrics.jsonl -print0 |
        xargs -0 -r sed -i -E 's/("(elapsed_sec|tokens_per_sec|samples_per_sec)":)[-+0-9.eE]+/\1#/g'
done

same=0 redrawn=0 differ=0
while read -r rel; do
    base_file=$PROVE_DIR/base/$rel new_file=$PROVE_DIR/new/$rel
    if [[ ! -e $new_file ]]; then
        echo "MISSING in new: $rel"; differ=$((differ + 1))
    elif cmp -s "$base_file" "$new_file"; then
        same=$((same + 1))
    elif [[ $rel == *.svg ]] && drawing=$(python3 "$ROOT/Scripts/svg_drawing.py" "$base_file" "$new_file"); then
        echo "SAME DRAWING, NEW MARKUP: $rel ($drawing)"; redrawn=$((redrawn + 1))
    else
        echo "DIFFERS: $rel ($(cmp "$base_file" "$new_file" 2>&1 | head -1 | sed 's/.*differ: //'))"
        [[ $rel == *.svg ]] && echo "$drawing"
        differ=$((differ + 1))
    fi
done < <(cd "$PROVE_DIR/base" && find logs out -type f | sort)
extra=$(cd "$PROVE_DIR/new" && find logs out -type f | sort | while read -r rel; do [[ -e $PROVE_DIR/base/$rel ]] || echo "$rel"; done)
if [[ -n $extra ]]; then echo "ONLY in new: $extra"; differ=$((differ + $(wc -l <<<"$extra"))); fi

failed=$(grep -L '^0$' "$PROVE_DIR"/base/logs/*.status | xargs -r -n1 basename | sed 's/\.status$//' | tr '\n' ' ')
echo "commands: $(grep -c . <<<"$COMMANDS") (non-zero exit at base, compared all the same: ${failed:-none})"
echo "files byte-identical: $same; same drawing in new markup (SVG): $redrawn; different or missing: $differ"
[[ $differ -eq 0 ]]
