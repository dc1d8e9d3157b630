"""Files → records → Directory: read every record file, check it, report every problem.

The one entry point is `read_directory`. Parsed records are cached by file file_key (size and
modification time), like Pelican's `FileStampDataCacher`, so a rebuild re-reads only what changed.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from . import cachefile
from . import schema as schema_module
from .checks import directory_problems, record_problems
from .gitdates import last_commit_dates
from .load import read_source
from .model import RECORD_TYPES, Actor, Directory, Event, Record
from .problems import Problem, has_errors
from .schema import KINDS, schema_problems
from .territory import Territory

logger = logging.getLogger(__name__)

FOLDERS = {kind: RECORD_TYPES[kind].FOLDER for kind in KINDS}
CACHE_FILE = "essaim-records.pickle"
PARALLEL_THRESHOLD = 400  # below this, starting worker processes costs more than it saves


def record_paths(root: str | os.PathLike[str]) -> list[tuple[str, str]]:
    """Every record file under the territory root, as (kind, path as text), in a stable order."""
    files = []
    for kind, folder in FOLDERS.items():
        directory = os.path.join(root, folder)
        if os.path.isdir(directory):
            entries = [e for e in os.scandir(directory) if e.name.endswith(".md") and e.is_file()]
            files.extend((kind, e.path) for e in sorted(entries, key=lambda e: e.name))
    return files


def record_files(root: Path) -> list[tuple[str, Path]]:
    """Every record file under the territory root, as (kind, Path), in a stable order."""
    return [(kind, Path(path)) for kind, path in record_paths(root)]


def read_record(
    file: str | os.PathLike[str], root: str | os.PathLike[str], kind: str, mtime: float | None = None
) -> tuple[Record | None, list[Problem]]:
    """Read one file and check it against its schema; the record is None when unusable.

    `mtime`: the file's modification time when the caller has it already (one stat() less)."""
    source, problems = read_source(file, root, kind)
    if source is None:
        return None, problems
    problems.extend(schema_problems(source))
    record = RECORD_TYPES[kind](
        slug=source.slug,
        source=source.path,
        fields=source.fields,
        body=source.body,
        body_line=source.body_line,
        digest=source.digest,
        file=os.fspath(file),
        mtime=os.stat(file).st_mtime if mtime is None else mtime,
        # Most records are valid: they drop their line map (a third of their weight when cached
        # or sent between processes) and find it again if a later check needs a position.
        lines=source.line_map() if problems else None,
    )
    record.sort_name  # noqa: B018 - computed here, in parallel, and kept in the cache
    if isinstance(record, Actor):
        record.website_key  # noqa: B018
    return record, problems


