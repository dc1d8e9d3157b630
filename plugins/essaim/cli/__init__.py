"""The `essaim` command: thin click commands over the records core, one module per family of
commands (base.py holds the group and what they share)."""

from __future__ import annotations

from . import checks, files, imports, printing, pulls  # noqa: F401 - each module adds its commands to `main`
from .base import default_format, main, validation_report

__all__ = ["default_format", "main", "validation_report"]
