#!/usr/bin/env bash
# Builds the libFuzzer targets in FuzzTesting/ (release, AddressSanitizer) and runs them.
#
#   Scripts/fuzz.sh                       every target for 40 s each
#   Scripts/fuzz.sh --time 600 FuzzCorpus one target for 10 minutes
#   Scripts/fuzz.sh --runs 1000000        every target for 1M executions
#   Scripts/fuzz.sh --regressions         only replay the committed inputs (no fuzzing)
#   Scripts/fuzz.sh --keep-going --runs 1000000   a long run: a crash does not stop the next targets
#
# Each target first replays FuzzTesting/Regressions/<Target>/ (inputs of crashes found and
# fixed) and its seeds, then fuzzes from FuzzTesting/Seeds/<Target>/ plus a working corpus in
# .build-fuzz/corpus/<Target>/. A crash stops the run with exit 1 (with --keep-going: the
# other targets still run, then exit 1) and leaves its input in .build-fuzz/crashes/; fix it,
# add the input to Regressions/ and a test that runs it. Each target's line ends with its
# executions, wall and CPU seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
export SWIFT_BACKTRACE=enable=no      # libFuzzer reports crashes itself; the backtracer would hang it

targets=(FuzzSafeTensors FuzzTextCheckpoint FuzzForecastCheckpoint FuzzClassifierCheckpoint FuzzCorpus FuzzSeriesCSV FuzzPrime)
seconds=40 runs=-1 regressions_only=0 keep_going=0 chosen=()
while [ $# -gt 0 ]; do
    case "$1" in
        --time) seconds=$2; shift 2 ;;
        --runs) runs=$2; seconds=0; shift 2 ;;
        --regressions) regressions_only=1; shift ;;
        --keep-going) keep_going=1; shift ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        Fuzz*) chosen+=("$1"); shift ;;
        *) echo "fuzz.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
[ ${#chosen[@]} -gt 0 ] && targets=("${chosen[@]}")

scratch=.build-fuzz
# --sanitize=fuzzer alone instruments only the fuzz targets' own files; -Xswiftc carries the
# coverage instrumentation and AddressSanitizer into every Swift module they use.
build=(-c release --sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address)
swift build "${build[@]}" --package-path FuzzTesting --scratch-path "$scratch" 2>&1 \
    | grep -v "Cannot export local symbol '__asan_extra_spill_area'"
bin=$(swift build "${build[@]}" --package-path FuzzTesting --scratch-path "$scratch" --show-bin-path)
mkdir -p "$scratch/crashes"

crashed=()
for target in "${targets[@]}"; do
    echo "::: $target"
    replay=()
    for dir in FuzzTesting/Regressions/$target FuzzTesting/Seeds/$target; do
        [ -d "$dir" ] && replay+=("$dir"/*)
    done
    [ ${#replay[@]} -gt 0 ] && "$bin/$target" -runs=1 "${replay[@]}" 2>&1 | tail -n 1
    [ "$regressions_only" = 1 ] && continue
    corpus="$scratch/corpus/$target"; mkdir -p "$corpus"
    options=(-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "-artifact_prefix=$scratch/crashes/$target-")
    if [ "$seconds" -gt 0 ]; then options+=("-max_total_time=$seconds"); else options+=("-runs=$runs"); fi
    status=0
    # bash's own `time` (wall, user, system seconds) into $target.time: no GNU time needed.
    { TIMEFORMAT="%R %U %S"; time "$bin/$target" "${options[@]}" "$corpus" "FuzzTesting/Seeds/$target" \
        2>"$scratch/$target.log"; } 2>"$scratch/$target.time" || status=$?
    if [ "$status" != 0 ]; then
        tail -n 60 "$scratch/$target.log"; echo "fuzz.sh: $target crashed (input in $scratch/crashes/)" >&2
        [ "$keep_going" = 1 ] || exit 1
        crashed+=("$target"); continue
    fi
    grep -E "^(Done|stat::number_of_executed_units|stat::peak_rss_mb)" "$scratch/$target.log" || tail -n 3 "$scratch/$target.log"
    read -r wall user system < <(tail -n 1 "$scratch/$target.time")
    echo "$target: ${wall} s wall, $(python3 -c "print(round($user + $system, 1))") s CPU (user + system)"
done
if [ ${#crashed[@]} -gt 0 ]; then echo "fuzz.sh: crashed: ${crashed[*]}" >&2; exit 1; fi
