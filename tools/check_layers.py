#!/usr/bin/env python3
"""Checks the include structure that docs/architecture.md describes; exits 1 on any breach.

1. Layers inside core/: the "layers" block of docs/architecture.md gives every core folder a
   layer number. A file in folder A may include "core/B/..." only when B is A itself or sits in
   a lower layer. So no core folder reaches one above it, and folder-level include cycles are
   impossible. A core folder with sources that the table does not list is a breach too (a new
   folder must be placed).
2. Clients: app/ and ui/ reach the engine through core/engine/engine.h; neither may include a
   torch header (ATen, c10, torch), directly or through a core header that includes one.
3. core/ includes no Qt header; ui/ includes no torch header (the build enforces this too).

Usage: check_layers.py [REPO_ROOT]
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

INCLUDE = re.compile(r'^\s*#\s*include\s+[<"]([^">]+)[">]', re.MULTILINE)
TORCH = re.compile(r"^(ATen|c10|torch)/")
QT = re.compile(r"^Q[A-Za-z]*(/|$)|^Qt[A-Za-z]*/")
SOURCES = (".h", ".cpp", ".inc")


def layer_table(architecture: Path) -> dict[str, int]:
    text = architecture.read_text(encoding="utf-8")
    block = re.search(r"```layers\n(.*?)```", text, re.DOTALL)
    if not block:
        sys.exit(f"{architecture}: no ```layers block found")
    table: dict[str, int] = {}
    for line in block.group(1).splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        number, folders = line.split(":", 1)
        for folder in folders.split():
            table[folder.strip()] = int(number)
    return table


def includes(path: Path) -> list[str]:
    return INCLUDE.findall(path.read_text(encoding="utf-8", errors="replace"))


def main() -> int:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[1])
    core = root / "core"
    table = layer_table(root / "docs" / "architecture.md")
    breaches: list[str] = []

    files = [p for p in core.rglob("*") if p.suffix in SOURCES]
    folders = {str(p.parent.relative_to(core)) for p in files} - {"."}
    for folder in sorted(folders - set(table)):
        breaches.append(f"core/{folder}/ is not placed in a layer: add it to the layers block of docs/architecture.md")

    # Which core headers reach torch, directly or through other core headers.
    direct: dict[str, list[str]] = {}
    for p in files:
        direct[str(p.relative_to(root))] = includes(p)
    torch_reaching: dict[str, bool] = {}

    def reaches_torch(header: str, seen: frozenset = frozenset()) -> bool:
        if header in torch_reaching:
            return torch_reaching[header]
        if header in seen or header not in direct:
            return False
        result = any(TORCH.match(i) or (i.startswith("core/") and reaches_torch(i, seen | {header})) for i in direct[header])
        torch_reaching[header] = result
        return result

    for p in files:
        rel = p.relative_to(root)
        folder = str(p.parent.relative_to(core))
        for inc in direct[str(rel)]:
            if QT.match(inc):
                breaches.append(f"{rel}: includes the Qt header <{inc}>; core/ is Qt-free")
            if not inc.startswith("core/"):
                continue
            target = str(Path(inc).parent.relative_to("core"))
            if target == folder or folder not in table or target not in table:
                continue
            if table[target] >= table[folder]:
                breaches.append(f"{rel}: includes {inc} (layer {table[target]}, core/{target}) from layer {table[folder]} "
                                f"(core/{folder}); a folder may include only its own files and lower layers")

    for client in ("app", "ui"):
        for p in (root / client).rglob("*"):
            if p.suffix not in SOURCES:
                continue
            rel = p.relative_to(root)
            for inc in includes(p):
                if TORCH.match(inc):
                    breaches.append(f"{rel}: includes the torch header <{inc}>; clients reach the engine through "
                                    "core/engine/engine.h")
                elif inc.startswith("core/") and reaches_torch(inc):
                    breaches.append(f"{rel}: includes {inc}, which brings in torch headers; clients reach the engine "
                                    "through core/engine/engine.h and torch-free value headers")

    for b in breaches:
        print(f"[FAIL] {b}")
    checked = len(files)
    print(f"check_layers: {checked} core files, {len(table)} layered folders; "
          f"{'0 breaches' if not breaches else f'{len(breaches)} breaches'}")
    print(f"{1 if not breaches else 0} passed, {0 if not breaches else 1} failed")
    return 1 if breaches else 0


if __name__ == "__main__":
    sys.exit(main())
