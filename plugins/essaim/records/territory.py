"""territory.yml: everything a territory changes, read and checked up front."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .hours import holidays_known
from .load import load_yaml_mapping
from .media import image_problem
from .offers import RESERVED_CATEGORIES
from .problems import InvalidContent, Problem
from .schema import problems_for_mapping, territory_validator
from .taxonomy import Theme, categories_for, themes_for

TERRITORY_FILE = "territory.yml"

DEFAULT_LICENCE = {
    "id": "etalab-2.0",
    "name": "Licence Ouverte / Open Licence 2.0 (Etalab)",
    "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}
DEFAULT_URLS = {
    "actors": "acteurs",
    "initiatives": "initiatives",
    "events": "agenda",
    "themes": "themes",
    "legal_forms": "statuts",
    "cities": "communes",
    "data": "donnees",
    "map": "carte",
    "search": "recherche",
    "propose": "proposer",
    "board": "coups-de-main",
    "figures": "chiffres",
    "print": "imprimer",
}
# The URL segments of each interface language (the default language's are DEFAULT_URLS, French);
# a territory changes them with `urls` (its default language) and `translations.<lang>.urls`.
LANGUAGE_URLS = {
    "fr": DEFAULT_URLS,
    "en": {
        "actors": "organisations",
        "initiatives": "initiatives",
        "events": "events",
        "themes": "themes",
        "legal_forms": "legal-forms",
        "cities": "towns",
        "data": "data",
        "map": "map",
        "search": "search",
        "propose": "propose",
        "board": "helping-hands",
        "figures": "figures",
        "print": "print",
    },
    "es": {
        "actors": "organizaciones",
        "initiatives": "iniciativas",
        "events": "agenda",
        "themes": "temas",
        "legal_forms": "formas-juridicas",
        "cities": "municipios",
        "data": "datos",
        "map": "mapa",
        "search": "buscar",
        "propose": "proponer",
        "board": "echar-una-mano",
        "figures": "cifras",
        "print": "imprimir",
    },
}
DEFAULT_MAP = {
    "tiles": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    "attribution": "© les contributeurs d'OpenStreetMap",
    "attribution_url": "https://www.openstreetmap.org/copyright",
    # Above this many places, the map is cut at build time (map/tiles.py) instead of one file.
    "chunk_above": 5_000,
}
DEFAULT_COLORS = {"primary": "#1b5e4b", "accent": "#a8421a"}
DEFAULT_LISTING = {"page_size": 60, "home_newest_actors": 6, "home_next_events": 5, "home_latest_needs": 5}
DEFAULT_FEATURES = {
    "pages": True,
    "search": True,
    "opendata": True,
    "agenda": True,
    "map": True,
    "contribute": True,
    "federation": True,
    "exchange": True,
    "figures": True,
    "print": True,
}
DEFAULT_AGENDA = {"horizon_days": 365}
DEFAULT_FRESHNESS = {"stale_months": 18}
DEFAULT_PRINT = {"pdf": False, "max_entries": 2000}


MIN_CONTRAST = 4.5  # WCAG 2.1 AA for text: the colours are used for text on white and under white


def contrast_with_white(color: str) -> float:
    """WCAG contrast ratio between a #rrggbb colour and white."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (luminance + 0.05)


