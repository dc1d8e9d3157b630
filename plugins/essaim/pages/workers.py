"""The page workers: forked processes that render record pages while the build process goes on
with the other parts, sharing the pages out through one counter (pages/generator.py queues them).
"""

from __future__ import annotations

import gc
import multiprocessing
import sys
from typing import Any

PARALLEL_PAGES = 300  # below this many record pages, forking workers costs more than it saves
CHUNK = 64  # pages a process takes at a time from the shared queue
INTERRUPTED = 130  # a worker's exit status after Ctrl-C (128 + SIGINT)
_PENDING: list[Workers] = []  # renderings to finish when Pelican has run every part


class Workers:
    """Pages rendered by forked workers while this process goes on with the other parts (search,
    agenda, map, open data...); when those are done, this process renders what is left with them
    (`join`). Workers and this process take the next `CHUNK` pages from a shared counter, so the
    work is shared out whatever each process had to do besides."""

    def __init__(self, generator: Any, workers: int) -> None:
        context = multiprocessing.get_context("fork")
        self.generator = generator
        self.next = context.Value("i", 0)
        self.pipes = [context.Pipe(duplex=False) for _ in range(workers)]
        self.processes = [
            context.Process(target=self._work, args=(sender,), daemon=True) for _, sender in self.pipes
        ]
        for process in self.processes:
            process.start()
        for _, sender in self.pipes:
            sender.close()  # the worker holds its end: a worker that dies closes the pipe

    def _take(self) -> list:
        with self.next.get_lock():
            start = self.next.value
            self.next.value = start + CHUNK
        return self.generator.jobs[start : start + CHUNK]

    def _render_taken(self) -> None:
        """Render pages, `CHUNK` at a time from the shared counter, until none is left."""
        while jobs := self._take():
            for job in jobs:
                self.generator._render(*job)

    def _work(self, sender: Any) -> None:
        """In a forked worker: render pages until none is left, then send back what was written
        (or why it stopped: the build then fails with that message instead of waiting)."""
        files = self.generator.files
        files.current, files.written, files.rendered, files.skipped = {}, 0, 0, 0
        try:
            self._render_taken()
        except KeyboardInterrupt:  # Ctrl-C reaches every process of the build: the build's reports it
            sys.exit(INTERRUPTED)
        except OSError as error:  # a full disk, a read-only folder: the build process names the file
            sender.send(("error", error))
            sys.exit(1)
        except BaseException as error:  # reported to the build process, which raises it
            sender.send(("error", f"{type(error).__name__}: {error}"))
            raise
        sender.send(("done", (files.current, files.written, files.rendered, files.skipped)))

    def join(self) -> None:
        """Render the pages no worker has taken yet, then gather the workers' files."""
        files = self.generator.files
        self._render_taken()
        failures: list[str | OSError] = []
        for (receiver, _), process in zip(self.pipes, self.processes, strict=True):
            try:
                status, payload = receiver.recv()
            except EOFError:  # the worker died without a word (killed, out of memory)
                status, payload = "error", "stopped without finishing"
            process.join()
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
                raise failure  # as if this process had written the page
        if failures:
            raise RuntimeError("essaim: a page-rendering worker failed: " + "; ".join(failures))


def abandon_pending() -> None:
    """Stop the workers of a build that failed before its end (they were rendering its pages)."""
    while _PENDING:
        for process in _PENDING.pop(0).processes:
            process.terminate()
            process.join()


def finish_pages(*_: Any) -> None:
    """Signal `finalized`: finish the pages still being rendered in the background."""
    while _PENDING:
        _PENDING.pop(0).generator._finish()


def start(generator: Any, workers: int) -> Workers | None:
    """Fork `workers - 1` workers for the generator's record pages (`generator.jobs`) when there
    are many: they render them while the build process queues the lists and Pelican runs the
    other parts (`finish_pages` joins them). None when forking would not pay."""
    fork = "fork" in multiprocessing.get_all_start_methods()
    if len(generator.jobs) < PARALLEL_PAGES or workers < 2 or not fork:
        return None
    for template in {job[1] for job in generator.jobs}:
        generator.get_template(template)  # compiled once, before the fork
    gc.freeze()  # what the workers share stays as it is: no copy of it for the collector's sake
    background = Workers(generator, workers - 1)
    _PENDING.append(background)
    return background
