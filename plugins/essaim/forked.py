"""Forked workers: processes that do a part's queued jobs (record pages, posters, QR codes) while
the build process goes on with the other parts, sharing the jobs out through one counter.

A part queues its jobs, calls `start`, and says what to do when Pelican has run every part
(`done`): `finish_pending` (signal `finalized`) calls it, and the part then takes with `join`
what no worker has taken yet, gathers the workers' files and saves its manifest. A worker is
forked after the Directory is read: it has every record, and only the list of its jobs' indices
is shared.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import sys
from collections.abc import Callable, Sequence
from typing import Any

from .output import OutputFiles

PARALLEL_FROM = 300  # below this many jobs, forking workers costs more than it saves
CHUNK = 64  # jobs a process takes at a time from the shared counter
INTERRUPTED = 130  # a worker's exit status after Ctrl-C (128 + SIGINT)
_PENDING: list[Workers] = []  # work to finish when Pelican has run every part


class Workers:
    """`jobs` done by forked workers while this process goes on with the other parts; when those
    are done, this process does what is left with them (`join`). Workers and this process take
    the next `CHUNK` jobs from a shared counter, so the work is shared out whatever each process
    had to do besides. `what` names the work in the message of a worker that failed."""

    def __init__(
        self,
        jobs: Sequence[Any],
        run: Callable[[Any], None],
        files: OutputFiles,
        workers: int,
        what: str,
        done: Callable[[], None],
    ) -> None:
        context = multiprocessing.get_context("fork")
        self.jobs, self.run, self.files, self.what, self.done = jobs, run, files, what, done
        self.next = context.Value("i", 0)
        self.pipes = [context.Pipe(duplex=False) for _ in range(workers)]
        self.results = [_memory_file() for _ in range(workers)]
        self.processes = [
            context.Process(target=self._work, args=(sender, result), daemon=True)
            for (_, sender), result in zip(self.pipes, self.results, strict=True)
        ]
        for process in self.processes:
            process.start()
        for _, sender in self.pipes:
            sender.close()  # the worker holds its end: a worker that dies closes the pipe

    def _take(self) -> Sequence[Any]:
        with self.next.get_lock():
            start = self.next.value
            self.next.value = start + CHUNK
        return self.jobs[start : start + CHUNK]

    def _do_taken(self) -> None:
        """Do jobs, `CHUNK` at a time from the shared counter, until none is left."""
        while jobs := self._take():
            for job in jobs:
                self.run(job)

    def _work(self, sender: Any, result: int | None) -> None:
        """In a forked worker: do jobs until none is left, then send back what was written (or
        why it stopped: the build then fails with that message instead of waiting).

        What was written goes into `result`, a file in memory, when the system has them: the
        worker can then end at once, its memory given back, where a message this large would
        keep it waiting until the build process reads it, at the end of the build."""
        files = self.files
        files.current, files.written, files.rendered, files.skipped = {}, 0, 0, 0
        try:
            self._do_taken()
        except KeyboardInterrupt:  # Ctrl-C reaches every process of the build: the build's reports it
            sys.exit(INTERRUPTED)
        except OSError as error:  # a full disk, a read-only folder: the build process names the file
            sender.send(("error", error))
            sys.exit(1)
        except BaseException as error:  # reported to the build process, which raises it
            sender.send(("error", f"{type(error).__name__}: {error}"))
            raise
        written = (files.current, files.written, files.rendered, files.skipped)
        if result is not None:
            with os.fdopen(os.dup(result), "wb") as handle:
                pickle.dump(written, handle, pickle.HIGHEST_PROTOCOL)
            written = None
        sender.send(("done", written))

    def join(self) -> None:
        """Do the jobs no worker has taken yet, then gather the workers' files."""
        files = self.files
        self._do_taken()
        failures: list[str | OSError] = []
        for (receiver, _), process, result in zip(self.pipes, self.processes, self.results, strict=True):
            try:
                status, payload = receiver.recv()
            except EOFError:  # the worker died without a word (killed, out of memory)
                status, payload = "error", "stopped without finishing"
            process.join()
            if status == "done" and payload is None:  # in its file in memory
                with os.fdopen(os.dup(result), "rb") as handle:
                    handle.seek(0)  # the worker's writing moved the offset both processes share
                    payload = pickle.load(handle)  # what our own worker wrote, nobody else's
            self._close(result)
            if isinstance(payload, OSError):
                failures.append(payload)
                continue
            if status == "error":
                failures.append(f"{payload} (exit code {process.exitcode})")
                continue
            current, written, rendered, skipped = payload
            files.current.update(current)
            files.written += written
            files.rendered += rendered
            files.skipped += skipped
        for failure in failures:
            if isinstance(failure, OSError):
                raise failure  # as if this process had written the file
        if failures:
            raise RuntimeError(f"essaim: a {self.what} worker failed: " + "; ".join(failures))

    def _close(self, result: int | None) -> None:
        if result is not None:
            os.close(result)
            self.results[self.results.index(result)] = None

    def stop(self) -> None:
        """Stop the workers now (a build that failed before its end)."""
        for process in self.processes:
            process.terminate()
            process.join()
        for result in list(self.results):
            self._close(result)


def _memory_file() -> int | None:
    """A file in memory (Linux's memfd) for what a worker wrote; None where there is none (the
    worker then sends it through its pipe)."""
    try:
        return os.memfd_create("essaim-worker", os.MFD_CLOEXEC)
    except (AttributeError, OSError):
        return None


def abandon_pending() -> None:
    """Stop the workers of a build that failed before its end (they were doing its jobs)."""
    while _PENDING:
        _PENDING.pop(0).stop()


def finish_pending(*_: Any) -> None:
    """Signal `finalized`: each part with workers finishes its jobs, in the order they started."""
    while _PENDING:
        _PENDING.pop(0).done()


def call(job: Callable[[], None]) -> None:
    """How a job that is a function (a `functools.partial`) is done."""
    job()


def start(
    jobs: Sequence[Any],
    files: OutputFiles,
    workers: int,
    what: str,
    done: Callable[[], None],
    run: Callable[[Any], None] = call,
) -> Workers | None:
    """Fork `workers - 1` workers (`Site.jobs`: the cores, or ESSAIM_JOBS) for `jobs`, each done
    by `run(job)`, when there are many: they do them while the build process goes on, until
    `done` joins them. None when forking would not pay, or cannot be done here: the part then
    does its jobs itself."""
    fork = "fork" in multiprocessing.get_all_start_methods()
    if len(jobs) < PARALLEL_FROM or workers < 2 or not fork:
        return None
    gc.freeze()  # what the workers share stays as it is: no copy of it for the collector's sake
    background = Workers(jobs, run, files, workers - 1, what, done)
    _PENDING.append(background)
    return background
