#!/usr/bin/env bash
# Runs a command and reports its peak anonymous memory (RssAnon: heap, stacks, private
# mappings — not the page cache of files it reads or maps), sampled from /proc every 0.1 s,
# with its peak total resident memory (VmHWM, which counts mapped file pages too). Linux only.
#
#   Scripts/peak-memory.sh recurrent train big.txt --steps 50 --output run
#
# Prints "peak RssAnon: N MB, VmHWM: M MB" on stderr after the command's own output and
# exits with the command's status.
set -uo pipefail
[ $# -gt 0 ] || { sed -n '2,9p' "$0" >&2; exit 2; }
"$@" &
pid=$!
peak=0 hwm=0
while kill -0 "$pid" 2>/dev/null; do
    if status=$(cat "/proc/$pid/status" 2>/dev/null); then
        anon=$(awk '/^RssAnon:/ { print $2 }' <<<"$status")
        high=$(awk '/^VmHWM:/ { print $2 }' <<<"$status")
        [ -n "$anon" ] && [ "$anon" -gt "$peak" ] && peak=$anon
        [ -n "$high" ] && [ "$high" -gt "$hwm" ] && hwm=$high
    fi
    sleep 0.1
done
wait "$pid"
status=$?
echo "peak RssAnon: $((peak / 1024)) MB, VmHWM: $((hwm / 1024)) MB" >&2
exit "$status"
