"""A key of the code this process runs: Essaim's own files (its modules, schemas and
taxonomy) as they were when the build machinery was imported, and the versions of the libraries
that shape its outputs.

Taken once, at import: a build process renders with the code it loaded, so its pages must be
keyed with that code, not with files edited since on disk (`make serve` restarts its build
process when `plugins/` changes, so the next build loads the new code and its key).
"""

from __future__ import annotations

import sys
from importlib import metadata
from pathlib import Path
from typing import Final

from .records.cachefile import source_digest

PACKAGE = Path(__file__).resolve().parent
LIBRARIES = (
    "pelican",
    "Jinja2",
    "MarkupSafe",
    "cmarkgfm",
    "nh3",
    "orjson",
    "icalendar",
    "snowballstemmer",
    "opening-hours-py",  # the weekly tables
    "zxing-cpp",  # the QR codes
    "Babel",  # dates, times and numbers in English and Spanish
)


def _key() -> str:
    digest = source_digest(PACKAGE, sys.version.encode())
    for library in LIBRARIES:
        try:
            digest.update(f"{library}={metadata.version(library)}".encode())
        except metadata.PackageNotFoundError:  # pragma: no cover - every one is a dependency
            digest.update(library.encode())
    return digest.hexdigest()


CODE_KEY: Final[str] = _key()
