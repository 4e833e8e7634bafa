#!/usr/bin/env python3
"""Fails when an `#include "evt/…"` runs against the include-direction table
in ARCHITECTURE.md (the table is the single truth; this reads it).

Usage: check_includes.py SOURCE_ROOT
Exit 0 when every arrow is allowed, 1 with one line per violation otherwise,
2 when the table cannot be read.
"""
import pathlib
import re
import sys

TABLE_HEADING = "## Include directions"


def read_table(architecture: pathlib.Path):
    """Returns {layer: set(allowed layers)} from the table under TABLE_HEADING."""
    text = architecture.read_text(encoding="utf-8")
    start = text.find(TABLE_HEADING)
    if start < 0:
        raise ValueError(f"{architecture}: no '{TABLE_HEADING}' section")
    rules = {}
    for line in text[start:].splitlines()[1:]:
        if line.startswith("## "):
            break
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2 or not cells[0].startswith("`"):
            continue
        layer = cells[0].strip("`").rstrip("/")
        allowed = set(re.findall(r"`([a-z_]+)/?`", cells[1]))
        if "everything" in cells[1]:
            allowed.add("*")
        rules[layer] = allowed
    if not rules:
        raise ValueError(f"{architecture}: the include-direction table is empty")
    return rules


def layer_of_lib(path: pathlib.Path, lib_root: pathlib.Path) -> str:
    rel = path.relative_to(lib_root)
    return rel.parts[0] if len(rel.parts) > 1 else "base"


def layer_of_include(target: str) -> str:
    parts = target.split("/")
    return parts[0] if len(parts) > 1 else "base"


INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^">]+)[">]')


def check(root: pathlib.Path):
    rules = read_table(root / "ARCHITECTURE.md")
    lib_root = root / "lib" / "evt"
    problems = []
    sources = [(p, layer_of_lib(p, lib_root)) for p in sorted(lib_root.rglob("*")) if p.suffix in (".hpp", ".cpp")]
    sources += [(p, "cmd") for p in sorted((root / "cmd").rglob("*")) if p.suffix in (".hpp", ".cpp")]
    for path, layer in sources:
        rel = path.relative_to(root)
        if layer not in rules:
            problems.append(f"{rel}: folder '{layer}' has no row in ARCHITECTURE.md's include-direction table")
            continue
        allowed = rules[layer] | {layer, "base"}
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            target = m.group(1)
            if target.startswith("librdkafka/") and layer != "kafka":
                problems.append(f"{rel}:{number}: includes <{target}>; only lib/evt/kafka/ may")
                continue
            if not target.startswith("evt/"):
                continue
            to = layer_of_include(target[len("evt/"):])
            if target == "evt/kafka/handle.hpp" and layer != "kafka":
                problems.append(f"{rel}:{number}: includes {target}, which is internal to lib/evt/kafka/")
            elif "*" not in allowed and to not in allowed:
                problems.append(f"{rel}:{number}: {layer} -> {to} ({target}) is not an allowed direction")
    return problems


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    root = pathlib.Path(sys.argv[1])
    try:
        problems = check(root)
    except (OSError, ValueError) as e:
        print(f"check_includes: {e}", file=sys.stderr)
        return 2
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} include(s) against ARCHITECTURE.md's table", file=sys.stderr)
        return 1
    print("include directions: all allowed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
