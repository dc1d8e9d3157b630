"""The national registry of companies, through the public API Recherche d'entreprises
(recherche-entreprises.api.gouv.fr: the répertoire Sirene and the ESS list of ESS France, no
key): the ESS establishments of an area, proposed as records (`essaim import registry`), and
the state of the establishments our records name by their SIRET (`essaim check registry`).

What the API documents, and what this module does with it:
- `/search` with filters only (`est_ess=true`, `departement`, `code_commune`,
  `activite_principale`: lists written with commas), 25 results a page at most, never beyond
  the 10,000th result (`page * per_page`): past that, the command asks for a narrower area.
- A geographic filter keeps the companies with at least one establishment in the area, open
  or closed, and lists them under `matching_etablissements`: only those in the area and open
  (`etat_administratif` "A") become records. Coordinates are strings.
- `q=<SIRET>` finds one establishment, open or closed (`etat_administratif` "F",
  `date_fermeture`); an unknown SIRET gives no result.
- At most 7 requests a second per address: this client sends at most 5, and on HTTP 429
  waits what Retry-After says, else 1, 2, 4, 8 s, before trying again; a Retry-After of more
  than a minute, or a fifth 429, ends the request with a RegistryError.
- Errors are `{"erreur": "..."}`: the API's sentence is shown as it is.

Every reply is untrusted: its shape is checked, its texts cleaned (control characters) and
bounded, its numbers finite and in range; a reply that is not what the API documents is a
`RegistryError`, a French sentence naming the request.
"""

from __future__ import annotations

import json
import math
import re
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlencode

import yaml

from ..net.http import Client, FetchError
from ..records.checks import name_key
from ..records.load import one_line
from ..records.model import sort_key

API_URL = "https://recherche-entreprises.api.gouv.fr"
PER_PAGE = 25  # the API's largest page
MAX_RESULTS = 10_000  # the API never goes beyond: page * per_page <= 10,000
MATCHING = 100  # establishments listed per company (the API's largest)
REQUESTS_PER_SECOND = 5  # the API allows 7 per address
ATTEMPTS = 5  # of one request answered 429 (too many requests)
MAX_WAIT = 60.0  # seconds: a longer Retry-After is not waited for (the command gives up)
REPLY_BYTES = 5_000_000  # one page of 25 companies with 100 establishments each is ~1 MB

DEPARTEMENT = re.compile(r"(0[1-9]|[1-8][0-9]|9[0-5]|2[AB]|97[1-8]|98[4-9])\Z")
COMMUNE = re.compile(r"([013-9][0-9]|2[AB1-9])[0-9]{3}\Z")
NAF = re.compile(r"[0-9]{2}\.[0-9]{2}[A-Z]\Z")
SIRET = re.compile(r"[0-9]{14}\Z")
POSTCODE = re.compile(r"[0-9]{5}\Z")
SMALL_WORDS = {"de", "du", "des", "la", "le", "les", "et", "à", "au", "aux", "en", "pour", "sur", "par"}
SIGLE = re.compile(r"\(([^()]*)\)")


class RegistryError(Exception):
    """The registry could not answer (the message says why, in French, and names the request);
    `rate_limited` when it kept saying "too many requests"."""

    def __init__(self, message: str, rate_limited: bool = False) -> None:
        super().__init__(message)
        self.rate_limited = rate_limited


@dataclass
class Establishment:
    """One establishment as the registry describes it, checked and cleaned."""

    siret: str
    name: str
    legal_category: str  # INSEE catégorie juridique, 4 digits ("" when not given)
    naf: str  # the company's main activity, "94.99Z" ("" when not given)
    is_open: bool
    closed_on: str  # "YYYY-MM-DD" when closed and dated
    street: str
    postcode: str
    city: str
    insee_code: str
    address: str  # the registry's address on one line, for messages
    lat: float | None = None
    lon: float | None = None
    is_siae: bool = False  # a structure of insertion through economic activity
    several_in_area: bool = False  # its company has other establishments in the area


@dataclass
class AreaResult:
    """What a search of an area found: open establishments in it, and what was left aside."""

    establishments: list[Establishment] = field(default_factory=list)
    closed: int = 0
    outside: int = 0
    unreadable: list[str] = field(default_factory=list)  # why an entry was not understood (10 kept)
    unreadable_count: int = 0
    truncated: bool = False  # more than 10,000 companies: the area must be narrowed

    def note(self, reason: str) -> None:
        """An entry not understood: counted, its reason kept for the first few."""
        self.unreadable_count += 1
        if len(self.unreadable) < 10:
            self.unreadable.append(reason)


def _text(value: Any, most: int = 200) -> str:
    """A text of the reply, on one line and bounded ("" for anything but a text)."""
    return one_line(value, most) if isinstance(value, str) else ""


