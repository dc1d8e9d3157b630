"""A clean `pip install .` can run every feature: each package plugins/essaim imports is a
declared dependency, and the test-only ones stay in the `test` extra."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from conftest import REPO

# What runs when the site is built or served: the package, and the files `make` runs it with.
RUNTIME_CODE = [
    *sorted((REPO / "plugins" / "essaim").rglob("*.py")),
    REPO / "tasks.py",
    REPO / "pelicanconf.py",
    REPO / "publishconf.py",
]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
# Runtime dependencies nothing imports by name, and why they are runtime ones.
NOT_IMPORTED = {
    "markdown": "Pelican's reader for the free pages of content/",
    "tzdata": "zoneinfo's time zones on machines without a system database",
}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared(requirements: list[str]) -> set[str]:
    return {canonical(re.match(r"[A-Za-z0-9._-]+", r).group()) for r in requirements}


def third_party_imports(files: list[Path]) -> dict[str, set[str]]:
    """Top-level names of the non-standard modules that `files` import (lazy imports in
    functions included), each with where."""
    found: dict[str, set[str]] = {}
    for file in files:
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"), str(file))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.partition(".")[0]
                if top not in sys.stdlib_module_names and top != "essaim":
                    found.setdefault(top, set()).add(f"{file.relative_to(REPO)}:{node.lineno}")
    return found


def test_every_third_party_import_of_the_runtime_code_is_a_declared_dependency():
    runtime = declared(PYPROJECT["project"]["dependencies"])
    distributions = packages_distributions()
    missing = {}
    for module, where in third_party_imports(RUNTIME_CODE).items():
        names = {canonical(d) for d in distributions.get(module, [module])}
        if not names & runtime:
            missing[module] = sorted(where)
    assert missing == {}, f"imported but not in [project.dependencies]: {missing}"


def test_runtime_dependencies_are_imported_and_test_only_ones_are_in_the_test_extra():
    distributions = packages_distributions()
    imported = {
        canonical(d)
        for module in third_party_imports(RUNTIME_CODE)
        for d in distributions.get(module, [module])
    }
    runtime = declared(PYPROJECT["project"]["dependencies"])
    assert runtime - imported == set(NOT_IMPORTED), "a runtime dependency nothing imports"
    test_extra = declared(PYPROJECT["project"]["optional-dependencies"]["test"])
    assert "lunr" in test_extra and "lunr" not in runtime  # lunr.py: the tests' reference index
    assert not runtime & test_extra


def test_runtime_dependencies_are_pinned():
    assert all("==" in r for r in PYPROJECT["project"]["dependencies"])


def test_jinja_ext_works_with_a_markupsafe_without_its_private_escape():
    """MarkupSafe 2.1 (which Jinja 3.1 accepts) has a `_speedups` module without `_escape_inner`:
    the quick escape falls back to the public API, with the same output."""
    code = """
import sys, types
speedups = types.ModuleType("markupsafe._speedups")  # MarkupSafe 2.1.5's: no _escape_inner
speedups.escape = speedups.escape_silent = speedups.soft_str = str
sys.modules["markupsafe._speedups"] = speedups
from markupsafe import Markup, escape
from essaim.pages.jinja_ext import quick_escape
for value in ['<a href="x">&\\'', "plain", "", "é<"]:
    quick = quick_escape(value)
    assert type(quick) is Markup and quick == escape(value), (value, quick)
print("ok")
"""
    env = {**os.environ, "PYTHONPATH": str(REPO / "plugins")}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, env=env)
    assert result.returncode == 0 and result.stdout == "ok\n", result.stderr


def test_every_data_file_of_the_package_is_installed_with_it():
    """A clean `pip install .` copies only the package data pyproject.toml lists: every file of
    plugins/essaim that is not Python (schemas, taxonomy, stop words...) must match one of its
    patterns, or the installed package would miss it (search had been built without its stop
    words)."""
    from fnmatch import fnmatch

    listed = PYPROJECT["tool"]["setuptools"]["package-data"]["essaim"]
    package = REPO / "plugins/essaim"
    tracked = subprocess.run(
        ["git", "ls-files", "plugins/essaim"], capture_output=True, text=True, cwd=REPO, check=True
    ).stdout.split()
    data = [Path(f).relative_to("plugins/essaim").as_posix() for f in tracked if not f.endswith(".py")]
    assert data, "git lists the package's files"
    missing = [f for f in data if not any(fnmatch(f, pattern) for pattern in listed)]
    assert missing == [], f"add them to [tool.setuptools.package-data] in pyproject.toml: {missing}"
    assert all((package / f).is_file() for f in data)
