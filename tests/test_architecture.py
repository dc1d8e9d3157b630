"""The house's import rules, read from the code (ast): `records/` (the core) imports nothing of
ours, and the parts never import each other: what two parts use lives in a shared room at the
package root (urls.py, wording.py, jsontext.py, net/...)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "plugins/essaim"
PARTS = (
    "pages",
    "search",
    "agenda",
    "map",
    "opendata",
    "federation",
    "contribute",
    "exchange",
    "figures",
    "printed",
)


def imports_of(folder: Path) -> set[str]:
    """The first-level names of `essaim` that the modules of `folder` import (relative or not)."""
    found = set()
    for path in folder.rglob("*.py"):
        depth = len(path.relative_to(PACKAGE).parts) - 1  # 0: essaim/x.py, 1: essaim/part/x.py
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level == 0 and node.module and node.module.startswith("essaim."):
                    found.add(node.module.split(".")[1])
                elif node.level > depth:  # from .. (or above): out of this folder
                    names = (node.module or "").split(".")
                    found.add(names[0] if names[0] else node.names[0].name)
            elif isinstance(node, ast.Import):
                found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("essaim.")}
    return found


def test_the_core_imports_nothing_of_ours():
    assert imports_of(PACKAGE / "records") == set()


def test_parts_never_import_each_other():
    crossings = {(part, other) for part in PARTS for other in imports_of(PACKAGE / part) if other in PARTS}
    assert crossings == set()


def test_sources_use_only_the_core_and_the_one_http_client():
    """What is pulled from outside (sources/) goes through net/ and reads records/, nothing else:
    no part, and no build module, can depend on a service answering."""
    assert imports_of(PACKAGE / "sources") <= {"records", "net"}
    assert not any("sources" in imports_of(PACKAGE / part) for part in PARTS)