@dataclass
class Territory:
    """A territory's settings, with defaults filled in."""

    name: str
    pitch: str
    base_url: str
    short_name: str = ""
    demo: bool = False
    language: str = "fr"  # the default language: the first of `languages`
    languages: tuple[str, ...] = ("fr",)
    # translations: per other language, name, short_name, pitch and urls (`in_language`)
    translations: dict[str, dict[str, Any]] = field(default_factory=dict)
    timezone: str = "Europe/Paris"
    country: str = "FR"  # ISO 3166 code: the public holidays of opening hours (`PH off`)
    contact_email: str | None = None
    logo: str | None = None
    colors: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_COLORS))
    licence: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_LICENCE))
    forge: dict[str, str] | None = None
    urls: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_URLS))
    theme_overrides: dict[str, Any] = field(default_factory=dict)
    listing: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_LISTING))
    features: dict[str, bool] = field(default_factory=lambda: dict(DEFAULT_FEATURES))
    # offers_needs: categories, synonyms, generic_words, matching (false: no suggestions)
    offers_needs: dict[str, Any] = field(default_factory=dict)
    agenda: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_AGENDA))
    # freshness: stale_months (a record older than that asks « Cette fiche est-elle à jour ? »)
    freshness: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_FRESHNESS))
    # print: pdf (the build writes the booklets' PDFs), max_entries (a larger booklet is not made)
    printed: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_PRINT))
    # registry: legal_forms and themes that override sources/registry.yml (`essaim import registry`)
    registry: dict[str, Any] = field(default_factory=dict)
    map: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_MAP))
    peers: list[dict[str, Any]] = field(default_factory=list)  # federation.peers, defaults filled in
    federation_max_bytes: int = 20_000_000
    federation_render_pages: bool = False  # peer records get a page here, rel=canonical to theirs

    def map_settings(self, places_bounds: list[list[float]] | None) -> dict[str, Any]:
        """Tiles, attribution and initial bounds [[south, west], [north, east]] of the map.

        Bounds come from territory.yml, else from the places' (`places_bounds`), else
        metropolitan France.
        """
        bounds = self.map.get("bounds") or places_bounds
        return {**self.map, "bounds": bounds or [[41.3, -5.2], [51.1, 9.6]]}

    @property
    def tz(self) -> ZoneInfo:
        """The territory's time zone."""
        return ZoneInfo(self.timezone)

    @property
    def themes(self) -> dict[str, Theme]:
        """The theme taxonomy in force: defaults plus this territory's overrides."""
        return themes_for(self.theme_overrides)

    @property
    def offer_need_categories(self) -> dict[str, str]:
        """The categories of offers and needs in force, slug → French label: the contract's,
        with this territory's additions, new labels and removals."""
        return categories_for(self.offers_needs.get("categories"))

    def in_language(self, language: str) -> Territory:
        """The territory as its site in `language` shows it: its name, short name and pitch in
        that language when territory.yml gives them (else as written), that language's URL
        segments, and its public address (`<base_url>/<lang>`). The default language's is the
        territory itself."""
        if language == self.language:
            return self
        said = self.translations.get(language, {})
        return replace(
            self,
            name=said.get("name", self.name),
            short_name=said.get("short_name", said.get("name", self.short_name)),
            pitch=said.get("pitch", self.pitch),
            urls={**LANGUAGE_URLS[language], **said.get("urls", {})},
            base_url=f"{self.base_url}/{language}",
            language=language,
        )

    def feature(self, name: str) -> bool:
        """Whether a part of Essaim (pages, search, map...) is switched on."""
        return self.features.get(name, True)


def interface_languages(data: dict[str, Any]) -> tuple[str, ...]:
    """The interface's languages, the default first: `languages`, else the older `language`
    (its first two letters), else French."""
    if data.get("languages"):
        return tuple(data["languages"])
    return (data.get("language", "fr")[:2],)


def territory_from_mapping(data: dict[str, Any]) -> Territory:
    """Build a Territory from an already validated mapping."""
    forge = data.get("forge")
    if forge:
        forge = {"branch": "main", **forge}
    return Territory(
        name=data["name"],
        pitch=data["pitch"],
        base_url=data["base_url"],
        short_name=data.get("short_name", data["name"]),
        demo=data.get("demo", False),
        language=interface_languages(data)[0],
        languages=interface_languages(data),
        translations=data.get("translations") or {},
        timezone=data.get("timezone", "Europe/Paris"),
        country=data.get("country", "FR"),
        contact_email=data.get("contact_email"),
        logo=data.get("logo"),
        colors={**DEFAULT_COLORS, **data.get("colors", {})},
        licence={**DEFAULT_LICENCE, **data["licence"]} if "licence" in data else dict(DEFAULT_LICENCE),
        forge=forge,
        urls={**LANGUAGE_URLS[interface_languages(data)[0]], **data.get("urls", {})},
        theme_overrides=data.get("themes") or {},
        listing={**DEFAULT_LISTING, **data.get("listing", {})},
        features={**DEFAULT_FEATURES, **data.get("features", {})},
        offers_needs=data.get("offers_needs") or {},
        agenda={**DEFAULT_AGENDA, **data.get("agenda", {})},
        freshness={**DEFAULT_FRESHNESS, **data.get("freshness", {})},
        printed={**DEFAULT_PRINT, **data.get("print", {})},
        registry=data.get("registry") or {},
        map={**DEFAULT_MAP, **data.get("map", {})},
        peers=[
            {
                "include": ["actors", "initiatives", "events", "offers_needs"],
                "themes": [],
                "transitive": False,
                "area": None,
                **peer,
            }
            for peer in (data.get("federation") or {}).get("peers", [])
        ],
        federation_max_bytes=(data.get("federation") or {}).get("max_bytes", 20_000_000),
        federation_render_pages=(data.get("federation") or {}).get("render_pages", False),
    )


