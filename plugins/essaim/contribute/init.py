"""`essaim init`: the territory.yml of a new territory, from a few answers."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlparse

from .template import yaml_value

LICENCES = {
    "etalab-2.0": (
        "Licence Ouverte / Open Licence 2.0 (Etalab)",
        "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    ),
    "odbl-1.0": ("Open Database License (ODbL) 1.0", "https://opendatacommons.org/licenses/odbl/1-0/"),
    "cc-by-4.0": ("Creative Commons Attribution 4.0", "https://creativecommons.org/licenses/by/4.0/"),
}
RECORD_FOLDERS = ("actors", "initiatives", "events")
DEFAULT_PITCH = "L'annuaire des acteurs de l'économie sociale et solidaire : {name}."


def forge_kind(repository: str) -> str:
    """github or gitlab, from the repository's address (self-hosted forges run GitLab)."""
    return "github" if urlparse(repository).netloc.lower() in ("github.com", "www.github.com") else "gitlab"


def territory_yaml(
    name: str,
    base_url: str,
    *,
    pitch: str = "",
    contact_email: str = "",
    repository: str = "",
    branch: str = "main",
    bounds: tuple[float, float, float, float] | None = None,
    timezone: str = "Europe/Paris",
    licence: str = "etalab-2.0",
) -> str:
    """The text of territory.yml, commented in French, with the given answers."""
    licence_name, licence_url = LICENCES[licence]
    lines = [
        "# Tout ce qu'un territoire change est dans ce fichier.",
        "# Son schéma : plugins/essaim/records/schemas/territory.json.",
        f"name: {yaml_value(name)}",
        f"pitch: {yaml_value(pitch or DEFAULT_PITCH.format(name=name))}",
        "language: fr",
        f"timezone: {yaml_value(timezone)}",
        "# L'adresse publique du site (sans / final).",
        f"base_url: {yaml_value(base_url.rstrip('/'))}",
    ]
    if contact_email:
        lines.append(f"contact_email: {yaml_value(contact_email)}")
    lines += [
        "licence:",
        f"  id: {yaml_value(licence)}",
        f"  name: {yaml_value(licence_name)}",
        f"  url: {yaml_value(licence_url)}",
    ]
    if repository:
        lines += [
            "# Le dépôt des fiches : liens « Modifier cette fiche », « Signaler une erreur », formulaire.",
            "forge:",
            f"  kind: {forge_kind(repository)}",
            f"  repository: {yaml_value(repository.rstrip('/'))}",
            f"  branch: {yaml_value(branch)}",
        ]
    else:
        lines += [
            "# forge:",
            "#   kind: github",
            "#   repository: https://github.com/votre-organisation/votre-annuaire",
        ]
    if bounds:
        south, west, north, east = bounds
        lines += [
            "map:",
            "  # Vue initiale de la carte : [[sud, ouest], [nord, est]].",
            f"  bounds: [[{south}, {west}], [{north}, {east}]]",
        ]
    lines += [
        "# Chaque partie du site peut être désactivée.",
        "features:",
        "  pages: true",
        "  search: true",
        "  opendata: true",
        "  agenda: true",
        "  map: true",
    ]
    return "\n".join(lines) + "\n"


def remove_demo_records(root: Path) -> int:
    """Delete the demonstration records (actors/, initiatives/, events/) and their calendars'
    snapshots (calendars/); return how many records. A folder (or logo folder) that is a link
    is left alone: what it points to is not the repository's to delete."""
    removed = 0
    for folder in RECORD_FOLDERS:
        if (root / folder).is_symlink():
            continue
        for file in sorted((root / folder).glob("*.md")):
            if file.is_symlink():
                continue
            file.unlink()
            removed += 1
        (root / folder).mkdir(exist_ok=True)
        (root / folder / ".gitkeep").touch()
    calendars = root / "calendars"
    if calendars.is_dir() and not calendars.is_symlink():
        for file in calendars.glob("*.json"):
            if not file.is_symlink():
                file.unlink()
    media = root / "media" / "logos"
    if media.is_dir() and not media.is_symlink() and not (root / "media").is_symlink():
        shutil.rmtree(media)
    return removed