OPENING = "«“\"'("  # a word after one of these starts a name (« LA RUCHE » → « La Ruche »)


def _word(word: str, first: bool) -> str:
    if not any(c.isalpha() for c in word):
        return word
    if word[0] in OPENING and len(word) > 1:
        return word[0] + _word(word[1:], True)
    if re.fullmatch(r"(?:[A-Z]\.){2,}[A-Z]?\.?", word):  # A.D.M.R.: an acronym, kept
        return word
    lower = word.lower()
    if not first and lower in SMALL_WORDS:
        return lower
    for elision in ("l'", "d'", "l’", "d’"):
        if lower.startswith(elision) and len(lower) > 2:
            head = elision if not first else elision.capitalize()
            return head + _word(word[2:], True)
    return "-".join(part[:1].upper() + part[1:] for part in lower.split("-"))


def display_name(text: str) -> str:
    """A name as the registry writes it (often in capitals: « LA RUCHE DES SAVOIRS (LRS) »)
    as a reader expects it (« La Ruche des savoirs (LRS) »): capitals only are rewritten, and
    an acronym in brackets is kept."""
    if any(c.islower() for c in text):
        return text
    kept: list[str] = []

    def keep(match: re.Match[str]) -> str:
        kept.append(match.group(1))
        return f"({len(kept) - 1}\x00)"

    shown_words, starts = [], True
    for word in SIGLE.sub(keep, text).split(" "):
        if word:
            shown_words.append(_word(word, starts))
            starts = all(c in OPENING for c in word)  # « LA RUCHE »: « la » starts the name
    shown = " ".join(shown_words)
    return re.sub(r"\((\d+)\x00\)", lambda m: f"({kept[int(m.group(1))]})", shown)


def _coordinate(value: Any, limit: float) -> float | None:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return round(number, 6) if math.isfinite(number) and -limit <= number <= limit else None


def _street(entry: dict[str, Any], postcode: str, city_label: str) -> str:
    """The street line: the registry's one-line address without its postcode and town."""
    address = _text(entry.get("adresse"))
    tail = f"{postcode} {city_label}".strip()
    if tail and address.upper().endswith(tail.upper()):
        address = address[: -len(tail)].strip(" ,")
    return display_name(address)[:150] if address else ""


def establishment_of(company: dict[str, Any], entry: dict[str, Any]) -> Establishment | str:
    """The Establishment an entry of a company describes, or why it cannot be read."""
    if not isinstance(entry, dict):
        return "établissement illisible"
    siret = entry.get("siret")
    if not isinstance(siret, str) or not SIRET.match(siret):
        return f"SIRET illisible ({_text(str(siret), 20)!r})"
    name = display_name(_text(company.get("nom_complet") or company.get("nom_raison_sociale"), 150))
    if not name or not any(c.isalnum() for c in name):
        return f"{siret} : établissement sans nom"
    postcode = _text(entry.get("code_postal"), 5)
    city_label = _text(entry.get("libelle_commune"), 100)
    insee = _text(entry.get("commune"), 5)
    category = _text(company.get("nature_juridique"), 4)
    naf = _text(company.get("activite_principale"), 6)
    complements = company.get("complements") if isinstance(company.get("complements"), dict) else {}
    lat, lon = _coordinate(entry.get("latitude"), 90), _coordinate(entry.get("longitude"), 180)
    closed_on = _text(entry.get("date_fermeture"), 10)
    return Establishment(
        siret=siret,
        name=name,
        legal_category=category if category.isdigit() and len(category) == 4 else "",
        naf=naf if NAF.match(naf) else "",
        is_open=entry.get("etat_administratif") == "A",
        closed_on=closed_on if re.fullmatch(r"\d{4}-\d{2}-\d{2}", closed_on) else "",
        street=_street(entry, postcode, city_label),
        postcode=postcode if POSTCODE.match(postcode) else "",
        city=display_name(city_label) if any(c.isalnum() for c in city_label) else "",
        insee_code=insee if COMMUNE.match(insee) else "",
        address=_text(entry.get("adresse")),
        lat=lat if lat is not None and lon is not None else None,
        lon=lon if lat is not None and lon is not None else None,
        is_siae=complements.get("est_siae") is True,
    )


