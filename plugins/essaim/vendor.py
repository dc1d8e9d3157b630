"""Front-end libraries from npm (pinned by package-lock.json), copied into the site at build time.

Nothing from node_modules is ever committed: `make` runs `npm ci`, and each part names the
files it needs here. Licences are copied beside the code.
"""

from __future__ import annotations

from pathlib import Path

# A file is copied under its own name, or (source, name) where a browser needs another name.
LIBRARIES: dict[str, list[str | tuple[str, str]]] = {
    "leaflet": [
        "dist/leaflet.js",
        "dist/leaflet.css",
        "dist/images/layers.png",
        "dist/images/layers-2x.png",
        "dist/images/marker-icon.png",
        "dist/images/marker-icon-2x.png",
        "dist/images/marker-shadow.png",
        "LICENSE",
    ],
    "leaflet.markercluster": [
        "dist/leaflet.markercluster.js",
        "dist/MarkerCluster.css",
        "dist/MarkerCluster.Default.css",
        "MIT-LICENCE.txt",
    ],
    "lunr": ["lunr.min.js", "LICENSE"],
    "lunr-languages": [
        "min/lunr.stemmer.support.min.js",
        "min/lunr.fr.min.js",
        "min/lunr.es.min.js",
        "LICENSE",
    ],
    # « Ouvert maintenant »: OSM opening hours read in the browser (a worker loads them)
    "opening_hours": [
        ("build/opening_hours.js", "opening_hours.js"),
        ("LICENSES/LGPL-3.0-only.txt", "LICENSE"),
    ],
    "suncalc": [("suncalc.cjs", "suncalc.js"), "LICENSE"],  # served as .js: a JavaScript MIME type
}


class MissingFrontendLibrary(Exception):
    """node_modules does not have a library the site needs."""


def node_modules(root: Path) -> Path:
    """The territory's node_modules, or Essaim's own (a territory may build from a checkout)."""
    for candidate in (root / "node_modules", Path(__file__).resolve().parents[2] / "node_modules"):
        if candidate.is_dir():
            return candidate
    return root / "node_modules"


def vendor_files(root: Path, library: str) -> list[tuple[Path, str]]:
    """(source file, output path under vendor/) of one library; a clear error when missing."""
    base = node_modules(root) / library
    files = []
    for entry in LIBRARIES[library]:
        name, save_as = entry if isinstance(entry, tuple) else (entry, entry)
        source = base / name
        if not source.is_file():
            raise MissingFrontendLibrary(
                f"{source} est introuvable : lancez « npm ci » (ou « make build ») pour installer "
                "les bibliothèques du site"
            )
        files.append((source, f"vendor/{library}/{save_as.removeprefix('dist/')}"))
    return files
