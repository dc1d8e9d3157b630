"""Write output files only when their content changes, and skip work whose inputs did not.

Each part of Essaim keeps a manifest (output path → key of what the file was made
from) in Pelican's CACHE_PATH. A page whose key is unchanged and whose file still
exists is not rendered again; files a part wrote last time but not this time are removed.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .records import cachefile

logger = logging.getLogger(__name__)


def make_key(*parts: Any) -> str:
    """A short stable hash of anything with a stable repr (strings, tuples, numbers, dates)."""
    return hashlib.sha1(repr(parts).encode("utf-8")).hexdigest()


def record_keys(records: Iterable[Any]) -> tuple:
    """What a page shows of records, as far as change detection is concerned (`Record.change_key`)."""
    return tuple([r.change_key for r in records])


def _make_folder(path: str) -> None:
    """`os.makedirs(path, exist_ok=True)` in one system call when the parent exists (a page's
    folder, `acteurs/<slug>/`, usually does): makedirs looks at the parent first."""
    try:
        os.mkdir(path)
    except FileExistsError:
        pass
    except FileNotFoundError:
        os.makedirs(path, exist_ok=True)


def _write_file(path: str, data: bytes) -> None:
    """Write `data` to `path` with three system calls: Python's buffered `open()` adds a
    `fstat` and an `ioctl` per file, a third of the cost of writing thousands of small pages.
    An error (a full disk) names the file: `os.write`'s own does not."""
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(handle, view) :]
        finally:
            os.close(handle)
    except OSError as error:
        error.filename = error.filename or path
        raise


class RecordKeys:
    """`record_keys(records)` computed when its repr is: a page's inputs are keyed by
    whichever process renders it, so queueing ten thousand pages costs nothing."""

    __slots__ = ("records",)

    def __init__(self, records: list[Any]) -> None:
        self.records = records

    def __repr__(self) -> str:
        return repr(record_keys(self.records))


def inside_output(save_as: str) -> bool:
    """Whether `save_as` names a file under the output folder: relative, with no `..` part and
    no empty one. A manifest or a path made from a record can never reach outside it."""
    parts = save_as.replace("\\", "/").split("/")
    return bool(save_as) and not os.path.isabs(save_as) and all(p not in ("", ".", "..") for p in parts)


class OutputFiles:
    """The files one part writes into the output folder during one build (and only there:
    a path that would lead out of it is refused, never written nor removed)."""

    def __init__(self, output_path: str | Path, cache_path: str | Path | None, part: str) -> None:
        self.output = Path(output_path)
        self.manifest_file = Path(cache_path) / f"essaim-output-{part}.pickle" if cache_path else None
        self.previous: dict[str, str] = self._load()
        self.current: dict[str, str] = {}
        self.rendered = 0
        self.skipped = 0
        self.written = 0
        self.folders: set[str] = set()

    def _load(self) -> dict[str, str]:
        """Last build's manifest, taken away: until `finish` saves this build's, no manifest
        vouches for files this build may be rewriting (a build stopped halfway, by Ctrl-C or an
        error, leaves none, and the next one renders this part again). A damaged manifest is
        forgotten: the part writes all again."""
        if self.manifest_file is None:
            return {}
        previous = cachefile.load(self.manifest_file, dict)
        if previous is not None:
            self.manifest_file.unlink(missing_ok=True)
        return previous or {}

    def is_fresh(self, save_as: str, key: str) -> bool:
        """True when `save_as` was made from the same inputs last time and is still there."""
        if self.previous.get(save_as) == key and os.path.isfile(os.path.join(self.output, save_as)):
            self.current[save_as] = key
            self.skipped += 1
            return True
        return False

    def keep_all(self, prefix: str, key: str) -> bool:
        """True (and all kept) when every file last written under `prefix` came from `key` and
        is still there: a part that writes a set of files from one input skips them together."""
        previous = {path: k for path, k in self.previous.items() if path.startswith(prefix)}
        if not previous or any(
            k != key or not os.path.isfile(os.path.join(self.output, path)) for path, k in previous.items()
        ):
            return False
        self.current.update(previous)
        self.skipped += len(previous)
        return True

    def keep_under(self, prefix: str) -> bool:
        """Keep, as they are, the files last written under `prefix`, for a part whose one key
        says none of them changed (each has its own key besides); False, keeping none, when one
        is no longer there."""
        kept = {path: key for path, key in self.previous.items() if path.startswith(prefix)}
        if not all(os.path.isfile(os.path.join(self.output, path)) for path in kept):
            return False
        self.current.update(kept)
        self.skipped += len(kept)
        return True

    def write(self, save_as: str, content: str | bytes, key: str = "") -> None:
        """Write a file unless its bytes are already there."""
        if not inside_output(save_as):
            raise ValueError(f"essaim: refusing to write outside the output folder: {save_as!r}")
        data = content.encode("utf-8") if isinstance(content, str) else content
        self.current[save_as] = key
        self.rendered += 1
        target = os.path.join(self.output, save_as)
        if save_as in self.previous:  # only files of an earlier build can be identical
            try:
                if os.stat(target).st_size == len(data):
                    with open(target, "rb") as handle:
                        if handle.read() == data:
                            return
            except OSError:
                pass
        folder = os.path.dirname(target)
        if folder not in self.folders:
            _make_folder(folder)
            self.folders.add(folder)
        _write_file(target, data)
        self.written += 1

    def copy(self, save_as: str, source: Path) -> None:
        """Copy a file (a library, a logo) unless the same file — same modification time and
        size — was copied to `save_as` last time and is still there."""
        info = source.stat()
        key = make_key(info.st_mtime_ns, info.st_size)
        if not self.is_fresh(save_as, key):
            self.write(save_as, source.read_bytes(), key)

    def finish(self) -> None:
        """Remove files this part no longer produces, then save the manifest."""
        for stale in set(self.previous) - set(self.current):
            if inside_output(stale):
                (self.output / stale).unlink(missing_ok=True)
        if self.manifest_file is not None:
            cachefile.save(self.manifest_file, self.current)  # its own temporary file, removed on failure
        logger.info(
            "essaim: %s rendered, %s unchanged (skipped), %s files written",
            self.rendered,
            self.skipped,
            self.written,
        )
