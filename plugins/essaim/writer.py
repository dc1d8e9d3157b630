"""A Pelican Writer that leaves a file alone when its new content is the same as the old one.

Pelican's own writer rewrites every page it renders (the free pages of content/ and the 404);
with this one, a rebuild touches only the files whose bytes change, so deploys and `rsync` see
real changes only (tests/test_incremental.py). It overrides Pelican's private `_open_w`: used
only behind the gate of internals.py, Pelican's own writer otherwise.
"""

from __future__ import annotations

import io
import os

from pelican.writers import FileOverwriteFailedError, Writer


class _WriteIfChanged(io.StringIO):
    """A text buffer that, when closed, writes its content to `path` only if it differs."""

    def __init__(self, path: str, encoding: str) -> None:
        super().__init__()
        self.path = path
        self.target_encoding = encoding

    def close(self) -> None:
        if not self.closed:
            data = self.getvalue().encode(self.target_encoding)
            try:
                with open(self.path, "rb") as existing:
                    unchanged = existing.read() == data
            except OSError:
                unchanged = False
            if not unchanged:
                try:
                    with open(self.path, "wb") as handle:
                        handle.write(data)
                except OSError as error:  # a full disk: name the file, as `open` would
                    error.filename = error.filename or self.path
                    raise
        super().close()


class UnchangedFilesWriter(Writer):
    """Pelican's Writer, with the same overwrite rules, that skips identical files."""

    def _open_w(self, filename, encoding, override=False):
        """Same bookkeeping as Writer._open_w; the file is written on close, if changed."""
        if filename in self._overridden_files:
            if override:
                raise FileOverwriteFailedError(
                    f'Failed to overwrite "{filename}" a second time (was previously overwritten)'
                )
            return open(os.devnull, "w", encoding=encoding)
        if filename in self._written_files and not override:
            raise FileOverwriteFailedError(
                f'Failed to overwrite "{filename}" as Pelican has already written to it previously '
                "(set `override=True` if intended)"
            )
        if override:
            self._overridden_files.add(filename)
        self._written_files.add(filename)
        return _WriteIfChanged(filename, encoding)
