#!/usr/bin/env python3
"""Loads a safetensors file with the reference implementation and prints what it holds.

    python Scripts/check_safetensors.py FILE [--expect EXPECT.json]

Needs only `pip install safetensors numpy` (no torch), so CI can run it on a file written by
Recurrent to prove the reference reader accepts our output. Prints one line per tensor
(name, dtype, shape, sum of values) and the metadata. With --expect, compares against a JSON
object {"tensors": {name: {"dtype": "F32", "shape": [..], "sum": 1.5}}, "metadata": {..}}
(sums compared with a relative tolerance of 1e-5) and exits 1 on any difference.
"""
import argparse
import json
import math
import sys

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file

NUMPY_TO_SAFETENSORS = {
    "float64": "F64", "float32": "F32", "float16": "F16", "int64": "I64", "int32": "I32",
    "int16": "I16", "int8": "I8", "uint64": "U64", "uint32": "U32", "uint16": "U16", "uint8": "U8",
    "bool": "BOOL", "complex64": "C64",
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("file")
    parser.add_argument("--expect", help="JSON file of expected tensors and metadata")
    args = parser.parse_args()

    tensors = load_file(args.file)  # raises on any malformed file
    with safe_open(args.file, framework="numpy") as f:
        metadata = f.metadata() or {}

    found = {}
    for name in sorted(tensors):
        array = tensors[name]
        dtype = NUMPY_TO_SAFETENSORS.get(str(array.dtype), str(array.dtype))
        total = float(np.sum(array, dtype=np.float64)) if array.size else 0.0
        found[name] = {"dtype": dtype, "shape": list(array.shape), "sum": total}
        print(f"{name}\t{dtype}\t{list(array.shape)}\tsum={total!r}")
    for key in sorted(metadata):
        value = metadata[key]
        print(f"__metadata__[{key!r}] = {value[:60]!r}{'…' if len(value) > 60 else ''}")

    if args.expect:
        with open(args.expect, encoding="utf-8") as f:
            expected = json.load(f)
        problems = []
        want = expected.get("tensors", {})
        if sorted(want) != sorted(found):
            problems.append(f"tensor names differ: expected {sorted(want)}, found {sorted(found)}")
        for name, spec in want.items():
            got = found.get(name)
            if got is None:
                continue
            if spec.get("dtype", got["dtype"]) != got["dtype"]:
                problems.append(f"{name}: dtype {got['dtype']}, expected {spec['dtype']}")
            if list(spec.get("shape", got["shape"])) != got["shape"]:
                problems.append(f"{name}: shape {got['shape']}, expected {spec['shape']}")
            if "sum" in spec and not math.isclose(got["sum"], spec["sum"], rel_tol=1e-5, abs_tol=1e-6):
                problems.append(f"{name}: sum {got['sum']!r}, expected {spec['sum']!r}")
        if "metadata" in expected and expected["metadata"] != metadata:
            problems.append(f"metadata differs: expected {expected['metadata']}, found {metadata}")
        for p in problems:
            print("MISMATCH:", p, file=sys.stderr)
        if problems:
            sys.exit(1)
        print("OK: matches", args.expect)


if __name__ == "__main__":
    main()
