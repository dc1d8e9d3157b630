"""What git says of the territory's repository: the last (or first) commit date of every record
file (one `git log` call), and which files it tracks under a folder."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path


def last_commit_dates(root: Path, folders: list[str]) -> dict[str, date]:
    """Map each file path (relative to `root`) to the date of the last commit that touched it.

    Returns an empty mapping when `root` is not in a git work tree or git is missing.
    """
    return _commit_dates(root, folders, first=False)


def first_commit_dates(root: Path, folders: list[str]) -> dict[str, date]:
    """Map each file path (relative to `root`) to the date of the first commit that touched it
    (when the directory gained that record); empty outside a git work tree or without git."""
    return _commit_dates(root, folders, first=True)


def _commit_dates(root: Path, folders: list[str], first: bool) -> dict[str, date]:
    existing = [f for f in folders if (root / f).is_dir()]
    if not existing:
        return {}
    try:
        result = subprocess.run(
            [
                "git",
                "-C",
                str(root),
                "log",
                "--relative",
                "--format=\x1e%cs",
                "--name-only",
                "--no-renames",
                "--",
                *existing,
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
    except (OSError, subprocess.SubprocessError):
        return {}
    dates: dict[str, date] = {}
    for block in result.stdout.split("\x1e")[1:]:
        lines = block.strip().splitlines()
        if not lines:
            continue
        day = date.fromisoformat(lines[0])
        for name in lines[1:]:
            if name and first:  # newest first: the last date seen is the oldest
                dates[name] = day
            elif name:
                dates.setdefault(name, day)
    return dates


def tracked_files(root: Path, folder: Path, links_only: bool = False) -> list[str]:
    """The files git tracks under `folder` (paths relative to `root`), or only the symbolic links
    among them; none when `folder` is not in `root`, `root` is not in a git work tree, or git is
    missing."""
    try:
        relative = folder.resolve().relative_to(root.resolve())
    except (ValueError, OSError):
        return []
    try:
        result = subprocess.run(
            ["git", "-C", str(root), "ls-files", "-s", "-z", "--", str(relative)],
            capture_output=True,
            check=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    found = []
    for entry in result.stdout.decode("utf-8", "replace").split("\0"):
        mode, _, name = entry.partition("\t")
        if name and (not links_only or mode.startswith("120000")):  # 120000: a symbolic link
            found.append(name)
    return found
