"""Problems found in records: one class, two output formats (text and GitHub annotations)."""

from __future__ import annotations

import re
from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one file, at one line and column (both 1-based)."""

    path: str
    line: int
    col: int
    message: str
    severity: str = ERROR

    def format(self, style: str = "text") -> str:
        """Render as ``path:line:col: error: message`` or as a GitHub workflow annotation, on
        one line: a control character (a file named with a line feed) is shown as `\\x0a`."""
        path = _visible(self.path)
        if style == "github":
            message = self.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
            return f"::{self.severity} file={path},line={self.line},col={self.col}::{_visible(message)}"
        return f"{path}:{self.line}:{self.col}: {self.severity}: {_visible(self.message)}"


_CONTROL = re.compile("[\x00-\x1f\x7f]")


def _visible(text: str) -> str:
    return _CONTROL.sub(lambda found: f"\\x{ord(found.group()):02x}", text)


def has_errors(problems: list[Problem]) -> bool:
    """True when at least one problem is an error (warnings do not fail a build)."""
    return any(problem.severity == ERROR for problem in problems)


class InvalidContent(Exception):
    """Raised by a build when records are invalid; carries every problem found."""

    exitcode = 1

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        errors = [p for p in self.problems if p.severity == ERROR]
        listing = "\n".join(p.format() for p in self.problems)
        super().__init__(f"{len(errors)} erreur(s) dans les fiches ; corrigez-les puis relancez :\n{listing}")
