#!/usr/bin/env python3
"""Runs every ```sh block of Markdown files, in order, as written, so the docs cannot drift.

usage: doc_examples.py [--dry-run] FILE...

Each block runs as `bash -e -o pipefail` in the current directory (the caller makes that a
throw-away copy of the repository). Blocks of one run share that directory and the
environment the caller sets, so a later block may use what an earlier one wrote or installed.

A `<!-- ci: … -->` comment on the line right before a block adds options to the block's
`recurrent` commands, in CI only (fewer steps, a smaller model). Clauses are separated by `;`:

    <!-- ci: --steps 20 -->                          every recurrent command of the block
    <!-- ci: train --steps 20; generate --length 40 -->   commands whose words after `recurrent`
                                                     start with `train`, or with `generate`

The options go at the end of the command (before a pipe, redirection or `# comment`), so they
override the same options written earlier on the line. A block that cannot run in CI (hours of
training, PyTorch, a cluster) is a ```console block with the reason beside it; ```bash,
```shell and ```zsh blocks are refused, so that nothing escapes both ways.

Standard library only: CI has python3 but no packages.
"""
import os
import re
import shlex
import subprocess
import sys
import time

FENCE = re.compile(r"^(\s*)```(\S*)\s*$")
CI_COMMENT = re.compile(r"^\s*<!--\s*ci:(.*?)-->\s*$")
REFUSED = {"bash", "shell", "zsh", "shell-session"}


class DocError(Exception):
    pass


def blocks(path):
    """(line number of the fence, language, ci comment text or None, block lines) per fenced block."""
    lines = open(path, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, language, start = m.group(1), m.group(2), i
        previous = next((lines[j] for j in range(i - 1, -1, -1) if lines[j].strip()), "")
        comment = CI_COMMENT.match(previous)
        body = []
        i += 1
        while i < len(lines) and not re.match(r"^\s*```\s*$", lines[i]):
            line = lines[i]
            body.append(line[len(indent):] if line.startswith(indent) else line.lstrip())
            i += 1
        if i == len(lines):
            raise DocError(f"{path}:{start + 1}: a ``` block that never closes")
        i += 1
        yield start + 1, language, comment.group(1).strip() if comment else None, body


def parse_clauses(text, where):
    """`train --steps 20; --seed 3` → [(['train'], ['--steps', '20']), ([], ['--seed', '3'])]."""
    clauses = []
    for clause in filter(None, (c.strip() for c in text.split(";"))):
        tokens = shlex.split(clause)
        k = next((n for n, t in enumerate(tokens) if t.startswith("-")), len(tokens))
        if k == len(tokens):
            raise DocError(f"{where}: the ci comment clause '{clause}' names no options")
        clauses.append((tokens[:k], tokens[k:]))
    return clauses


def logical_lines(body):
    """Joins backslash-continued lines."""
    out, current = [], ""
    for line in body:
        if line.rstrip().endswith("\\"):
            current += line.rstrip()[:-1] + " "
        else:
            out.append(current + line)
            current = ""
    if current:
        out.append(current)
    return out


def segments(line):
    """(start, end) of each simple command of a line: split at unquoted | ; & and cut at an
    unquoted redirection or `#` comment (the options must go before those)."""
    result, start, end, quote, i = [], 0, None, None, 0
    while i < len(line):
        c = line[i]
        if quote:
            if c == "\\" and quote == '"':
                i += 1
            elif c == quote:
                quote = None
        elif c == "\\":
            i += 1
        elif c in "'\"":
            quote = c
        elif c in "|;&":
            result.append((start, end if end is not None else i))
            while i + 1 < len(line) and line[i + 1] in "|&":
                i += 1
            start, end = i + 1, None
        elif end is None and (c in "<>" or (c == "#" and (i == 0 or line[i - 1].isspace()))):
            cut = i
            while c in "<>" and cut > start and line[cut - 1].isdigit():
                cut -= 1                       # 2>file: the descriptor belongs to the redirection
            end = cut
            if c == "#":
                break
        i += 1
    result.append((start, end if end is not None else len(line)))
    return result


def recurrent_words(command):
    """The words after `recurrent` (or a path ending in /recurrent), or None."""
    try:
        tokens = shlex.split(command)
    except ValueError:
        return None
    for n, t in enumerate(tokens):
        if t == "recurrent" or t.endswith("/recurrent"):
            return tokens[n + 1:]
    return None


def with_ci_options(line, clauses):
    """`line` with each clause's options appended to the recurrent commands it matches."""
    if not clauses:
        return line
    pieces, last = [], 0
    for start, end in segments(line):
        words = recurrent_words(line[start:end])
        if words is None:
            continue
        extra = [option for prefix, options in clauses if words[:len(prefix)] == prefix for option in options]
        if extra:
            head = line[last:end].rstrip()
            pieces.append(head + " " + " ".join(shlex.quote(o) for o in extra) + (" " if end < len(line) else ""))
            last = end
    pieces.append(line[last:])
    return "".join(pieces)


def script(path, number, comment, body):
    where = f"{path}:{number}"
    clauses = parse_clauses(comment, where) if comment else []
    lines = [with_ci_options(line, clauses) for line in logical_lines(body)]
    if clauses and lines == logical_lines(body):
        raise DocError(f"{where}: the ci comment '{comment}' matches no recurrent command of the block")
    return "\n".join(lines) + "\n"


def main(argv):
    dry_run = "--dry-run" in argv
    files = [a for a in argv if a != "--dry-run"]
    if not files:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    runs = []
    for path in files:
        for number, language, comment, body in blocks(path):
            if language in REFUSED:
                raise DocError(f"{path}:{number}: a ```{language} block; write ```sh (CI runs it) "
                               "or ```console (not run; say why beside it)")
            if language == "sh":
                runs.append((f"{path}:{number}", script(path, number, comment, body)))
            elif comment:
                raise DocError(f"{path}:{number}: a ci comment before a ```{language} block (only ```sh runs)")
    total = time.monotonic()
    for where, text in runs:
        print(f"::: {where}", flush=True)
        for line in text.splitlines():
            print(f"+ {line}", flush=True)
        if dry_run:
            continue
        start = time.monotonic()
        status = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", text]).returncode
        print(f"::: {where}: {time.monotonic() - start:.0f}s (exit {status})", flush=True)
        if status != 0:
            print(f"docs: the example at {where} failed", file=sys.stderr)
            return 1
    print(f"::: {len(runs)} examples from {len(files)} files in {time.monotonic() - total:.0f}s")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except DocError as error:
        print(f"docs: {error}", file=sys.stderr)
        sys.exit(1)
