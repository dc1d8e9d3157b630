"""What every part of a build shares: the territory, its Directory, its URLs and "now"."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .pages.urls import Urls
from .records.model import Directory
from .records.taxonomy import vocabulary
from .records.territory import Territory


@dataclass
class Site:
    """The shared state of one build, put in Pelican's context as `essaim`."""

    territory: Territory
    directory: Directory
    urls: Urls
    now: datetime
    labels: dict[str, Any] = field(default_factory=vocabulary)

    @property
    def upcoming_events(self) -> list:
        """Events not over at build time, soonest first."""
        return self.directory.upcoming_events(self.now)

    @property
    def past_events(self) -> list:
        """Events over at build time, latest first."""
        return self.directory.past_events(self.now)

    def edit_url(self, source: str) -> str | None:
        """The forge's edit page of a source file, when territory.yml names a forge."""
        forge = self.territory.forge
        if not forge:
            return None
        separator = "/-/edit/" if forge["kind"] == "gitlab" else "/edit/"
        return f"{forge['repository']}{separator}{forge['branch']}/{source}"
