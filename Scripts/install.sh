#!/usr/bin/env bash
# Installs the `recurrent` tool: a release build into PREFIX/bin, and the bundled data (Data/)
# into PREFIX/share/recurrent, where the tool looks first (so the clone may go). Run it again
# to update; the binary is replaced atomically.
#
# usage: Scripts/install.sh [PREFIX]        (default PREFIX: ~/.local)
#
# The binary uses the Swift runtime of the toolchain that built it. For a machine without
# Swift, Scripts/build-static.sh builds a self-contained one.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=${1:-$HOME/.local}
build=(swift build -c release --product recurrent)

"${build[@]}"
binary="$("${build[@]}" --show-bin-path)/recurrent"
mkdir -p "$prefix/bin" "$prefix/share/recurrent"
cp "$binary" "$prefix/bin/.recurrent.new"
mv -f "$prefix/bin/.recurrent.new" "$prefix/bin/recurrent"
cp Data/* "$prefix/share/recurrent/"
echo "installed $prefix/bin/recurrent ($("$prefix/bin/recurrent" --version)), its data in $prefix/share/recurrent"
case ":$PATH:" in
    *":$prefix/bin:"*) ;;
    *) echo "$prefix/bin is not on PATH; add it, then open a new shell:"
       echo "  echo 'export PATH=\"$prefix/bin:\$PATH\"' >> ~/.bashrc      # zsh: ~/.zshrc" ;;
esac
