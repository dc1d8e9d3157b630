"""The Pelican generator that publishes this directory's federation manifest, /federation.json
(protocol essaim-federation): what neighbours read before pulling our open data."""

from __future__ import annotations

from ..jsontext import to_json
from ..output import make_key, record_keys
from ..part import Part
from .manifest import manifest

PART = "federation"
MANIFEST = "federation.json"


class FederationGenerator(Part):
    """Writes /federation.json (switch: `features.federation`), unless no record changed."""

    PART = PART

    def write(self) -> list[str]:
        """The manifest: the territory, its licence, its datasets and the box of its places."""
        site, files = self.site, self.files
        records = site.directory.records
        key = make_key(record_keys(records), self.build_key())
        if not files.is_fresh(MANIFEST, key):
            points = [(r.geo["lat"], r.geo["lon"]) for r in records if r.geo]
            updated_at = site.now.isoformat(timespec="seconds")
            files.write(MANIFEST, to_json(manifest(site.territory, points, updated_at)), key)
        return []
