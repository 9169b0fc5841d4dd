#!/usr/bin/env python3
"""Checks every #include of core/, ui/ and app/ against the arrows of ARCHITECTURE.md.

Exit status 1 with one line per offending include (file:line, what it includes, what its layer may
use); 0 when every include follows an arrow. `--self-test` runs the checker on a small made-up tree
with one forbidden include and one allowed one, and fails unless exactly the forbidden one is reported.
"""
import pathlib
import re
import sys
import tempfile

ROW = re.compile(r"^\| `(\w+)` \|[^|]*\| (.*) \|$")
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
TORCH = ("ATen/", "torch/", "c10/")
LAYER_CALL = re.compile(r"^facemix_layer\((\w+)([^)]*)\)", re.M)
KEYWORDS = ("USES", "LINKS", "PRIVATE_LINKS")


def declared_uses(arguments):
    words, uses, section = arguments.split(), [], None
    for word in words:
        if word in KEYWORDS:
            section = word
        elif section == "USES":
            uses.append(word)
    return sorted(uses)


def read_table(root):
    uses = {}
    for line in (root / "ARCHITECTURE.md").read_text(encoding="utf-8").splitlines():
        match = ROW.match(line.strip())
        if match:
            uses[match.group(1)] = [name.strip(" `") for name in match.group(2).split(",") if name.strip(" `—")]
    return uses


def layer_of(root, path):
    parts = path.relative_to(root).parts
    if parts[0] == "core" and len(parts) > 2:
        return parts[1]
    return parts[0]


def check(root):
    root = pathlib.Path(root)
    uses = read_table(root)
    problems = []
    core_layers = sorted(p.name for p in (root / "core").iterdir() if p.is_dir())
    for layer in core_layers:
        if layer not in uses:
            problems.append(f"core/{layer}/ is not a layer of ARCHITECTURE.md")
    cmake = root / "core" / "CMakeLists.txt"
    if cmake.exists():
        for name, used in LAYER_CALL.findall(cmake.read_text(encoding="utf-8")):
            linked = declared_uses(used)
            drawn = sorted(u for u in uses.get(name, []) if "/" not in u)
            if linked != drawn:
                problems.append(f"core/CMakeLists.txt links {name} to {', '.join(linked) or 'nothing'}, "
                                f"but ARCHITECTURE.md draws {', '.join(drawn) or 'nothing'}")
    for folder in ("core", "ui", "app"):
        for path in sorted((root / folder).rglob("*")):
            if path.suffix not in (".h", ".cpp") or not path.is_file():
                continue
            layer = layer_of(root, path)
            allowed = uses.get(layer)
            if allowed is None:
                continue
            everything = "every layer" in allowed
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                match = INCLUDE.match(line)
                if not match:
                    continue
                bracket, header = match.groups()
                where = f"{path.relative_to(root)}:{number}"
                if bracket == "<":
                    if layer == "ui" and header.startswith(TORCH):
                        problems.append(f"{where} includes <{header}>: ui holds no tensor code")
                    continue
                target = header.split("/")[0] if "/" in header else None
                if target is None or target == layer or target not in uses:
                    continue
                if everything or target in allowed or header in allowed:
                    continue
                problems.append(f"{where} includes {header}: {layer} may use {', '.join(allowed) or 'nothing'}")
    return problems


def self_test():
    with tempfile.TemporaryDirectory() as temp:
        root = pathlib.Path(temp)
        (root / "ARCHITECTURE.md").write_text(
            "| layer | holds | may use |\n|---|---|---|\n| `common` | x | — |\n| `mix` | x | `common` |\n"
            "| `ui` | x | `common`, `mix/names.h` |\n| `app` | x | every layer, `ui` |\n", encoding="utf-8")
        for folder in ("core/common", "core/mix", "ui", "app"):
            (root / folder).mkdir(parents=True)
        (root / "core/CMakeLists.txt").write_text("facemix_layer(common)\nfacemix_layer(mix USES common)\n")
        (root / "core/common/error.h").write_text('#include "mix/engine.h"\n')  # forbidden: upwards
        (root / "core/mix/engine.h").write_text('#include "common/error.h"\n#include <ATen/core/Tensor.h>\n')
        (root / "ui/window.cpp").write_text('#include "mix/names.h"\n#include "mix/engine.h"\n#include <torch/nn.h>\n')
        (root / "app/main.cpp").write_text('#include "mix/engine.h"\n#include "window.h"\n')
        found = check(root)
        expected = ["core/common/error.h:1 includes mix/engine.h: common may use nothing",
                    "ui/window.cpp:2 includes mix/engine.h: ui may use common, mix/names.h",
                    "ui/window.cpp:3 includes <torch/nn.h>: ui holds no tensor code"]
        if found != expected:
            print("check_layers self-test failed:\n  got      " + "\n           ".join(found) +
                  "\n  expected " + "\n           ".join(expected), file=sys.stderr)
            return 1
    print("check_layers self-test: the forbidden includes were found, the allowed ones passed")
    return 0


def main():
    if "--self-test" in sys.argv[1:]:
        return self_test()
    root = pathlib.Path(__file__).resolve().parent.parent
    problems = check(root)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} include(s) cross an arrow ARCHITECTURE.md does not draw", file=sys.stderr)
        return 1
    print("every include of core/, ui/ and app/ follows ARCHITECTURE.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
