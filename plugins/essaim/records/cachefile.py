"""Pickled cache files (parsed records, output manifests): read back when whole, discarded when
damaged, and written so that two builds at once never share a temporary file (`write_atomic`,
which the calendars' snapshots are written with too); and the digest of the source files whose
change makes a cache stale (`source_digest`).

A cache only saves work: whatever is wrong with one (truncated by a full disk, overwritten,
left by another version of Essaim) makes the build start it again, never fail.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

logger = logging.getLogger(__name__)


def load(path: Path, kind: type) -> Any | None:
    """What `path` holds if it is a `kind`, else None. A file that cannot be unpickled, or holds
    something else, is removed."""
    try:
        with path.open("rb") as handle:
            value = pickle.load(handle)
    except FileNotFoundError:
        return None
    except Exception as error:  # noqa: BLE001 - damaged bytes can raise anything while unpickling
        discard(path, f"{type(error).__name__}: {error}")
        return None
    if not isinstance(value, kind):
        discard(path, f"{type(value).__name__} instead of {kind.__name__}")
        return None
    return value


def discard(path: Path, reason: str) -> None:
    """Remove a damaged cache file (the build makes it again)."""
    logger.warning(
        "essaim : le cache %s est illisible (%s) ; il est supprimé et refait, rien à faire.", path, reason
    )
    with contextlib.suppress(OSError):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


def save(path: Path, value: Any) -> None:
    """Pickle `value` into `path` in one step (`write_atomic`)."""
    write_atomic(path, lambda file: pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL))


def write_atomic(path: Path, write: Callable[[BinaryIO], Any]) -> None:
    """Write a file in one step: `write` fills a temporary file of this call's own (two builds
    or pulls at once never write the same one), then it is renamed over `path`. On any failure
    (a full disk, Ctrl-C) the temporary file is removed and `path` is left as it was."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            write(file)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


SOURCE_SUFFIXES = (".py", ".json", ".yml", ".po")  # modules, schemas, taxonomy, catalogues


def source_digest(package: Path, start: bytes = b"") -> Any:
    """A SHA-1 of every source file under `package` (path and bytes, in a stable order), after
    `start`: it changes whenever the code a cache was made with changes."""
    digest = hashlib.sha1(start)
    for path in sorted(package.rglob("*")):
        if path.suffix in SOURCE_SUFFIXES and "__pycache__" not in path.parts and path.is_file():
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest
