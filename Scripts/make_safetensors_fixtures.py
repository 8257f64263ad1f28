#!/usr/bin/env python3
"""Writes the safetensors interop fixtures read by Tests/RecurrentTests/Checkpoint/SafeTensorsInteropTests.swift.

Run from the package root with a Python that has safetensors, torch and numpy:

    /path/to/venv/bin/python Scripts/make_safetensors_fixtures.py

The files are written by the reference implementation (safetensors.torch.save_file and
safetensors.numpy.save_file), so the Swift reader is tested against real output. Every value is
exactly representable in its dtype; the Swift test hard-codes the same values. CI never runs this.
"""
import os

import numpy as np
import torch
from safetensors.numpy import save_file as save_numpy
from safetensors.torch import save_file as save_torch

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "RecurrentTests", "Fixtures", "safetensors")


def main():
    os.makedirs(OUT, exist_ok=True)

    # torch: one metadata key, so the reference writer's bytes are deterministic and the Swift
    # writer must reproduce them exactly.
    torch_tensors = {
        "lstm.weight_ih_l0": torch.tensor([[0.5, -1.0, 2.0], [0.25, 3.0, -0.125]], dtype=torch.float32),
        "lstm.bias_ih_l0": torch.tensor([1.5, -2.5], dtype=torch.float32),
        "scalar": torch.tensor(7.0, dtype=torch.float32),
        "empty": torch.zeros((0, 4), dtype=torch.float32),
        # 2**-24 is the smallest subnormal half, 65504 the largest finite half, 0x3555 ~ 1/3.
        "half": torch.tensor([0.5, -2.0, 2.0**-24, 65504.0, float("inf"), -0.0, 0.333251953125], dtype=torch.float16),
        "brain": torch.tensor([1.0, -3.5, 0.0078125, 256.0, 2.0**100], dtype=torch.bfloat16),
        "steps": torch.tensor([-3, 0, 2**40], dtype=torch.int64),
    }
    save_torch(torch_tensors, os.path.join(OUT, "torch_mixed.safetensors"), metadata={"format": "pt"})

    # numpy: several metadata keys (written in hash order), non-ASCII and escaped text.
    numpy_tensors = {
        "double": np.array([[1.0, -0.1], [1e-300, 3.0]], dtype=np.float64),
        "int32": np.array([-2147483648, 0, 2147483647], dtype=np.int32),
        "bytes": np.array([0, 1, 255], dtype=np.uint8),
    }
    metadata = {"format": "np", "note": "héllo \"quoted\"\nline\ttab", "vocab": "[\"a\", \"b\"]"}
    save_numpy(numpy_tensors, os.path.join(OUT, "numpy_mixed.safetensors"), metadata=metadata)

    for name in sorted(os.listdir(OUT)):
        print(name, os.path.getsize(os.path.join(OUT, name)), "bytes")


if __name__ == "__main__":
    main()
