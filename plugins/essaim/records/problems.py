"""Problems found in records: one class, three output formats (text, GitHub annotations, and
GitLab's Code Quality report)."""

from __future__ import annotations

import hashlib
import json
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
        path = visible(self.path)
        if style == "github":
            message = self.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
            return f"::{self.severity} file={path},line={self.line},col={self.col}::{visible(message)}"
        return f"{path}:{self.line}:{self.col}: {self.severity}: {visible(self.message)}"


GITLAB_SEVERITY = {ERROR: "major", WARNING: "minor"}


def render_problems(problems: list[Problem], style: str, check: str = "essaim") -> str:
    """Every problem in one text: a line each (text, github), or GitLab's Code Quality report
    (a JSON list, `artifacts: reports: codequality:`), each item named by `check`."""
    if style != "gitlab":
        return "\n".join(problem.format(style) for problem in problems)
    return json.dumps(
        [
            {
                "description": problem.message,
                "check_name": check,
                "fingerprint": hashlib.sha256(
                    f"{check}\0{problem.path}\0{problem.line}\0{problem.message}".encode()
                ).hexdigest()[:32],
                "severity": GITLAB_SEVERITY.get(problem.severity, "info"),
                "location": {"path": problem.path, "lines": {"begin": problem.line}},
            }
            for problem in problems
        ],
        ensure_ascii=False,
        indent=2,
    )


_CONTROL = re.compile("[\x00-\x1f\x7f]")


def visible(text: str) -> str:
    """A text on one line: a control character shown as `\\x0a`."""
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
