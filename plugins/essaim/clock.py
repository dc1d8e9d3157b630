"""The one "now" of a build or a command: ESSAIM_NOW (a setting, or the environment, ISO 8601)
when given — reproducible builds, tests — else the clock."""

from __future__ import annotations

import os
from datetime import datetime


def build_now(settings: dict, tz) -> datetime:
    """The build's "now": ESSAIM_NOW (setting or environment, ISO 8601) or the clock."""
    value = settings.get("ESSAIM_NOW") or os.environ.get("ESSAIM_NOW")
    if not value:
        return datetime.now(tz)
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)
