# Stage runner for .ci/run: `stage NAME SECONDS FUNCTION [ARGS…]` runs one stage under a time
# limit, prints its duration, and stops the run at the first failure. `stage_summary` prints
# every stage's duration and the closing line.
_stage_names=(); _stage_seconds=()
_ci_start=$SECONDS

stage() {
    local name=$1 limit=$2; shift 2
    echo "::: stage $name (limit ${limit}s)"
    local start=$SECONDS status=0
    # A subshell in its own process group (job control on), so that a time-out ends
    # everything it started.
    set -m
    ( set -euo pipefail; "$@" ) &
    local pid=$!
    ( sleep "$limit" && echo "::: stage $name exceeded ${limit}s" >&2 && kill -TERM -- "-$pid" 2>/dev/null ) &
    local watchdog=$!
    set +m
    wait "$pid" || status=$?
    kill -TERM -- "-$watchdog" 2>/dev/null || true; wait "$watchdog" 2>/dev/null || true
    local took=$((SECONDS - start))
    _stage_names+=("$name"); _stage_seconds+=("$took")
    echo "::: stage $name: ${took}s (exit $status)"
    if [ "$status" -ne 0 ]; then
        stage_summary
        echo "ci: stage $name failed" >&2
        exit "$status"
    fi
}

stage_summary() {
    echo "::: durations"
    local i
    for i in "${!_stage_names[@]}"; do printf ':::   %-14s %5ss\n' "${_stage_names[$i]}" "${_stage_seconds[$i]}"; done
    printf ':::   %-14s %5ss\n' total "$((SECONDS - _ci_start))"
}
