#!/usr/bin/env python3
"""Checks that every ```swift block of docs/library.md appears word for word in a source file
of the client package Examples/LibraryGuide (which CI builds and runs), so the guide's code is
code that compiles and works. Exits 1 naming the first line of each block that is not found.

    python3 Scripts/check_library_guide.py
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
guide = os.path.join(ROOT, "Examples", "LibraryGuide")
sources = []
for directory, _, files in os.walk(guide):
    if ".build" in directory.split(os.sep):
        continue
    for name in files:
        if name.endswith(".swift"):
            with open(os.path.join(directory, name)) as f:
                sources.append(f.read())

with open(os.path.join(ROOT, "docs", "library.md")) as f:
    blocks = re.findall(r"```swift\n(.*?)```", f.read(), flags=re.S)
missing = [b for b in blocks if not any(b in s for s in sources)]
for b in missing:
    print(f"docs/library.md: this swift block is not in Examples/LibraryGuide: {b.splitlines()[0]!r}")
print(f"{len(blocks) - len(missing)} of {len(blocks)} swift blocks of docs/library.md are in Examples/LibraryGuide")
sys.exit(1 if missing or not blocks else 0)