def _ignore_interrupt() -> None:
    """In a reading worker: Ctrl-C is the build process's to report (it then waits for the
    workers to finish their share, a second at most), not one traceback per worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _read_many(jobs: list[tuple[str, str, str, int]]) -> list[tuple[Record | None, list[Problem]]]:
    """Worker entry point: read a chunk of (path, root, kind, modification time in ns)."""
    return [read_record(path, root, kind, ns / 1e9) for path, root, kind, ns in jobs]


@cache
def _code_key() -> str:
    """Changes whenever the code that reads and checks a record changes (this package's modules,
    schemas and taxonomy, as imported), so cached results are never stale."""
    return cachefile.source_digest(Path(__file__).parent, schema_module.SCHEMA_VERSION.encode()).hexdigest()


@dataclass
class RecordCache:
    """Parsed records by path, each with the file_key of the file it came from."""

    path: Path | None
    entries: dict[str, tuple[tuple, Any]] = field(default_factory=dict)
    dirty: bool = False
    code_key: str = ""  # the code that made the entries: another code's are never read

    @classmethod
    def open(cls, cache_dir: Path | None, name: str = CACHE_FILE, code: str = "") -> RecordCache:
        """Load the cache `name` from `cache_dir` (an empty cache when absent, stale or damaged:
        a damaged file is removed). `code`: what else than this package's code the entries
        depend on (another part's code key)."""
        if cache_dir is None:
            return cls(None)
        path, key = cache_dir / name, _code_key() + code
        saved = cachefile.load(path, tuple)
        if saved is not None and len(saved) == 2 and isinstance(saved[1], dict) and saved[0] == key:
            return cls(path, saved[1], code_key=key)
        return cls(path, {}, dirty=True, code_key=key)

    def get(self, file: str | os.PathLike[str], file_key: tuple) -> Any:
        """The cached result for `file` if its file_key (its modification time and size, or
        whatever the caller keys an entry by) has not changed."""
        entry = self.entries.get(os.fspath(file))
        return entry[1] if entry and entry[0] == file_key else None

    def put(self, file: str | os.PathLike[str], file_key: tuple, value: Any) -> None:
        """Remember a result for `file`."""
        self.entries[os.fspath(file)] = (file_key, value)
        self.dirty = True

    def save(self, keep: Iterable[str | os.PathLike[str]], background: bool = False) -> None:
        """Write the cache, forgetting files that no longer exist.

        `background`: write it from a forked process, while this one goes on with the build (at
        10,000 records, pickling them is a fifth of a second nothing else waits for). The file
        is replaced in one step, so a build never reads half of it."""
        if self.path is None:
            return
        kept = {os.fspath(path) for path in keep}
        if set(self.entries) - kept:
            self.entries = {k: v for k, v in self.entries.items() if k in kept}
            self.dirty = True
        if not self.dirty:
            return
        _write_cache(self._write, background)
        self.dirty = False

    def _write(self) -> None:
        """Save the cache. A cache that cannot be written (a full disk, a read-only folder) is
        only a slower next build: the one before stays whole, and its entries are still right
        for the files whose file_key did not change."""
        assert self.path is not None
        try:
            cachefile.save(self.path, (self.code_key or _code_key(), self.entries))
        except OSError as error:
            _unwritten(self.path, error)


def _write_cache(write: Callable[[], None], background: bool) -> None:
    """Run `write` now, or with `background` in a forked process, which Ctrl-C leaves to finish
    (each file is replaced in one step), while this one goes on with the build."""
    if background and "fork" in multiprocessing.get_all_start_methods():

        def in_background() -> None:
            _ignore_interrupt()
            write()

        multiprocessing.get_context("fork").Process(target=in_background).start()
    else:
        write()


def _unwritten(path: Path, error: OSError) -> None:
    logger.warning(
        "essaim : le cache %s n'a pas pu être écrit (%s) ; libérez de la place ou rendez "
        "ce dossier accessible en écriture pour accélérer la prochaine construction.",
        path,
        error.strerror or error,
    )


@dataclass
class EntryCache:
    """A RecordCache kept one file per entry (`cache/<name>/<digest>.pickle`), for large entries
    of which a build changes few (each neighbour's checked records, search groups, places): a
    pull that changes one neighbour rewrites that one file, not hundreds of megabytes. The same
    rules: an entry made by other code, or under another key, is not read; a damaged file is
    removed; a file that cannot be written is only a slower next build."""

    folder: Path | None
    code_key: str = ""
    pending: dict[str, tuple[tuple, Any]] = field(default_factory=dict)

    @classmethod
    def open(cls, cache_dir: Path | None, name: str, code: str = "") -> EntryCache:
        """The cache `name` in `cache_dir` (nothing is read until an entry is asked for). The
        single file an earlier version kept it in (`<name>.pickle`) is removed."""
        if cache_dir is None:
            return cls(None)
        (cache_dir / f"{name}.pickle").unlink(missing_ok=True)
        return cls(cache_dir / name, _code_key() + code)

    def _path(self, entry: str) -> Path:
        assert self.folder is not None
        return self.folder / f"{hashlib.sha1(entry.encode()).hexdigest()[:24]}.pickle"

    def get(self, entry: str | os.PathLike[str], file_key: tuple) -> Any:
        """The cached value of `entry` if it was made by this code under `file_key`."""
        if self.folder is None:
            return None
        name = os.fspath(entry)
        saved = cachefile.load(self._path(name), tuple)
        if saved is None or len(saved) != 4 or saved[:3] != (self.code_key, name, file_key):
            return None
        return saved[3]

    def put(self, entry: str | os.PathLike[str], file_key: tuple, value: Any) -> None:
        """Remember a value, written by `save`."""
        self.pending[os.fspath(entry)] = (file_key, value)

    def save(self, keep: Iterable[str | os.PathLike[str]], background: bool = False) -> None:
        """Write the entries put since `open` (from a forked process with `background`), and
        remove the files of entries not in `keep`."""
        if self.folder is None:
            return
        kept = {self._path(os.fspath(entry)).name for entry in keep}
        if self.folder.is_dir():
            for path in self.folder.glob("*.pickle"):
                if path.name not in kept:
                    path.unlink(missing_ok=True)
        if not self.pending:
            return
        _write_cache(self._write, background)
        self.pending = {}

    def _write(self) -> None:
        assert self.folder is not None
        for entry, (file_key, value) in self.pending.items():
            try:
                cachefile.save(self._path(entry), (self.code_key, entry, file_key, value))
            except OSError as error:
                _unwritten(self.folder, error)
                return


def _file_key(file: str | os.PathLike[str]) -> tuple[int, int]:
    info = os.stat(file)
    return (info.st_mtime_ns, info.st_size)


def read_records(
    root: Path,
    cache: RecordCache,
    jobs: int | None = None,
    files: list[tuple[str, str]] | None = None,
) -> list[tuple[Record | None, list[Problem]]]:
    """Read every record file (from the cache when unchanged), in parallel when many changed."""
    files = record_paths(root) if files is None else files
    results: list[Any] = [None] * len(files)
    todo = []
    for index, (kind, file) in enumerate(files):
        file_key = _file_key(file)
        cached = cache.get(file, file_key)
        if cached is not None:
            results[index] = cached
        else:
            todo.append((index, kind, file, file_key))
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    if len(todo) >= PARALLEL_THRESHOLD and workers > 1:
        # workers - 1 child processes read the first part; this process reads the last share
        # itself meanwhile (its records need no pickling on the way back).
        mine = todo[len(todo) - len(todo) // workers :]
        theirs = todo[: len(todo) - len(mine)]
        chunk = max(1, len(theirs) // (workers * 4))
        batches = [theirs[i : i + chunk] for i in range(0, len(theirs), chunk)]
        with ProcessPoolExecutor(max_workers=workers - 1, initializer=_ignore_interrupt) as pool:
            futures = [
                pool.submit(_read_many, [(f, os.fspath(root), k, st[0]) for _, k, f, st in batch])
                for batch in batches
            ]
            own = [read_record(file, root, kind, file_key[0] / 1e9) for _, kind, file, file_key in mine]
            fresh = [result for future in futures for result in future.result()] + own
    else:
        fresh = [read_record(file, root, kind, file_key[0] / 1e9) for _, kind, file, file_key in todo]
    for (index, _, file, file_key), result in zip(todo, fresh, strict=True):
        results[index] = result
        cache.put(file, file_key, result)
    cache.save((file for _, file in files), background=len(todo) >= PARALLEL_THRESHOLD)
    logger.debug(
        "essaim: %d record files, %d read, %d from cache", len(files), len(todo), len(files) - len(todo)
    )
    return results


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector. Reading makes hundreds of thousands of objects
    that all live on (records, their fields): the collector would scan them again and again as
    they pile up, a fifth of a second at 10,000 records. What reading throws away is freed at
    once by reference counting, but for one small cycle per record (a closure of fastjsonschema's
    validator, three objects), left for the collector's next pass."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@collector_paused()
def read_directory(
    root: Path,
    territory: Territory,
    cache_dir: Path | None = None,
    jobs: int | None = None,
    git_dates: bool = True,
) -> tuple[Directory, list[Problem]]:
    """Read, check and index every record of the territory at `root` (with the garbage
    collector paused).

    Returns the Directory of the usable records and every problem found, in every file: one
    bad file never hides another. Callers decide whether problems are fatal.
    """
    files = record_paths(root)
    results = read_records(root, RecordCache.open(cache_dir), jobs, files)
    actor_files = {os.path.basename(file)[:-3] for kind, file in files if kind == "actor"}  # minus ".md"
    tz = territory.tz
    problems: list[Problem] = []
    records: dict[str, list[Record]] = {kind: [] for kind in KINDS}
    dates = last_commit_dates(root, list(FOLDERS.values())) if git_dates else {}
    parsed: dict[str, list[Record]] = {kind: [] for kind in KINDS}
    for record, record_problem_list in results:
        problems.extend(record_problem_list)
        if record is None:
            continue
        parsed[record.KIND].append(record)
        local = record_problems(record, tz)
        problems.extend(local)
        if has_errors(record_problem_list) or has_errors(local):
            continue  # an invalid record is reported, never half-rendered (a warning is only told)
        record.updated = _updated(record, dates)
        record.__dict__.pop("change_key", None)  # made with `updated` as it is now, when first used
        if isinstance(record, Event):
            record.set_times(tz)
        records[record.KIND].append(record)
    # Cross-record checks see every parsed record, valid or not, so that one mistake does not
    # hide another (an unknown theme in a file that also misses a field) nor create a false one
    # (a reference to an actor whose own file has an error).
    problems.extend(
        directory_problems(
            parsed["actor"],
            parsed["initiative"],
            parsed["event"],
            territory.themes,
            root,
            actor_files,
            territory.offer_need_categories,
            territory.language,
        )
    )
    directory = Directory(territory.themes, records["actor"], records["initiative"], records["event"])
    return directory, sorted(set(problems))


def _updated(record: Record, dates: dict[str, date]) -> date:
    written = record.fields.get("updated")
    if written:
        return date.fromisoformat(written)
    if record.source in dates:
        return dates[record.source]
    return date.fromtimestamp(record.mtime)
