#!/usr/bin/env bash
# Builds a self-contained `recurrent` for Linux: the Swift runtime and Foundation are linked in
# (--static-swift-stdlib), so the machine that runs it needs no Swift toolchain, only glibc.
# It lays out
#   OUTPUT/recurrent-VERSION-linux-ARCH/bin/recurrent
#   OUTPUT/recurrent-VERSION-linux-ARCH/share/recurrent/   the bundled data (Data/), which the
#                                                          tool finds beside its bin/
# and packs that folder into OUTPUT/recurrent-VERSION-linux-ARCH.tar.gz. Unpack it anywhere and
# put its bin/ on PATH (or copy bin/ and share/ into a prefix such as ~/.local).
#
# usage: Scripts/build-static.sh [OUTPUT]        (default OUTPUT: dist)
set -euo pipefail
cd "$(dirname "$0")/.."
output=${1:-dist}
version=$(sed -n 's/^public let recurrentVersion = "\(.*\)"$/\1/p' Sources/RecurrentKernels/Version.swift)
[ -n "$version" ] || { echo "build-static: no version in Sources/RecurrentKernels/Version.swift" >&2; exit 1; }
name="recurrent-$version-linux-$(uname -m)"
build=(swift build -c release --product recurrent --static-swift-stdlib --scratch-path .build-static)

"${build[@]}"
binary="$("${build[@]}" --show-bin-path)/recurrent"
folder="$output/$name"
rm -rf "$folder" "$folder.tar.gz"
mkdir -p "$folder/bin" "$folder/share/recurrent"
cp "$binary" "$folder/bin/recurrent"
if command -v strip >/dev/null; then strip "$folder/bin/recurrent"; fi   # symbols and debug info: a quarter of the size
cp Data/* "$folder/share/recurrent/"
cp README.md CHANGELOG.md "$folder/"
tar -C "$output" -czf "$folder.tar.gz" "$name"
echo "built $folder ($(du -sh "$folder/bin/recurrent" | cut -f1) binary) and $folder.tar.gz"