def _url_problems(data: dict[str, Any], lines: dict) -> list[Problem]:
    """Each language's URL segments are its own: two sections never share one, and none is the
    segment of another language's site (`/en/`)."""
    problems = []
    languages = [language for language in interface_languages(data) if language in LANGUAGE_URLS]
    for index, language in enumerate(languages):
        given = (
            data.get("urls", {})
            if index == 0
            else data.get("translations", {}).get(language, {}).get("urls", {})
        )
        urls = {**LANGUAGE_URLS[language], **given}
        where = ("urls",) if index == 0 else ("translations", language, "urls")
        line, col = lines.get(where, lines.get(where[:2], (1, 1)))
        if len(set(urls.values())) != len(urls):
            problems.append(
                Problem(
                    TERRITORY_FILE,
                    line,
                    col,
                    "deux rubriques de « urls » ont le même chemin : donnez à chacune le sien",
                )
            )
        clash = sorted(set(urls.values()) & set(languages[1:]))
        if index == 0 and clash:
            problems.append(
                Problem(
                    TERRITORY_FILE,
                    line,
                    col,
                    f"le chemin « {clash[0]} » est celui du site en une autre langue : donnez-en un autre",
                )
            )
    return problems


def read_territory(root: Path) -> tuple[Territory | None, list[Problem]]:
    """Read and check `territory.yml` in `root`; every problem at its line."""
    file = root / TERRITORY_FILE
    if not file.is_file():
        return None, [
            Problem(
                TERRITORY_FILE,
                1,
                1,
                "territory.yml est introuvable : copiez celui "
                "du dépôt Essaim et adaptez-le (ou lancez « essaim init »)",
            )
        ]
    data_bytes = file.read_bytes()
    try:
        text = data_bytes.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return None, [
            Problem(
                TERRITORY_FILE,
                data_bytes.count(b"\n", 0, error.start) + 1,
                1,
                "territory.yml n'est pas encodé en UTF-8 : enregistrez-le en UTF-8 "
                "(dans votre éditeur : « Enregistrer sous », encodage UTF-8)",
            )
        ]
    data, lines, problems = load_yaml_mapping(text, TERRITORY_FILE)
    if data is None or problems:
        return None, problems
    problems = _registry_keys(data, lines)  # YAML reads 80.10 as a number: said before the schema
    if problems:
        return None, problems
    errors = list(territory_validator().iter_errors(data))
    problems = problems_for_mapping(errors, TERRITORY_FILE, lines)
    if not problems:
        try:
            ZoneInfo(data.get("timezone", "Europe/Paris"))
        except (ZoneInfoNotFoundError, ValueError):
            line, col = lines.get(("timezone",), (1, 1))
            problems.append(
                Problem(
                    TERRITORY_FILE,
                    line,
                    col,
                    f"fuseau horaire inconnu « {data['timezone']} » : utilisez un nom comme Europe/Paris",
                )
            )
        interface = territory_validator().schema["properties"]["languages"]["items"]["enum"]
        if "languages" not in data and data.get("language", "fr")[:2] not in interface:
            line, col = lines.get(("language",), (1, 1))
            problems.append(
                Problem(
                    TERRITORY_FILE,
                    line,
                    col,
                    f"l'interface n'existe pas en « {data['language']} » : écrivez par exemple "
                    f"« languages: [fr] » (langues possibles : {', '.join(interface)})",
                )
            )
        if "country" in data and not holidays_known(data["country"]):
            line, col = lines.get(("country",), (1, 1))
            problems.append(
                Problem(
                    TERRITORY_FILE,
                    line,
                    col,
                    f"pays « {data['country']} » inconnu du calendrier des jours fériés : écrivez "
                    "son code ISO à deux lettres, comme FR, BE ou CH",
                )
            )
        problems += _url_problems(data, lines)
        known = themes_for(data.get("themes") or {})
        for code, slugs in ((data.get("registry") or {}).get("themes") or {}).items():
            for slug in slugs:
                if slug not in known:
                    line, col = lines.get(("registry", "themes", code), (1, 1))
                    problems.append(
                        Problem(
                            TERRITORY_FILE,
                            line,
                            col,
                            f"thème inconnu « {slug} » pour le code NAF « {code} » : utilisez un des "
                            "thèmes de l'annuaire (themes.yml, ou « themes: » de ce fichier)",
                        )
                    )
        in_force = categories_for((data.get("offers_needs") or {}).get("categories"))
        for language, said in (data.get("translations") or {}).items():
            for group, names, unknown, plural in (
                ("themes", known, "thème inconnu", "thèmes"),
                ("categories", in_force, "catégorie inconnue", "catégories"),
            ):
                for slug in said.get(group) or {}:
                    if slug not in names:
                        line, col = lines.get(("translations", language, group, slug), (1, 1))
                        problems.append(
                            Problem(
                                TERRITORY_FILE,
                                line,
                                col,
                                f"{unknown} « {slug} » : traduisez l'un des {plural} de l'annuaire, "
                                f"par exemple {', '.join(list(names)[:3])}",
                            )
                        )
        categories = (data.get("offers_needs") or {}).get("categories") or {}
        for slug in categories:
            if slug in RESERVED_CATEGORIES:
                line, col = lines.get(("offers_needs", "categories", slug), (1, 1))
                problems.append(
                    Problem(
                        TERRITORY_FILE,
                        line,
                        col,
                        f"la catégorie « {slug} » est réservée (les pages suivantes d'une liste) : "
                        "choisissez un autre nom",
                    )
                )
        for name, color in data.get("colors", {}).items():
            if contrast_with_white(color) < MIN_CONTRAST:
                line, col = lines.get(("colors", name), (1, 1))
                problems.append(
                    Problem(
                        TERRITORY_FILE,
                        line,
                        col,
                        f"la couleur {name} {color} "
                        f"contraste trop peu avec le blanc "
                        f"({contrast_with_white(color):.1f}:1, il faut au moins "
                        f"{MIN_CONTRAST}:1 pour l'accessibilité) : choisissez "
                        "une teinte plus foncée",
                    )
                )
        logo = data.get("logo")
        wrong = image_problem(root, logo) if isinstance(logo, str) else None
        if wrong:
            line, col = lines.get(("logo",), (1, 1))
            problems.append(Problem(TERRITORY_FILE, line, col, f"le logo « {logo} » {wrong}"))
    if problems:
        return None, sorted(problems)
    return territory_from_mapping(data), []


def _registry_keys(data: dict[str, Any], lines: dict) -> list[Problem]:
    """A code of `registry:` written without quotes is a number to YAML (80.10 is 80.1, 9220 an
    integer) and would never match: each is told at its table's line."""
    registry = data.get("registry")
    if not isinstance(registry, dict):
        return []
    problems = []
    for table, example in (("themes", '"80.10": [citoyennete]'), ("legal_forms", '"9220": association')):
        codes = registry.get(table)
        if isinstance(codes, dict) and any(not isinstance(code, str) for code in codes):
            line, col = lines.get(("registry", table), (1, 1))
            problems.append(
                Problem(
                    TERRITORY_FILE,
                    line,
                    col,
                    f"écrivez chaque code de « registry: {table}: » entre guillemets, par exemple "
                    f"« {example} » (sans guillemets, 80.10 se lit comme le nombre 80.1)",
                )
            )
    return problems


def load_territory(root: Path) -> Territory:
    """Read territory.yml or raise InvalidContent with every problem."""
    territory, problems = read_territory(root)
    if territory is None:
        raise InvalidContent(problems)
    return territory