class Registry:
    """The API, asked politely: at most REQUESTS_PER_SECOND, and after a 429 only once the time
    it asks for has passed. `sleep` and `clock` are the test's to replace."""

    def __init__(
        self,
        endpoint: str = API_URL,
        allow_private: bool = False,
        timeout: float = 20.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.client = Client(
            max_bytes=REPLY_BYTES,
            timeout=timeout,
            retries=2,
            deadline=3 * timeout,
            allow_private=allow_private,
            private_hint="pour un serveur local ou un essai, relancez avec --allow-private",
        )
        self.sleep, self.clock = sleep, clock
        self.last = -math.inf

    def _pace(self, wait: float = 0.0) -> None:
        wait = max(wait, self.last + 1 / REQUESTS_PER_SECOND - self.clock())
        if wait > 0:
            self.sleep(wait)
        self.last = self.clock()

    def get(self, params: dict[str, str]) -> dict[str, Any]:
        """One page of `/search`, as a mapping; RegistryError with a French sentence otherwise."""
        url = f"{self.endpoint}/search?{urlencode(params)}"
        wait = 0.0
        for attempt in range(ATTEMPTS):
            self._pace(wait)
            try:
                body = self.client.get(url).body or b""
            except FetchError as error:
                asked = error.retry_after
                if error.status == 429 and attempt + 1 < ATTEMPTS and (asked or 0) <= MAX_WAIT:
                    wait = asked if asked is not None else float(2**attempt)
                    continue
                raise RegistryError(_why(error, url), rate_limited=error.status == 429) from error
            break
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as error:
            raise RegistryError(f"{url} : la réponse n'est pas du JSON ; réessayez plus tard") from error
        if not isinstance(data, dict) or not isinstance(data.get("results"), list):
            raise RegistryError(f"{url} : réponse inattendue (pas de liste « results »)")
        return data

    def area(self, departements: list[str], communes: list[str], nafs: list[str]) -> AreaResult:
        """The open ESS establishments in the départements or communes given (a commune narrows
        its département), of the NAF codes given if any."""
        params = {
            "est_ess": "true",
            "per_page": str(PER_PAGE),
            "limite_matching_etablissements": str(MATCHING),
        }
        if communes:
            params["code_commune"] = ",".join(communes)
        elif departements:
            params["departement"] = ",".join(departements)
        if nafs:
            params["activite_principale"] = ",".join(nafs)
        result = AreaResult()
        seen: set[str] = set()
        for company in self._companies(params, result):
            entries = company.get("matching_etablissements")
            if not isinstance(entries, list):
                entries = [company.get("siege")]
            found = []
            for entry in entries[:MATCHING]:
                est = establishment_of(company, entry)
                if isinstance(est, str):
                    result.note(est)
                elif est.siret in seen:
                    continue
                elif not _in_area(est, departements, communes):
                    result.outside += 1
                elif not est.is_open:
                    result.closed += 1
                else:
                    seen.add(est.siret)
                    found.append(est)
            for est in found:
                est.several_in_area = len(found) > 1
            result.establishments += found
        return result

    def _companies(self, params: dict[str, str], result: AreaResult) -> Iterator[dict[str, Any]]:
        page, pages = 1, 1
        while page <= pages:
            data = self.get({**params, "page": str(page)})
            total = data.get("total_pages")
            if page == 1:
                total_results = data.get("total_results")
                if isinstance(total_results, int) and total_results >= MAX_RESULTS:
                    result.truncated = True
                pages = total if isinstance(total, int) and not isinstance(total, bool) else 1
                pages = max(1, min(pages, MAX_RESULTS // PER_PAGE))
            if len(data["results"]) > PER_PAGE:
                raise RegistryError(
                    f"{self.endpoint}/search : réponse inattendue ({len(data['results'])} résultats pour une "
                    f"page de {PER_PAGE}) ; réessayez plus tard"
                )
            for company in data["results"]:
                if isinstance(company, dict):
                    yield company
                else:
                    result.note("entreprise illisible")
            if not data["results"]:
                break
            page += 1

    def establishment(self, siret: str) -> Establishment | None:
        """The establishment with this SIRET, open or closed; None when the registry has none."""
        data = self.get({"q": siret, "per_page": "1"})
        for company in data["results"]:
            if not isinstance(company, dict):
                continue
            entries = company.get("matching_etablissements")
            entries = entries if isinstance(entries, list) else []
            siege = company.get("siege")
            for entry in [*entries, siege]:
                if isinstance(entry, dict) and entry.get("siret") == siret:
                    est = establishment_of(company, entry)
                    if isinstance(est, Establishment):
                        return est
        return None


def _why(error: FetchError, url: str) -> str:
    """A failed request in one sentence: the API's own (`{"erreur": ...}`) when it gave one."""
    reason = ""
    try:
        detail = json.loads(error.detail.decode("utf-8")) if error.detail else None
    except (UnicodeDecodeError, ValueError, RecursionError):
        detail = None
    if isinstance(detail, dict) and isinstance(detail.get("erreur"), str):
        reason = f" (« {_text(detail['erreur'], 300)} »)"
    if error.status == 429:
        return (
            f"{error}{reason} : le répertoire limite le nombre de demandes ; réessayez dans quelques minutes"
        )
    if error.status is not None and 400 <= error.status < 500:
        return f"{error}{reason} : vérifiez les options de la commande"
    return f"{error}{reason} : réessayez plus tard"


def _in_area(est: Establishment, departements: list[str], communes: list[str]) -> bool:
    if communes:
        return est.insee_code in communes
    if departements:
        return any(est.insee_code.startswith(d) for d in departements)
    return True


# -- from an establishment to a record ---------------------------------------------------------


@cache
def shipped_table() -> dict[str, dict[str, Any]]:
    """sources/registry.yml: legal categories → legal forms, NAF codes → themes."""
    text = resources.files(__package__).joinpath("registry.yml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def table(overrides: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The shipped table with a territory's `registry:` entries over it."""
    shipped = shipped_table()
    return {
        "legal_forms": {**shipped["legal_forms"], **(overrides.get("legal_forms") or {})},
        "themes": {**shipped["themes"], **(overrides.get("themes") or {})},
    }


def themes_of(naf: str, themes: dict[str, list[str]]) -> list[str]:
    """The themes of the longest start of `naf` in the table ([] when none matches)."""
    for end in range(len(naf), 1, -1):
        if naf[:end] in themes:
            return list(themes[naf[:end]])
    return []


def record_values(est: Establishment, mapping: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The proposed record's fields (flat keys, `address.city`), as `essaim import` plans them."""
    themes = themes_of(est.naf, mapping["themes"])
    if est.is_siae and "emploi-insertion" not in themes:
        themes = [*themes, "emploi-insertion"][:5]
    name = est.name
    if est.several_in_area and est.city:
        name = f"{name} ({est.city})"[:150]
    activity = f", activité {est.naf}" if est.naf else ""
    where = f" à {est.city}" if est.city else ""
    values: dict[str, Any] = {
        "name": name,
        "legal_form": mapping["legal_forms"].get(est.legal_category, "other"),
        "summary": (
            f"Structure de l'économie sociale et solidaire{where} (répertoire Sirene{activity}) : "
            "présentation à écrire."
        ),
        "themes": themes,
        "siret": est.siret,
    }
    for key, value in (
        ("address.street", est.street),
        ("address.postcode", est.postcode),
        ("address.city", est.city),
        ("address.insee_code", est.insee_code),
    ):
        if value:
            values[key] = value
    if est.lat is not None and est.lon is not None:
        values["geo.lat"], values["geo.lon"] = est.lat, est.lon
    return values


def distinct_names(proposed: list[dict[str, Any]]) -> None:
    """Establishments of different companies that the registry names alike (three « AMICALE
    LAÏQUE » in three towns) get their town after their name, then, if that is not enough, the
    end of their SIRET: each its own record, and never two names `essaim validate` would take
    for one."""
    for suffix in (lambda v: v.get("address.city"), lambda v: v["siret"][-5:]):
        groups: dict[str, list[dict[str, Any]]] = {}
        for values in proposed:
            groups.setdefault(name_key(sort_key(values["name"])), []).append(values)
        for group in groups.values():
            if len({values["siret"] for values in group}) < 2:
                continue
            for values in group:
                extra = suffix(values)
                if extra and f"({extra})" not in values["name"]:
                    values["name"] = f"{values['name'][: 150 - len(extra) - 3]} ({extra})"


def _place_key(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    return re.sub(r"[^a-z0-9]+", " ", folded.replace("saint", "st")).strip()


def registry_warning(fields: dict[str, Any], est: Establishment | None) -> str | None:
    """What `essaim check registry` says of a record whose SIRET the registry described as
    `est` (None: unknown), or None when all is well."""
    if est is None:
        return (
            "SIRET inconnu du répertoire Sirene : vérifiez-le (avis de situation sur "
            "annuaire-entreprises.data.gouv.fr) ou retirez la ligne « siret »"
        )
    if not est.is_open:
        since = (
            f" depuis le {est.closed_on[8:10]}/{est.closed_on[5:7]}/{est.closed_on[:4]}"
            if est.closed_on
            else ""
        )
        return (
            f"établissement fermé{since} selon le répertoire Sirene : demandez à la structure sa "
            "nouvelle adresse (nouveau SIRET), ou archivez la fiche (« archived: true »)"
        )
    address = fields.get("address") if isinstance(fields.get("address"), dict) else {}
    postcode, city = str(address.get("postcode") or ""), str(address.get("city") or "")
    moved = (postcode and est.postcode and postcode != est.postcode) or (
        city and est.city and _place_key(city) != _place_key(est.city)
    )
    if moved:
        return (
            f"adresse différente de celle du répertoire Sirene (« {est.address} ») : vérifiez "
            "avec la structure et corrigez la fiche si elle a déménagé"
        )
    return None
