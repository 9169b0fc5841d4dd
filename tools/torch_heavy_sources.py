#!/usr/bin/env python3
"""Prints, one per line, the sources among the arguments whose project includes reach LibTorch's
heavy headers (<torch/...> or <ATen/ATen.h>).

The build gives only those the precompiled LibTorch header (cmake/FacemixPrecompiledHeaders.cmake):
loading its 600 MB costs a light source five times its own compile time, and saves a heavy one more
than half of its. Usage: torch_heavy_sources.py INCLUDE_ROOT... -- SOURCE...
"""
import pathlib
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)
HEAVY = re.compile(r"^(torch/|ATen/ATen\.h$)")


def main():
    arguments = sys.argv[1:]
    split = arguments.index("--")
    roots = [pathlib.Path(root) for root in arguments[:split]]
    sources = arguments[split + 1:]
    memo = {}

    def heavy(path, visiting):
        if path in memo:
            return memo[path]
        if path in visiting:
            return False
        visiting.add(path)
        result = False
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            text = ""
        for bracket, header in INCLUDE.findall(text):
            if bracket == "<":
                if HEAVY.match(header):
                    result = True
                    break
                continue
            for base in [path.parent] + roots:
                candidate = base / header
                if candidate.is_file():
                    if heavy(candidate.resolve(), visiting):
                        result = True
                    break
            if result:
                break
        visiting.discard(path)
        memo[path] = result
        return result

    for source in sources:
        if heavy(pathlib.Path(source).resolve(), set()):
            print(source)
    return 0


if __name__ == "__main__":
    sys.exit(main())
