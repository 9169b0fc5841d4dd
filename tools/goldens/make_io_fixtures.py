"""Writes tests/fixtures/io/python_written.safetensors with the reference `safetensors` package.

The C++ tests read it back and recompute every value from the same formulas, so the fixture proves
that files written by the Python ecosystem load bit for bit. Run from anywhere with the project venv:
    python tools/goldens/make_io_fixtures.py
"""
from pathlib import Path

import torch
from safetensors.torch import save_file

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "io"


def python_written_tensors():
    # Every value is exactly representable in its dtype, so the test can compare for equality.
    return {
        "f32.matrix": torch.arange(12, dtype=torch.float32).reshape(3, 4) * 0.25 - 1.0,
        "f16.vector": torch.arange(-4, 4, dtype=torch.float32).to(torch.float16) / 8,
        "bf16.cube": (torch.arange(8, dtype=torch.float32) - 3.5).reshape(2, 2, 2).to(torch.bfloat16),
        "f32.scalar": torch.tensor(3.25, dtype=torch.float32),
        "f16.empty": torch.zeros(0, 3, dtype=torch.float16),
    }


def main():
    FIXTURES.mkdir(parents=True, exist_ok=True)
    path = FIXTURES / "python_written.safetensors"
    save_file(python_written_tensors(), str(path), metadata={"format": "pt", "written_by": "make_io_fixtures.py"})
    print(f"wrote {path} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
