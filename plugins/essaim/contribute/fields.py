"""The fields of each kind of record as a contributor sees them: French labels and help (marked
for the catalogues: the form shows them in the site's language), in the order of the contract.
Shared by `essaim new` (the commented template) and the "Proposer une fiche" form; the
constraints themselves come from the JSON Schemas (records/schemas/)."""

from __future__ import annotations

from dataclasses import dataclass

from ..i18n import N_
from ..records.offers import LEGACY_FIELDS
from ..records.schema import bundled


@dataclass(frozen=True)
class Field:
    """One field of the form and of the template."""

    key: str  # "name", or "address.city" for a nested field
    label: str
    help: str = ""
    # text, textarea, select, themes, list, refs, number, date, datetime, url, email, tel, boolean,
    # offers_needs (rows of kind, category, text, until), hours (a weekly grid writing the text)
    widget: str = "text"
    example: str = ""  # shown in the commented template


ADDRESS = [
    Field("address.street", N_("Rue"), N_("Numéro et nom de la voie.")),
    Field("address.postcode", N_("Code postal"), N_("Cinq chiffres."), example='"44000"'),
    Field("address.city", N_("Commune"), N_("La commune, écrite en entier."), example="Nantes"),
]
GEO = [
    Field(
        "geo.lat",
        N_("Latitude"),
        N_("Facultatif : « essaim geocode » la calcule depuis l'adresse."),
        "number",
        "47.2184",
    ),
    Field("geo.lon", N_("Longitude"), "", "number", "-1.5536"),
]

# What a record offers and needs: a few rows (kind, category, text, until) in the form, a list
# of groups in the file (docs/offers-needs.md).
OFFERS_NEEDS = Field(
    "offers_needs",
    N_("Offres et besoins"),
    N_(
        "Ce que la structure propose à d'autres (un local, du matériel, un savoir-faire…) ou cherche "
        "(des bénévoles, un financement…) : une phrase courte chacun, 200 caractères au plus."
    ),
    "offers_needs",
    '[{kind: need, category: locaux, text: "Un local pour notre atelier du samedi"}]',
)
OFFER_NEED_ROWS = 3  # rows the form draws; a file may hold more
OFFER_NEED_LABELS = {
    "kind": N_("type"),
    "category": N_("catégorie"),
    "text": N_("texte"),
    "until": N_("jusqu'au"),
}

FIELDS: dict[str, list[Field]] = {
    "actor": [
        Field(
            "name", N_("Nom de la structure"), N_("Tel qu'il s'écrit, avec ses accents."), example="La Ruche"
        ),
        Field(
            "legal_form", N_("Statut"), N_("Le statut juridique de la structure."), "select", "association"
        ),
        Field(
            "summary",
            N_("Résumé"),
            N_("Une ou deux phrases, 280 caractères au plus : ce que fait la structure."),
            "textarea",
            "Une association qui répare des vélos avec ses adhérents.",
        ),
        Field("themes", N_("Thèmes"), N_("De un à cinq thèmes."), "themes", "[numerique]"),
        *ADDRESS,
        *GEO,
        Field(
            "website",
            N_("Site web"),
            N_("Adresse complète, commençant par https://."),
            "url",
            "https://exemple.org",
        ),
        Field(
            "calendar_url",
            N_("Agenda en ligne (iCalendar)"),
            N_(
                "L'adresse .ics de votre agenda (Mobilizon, OpenAgenda, Gancio, Nextcloud, Google...) : "
                "ses événements rejoignent l'agenda de l'annuaire chaque semaine."
            ),
            "url",
            "https://exemple.org/agenda.ics",
        ),
        Field(
            "email", N_("Courriel"), N_("Une adresse de contact publique."), "email", "contact@exemple.org"
        ),
        Field("phone", N_("Téléphone"), "", "tel", '"02 40 00 00 00"'),
        Field("siret", N_("SIRET"), N_("14 chiffres (le numéro est vérifié)."), example='"12345678900007"'),
        Field("founded", N_("Année de création"), "", "number", "2010"),
        Field(
            "governance", N_("Gouvernance"), N_("Qui décide, et comment (une ou deux phrases)."), "textarea"
        ),
        Field("purpose", N_("Finalité"), N_("L'utilité sociale ou environnementale poursuivie."), "textarea"),
        OFFERS_NEEDS,
        Field(
            "opening_hours",
            N_("Horaires"),
            N_(
                "Syntaxe OpenStreetMap, par exemple « Mo-Fr 09:00-12:00,14:00-17:00; PH off » (du lundi "
                "au vendredi, fermé les jours fériés)."
            ),
            "hours",
            '"Mo-Fr 09:00-12:00,14:00-17:00; PH off"',
        ),
        Field("accessibility.wheelchair", N_("Accès en fauteuil roulant"), "", "select", "yes"),
        Field("accessibility.acceslibre_url", N_("Fiche Acceslibre"), "", "url"),
    ],
    "initiative": [
        Field("name", N_("Nom de l'initiative"), "", example="Un jardin partagé"),
        Field("summary", N_("Résumé"), N_("Une ou deux phrases, 280 caractères au plus."), "textarea"),
        Field("themes", N_("Thèmes"), N_("De un à cinq thèmes."), "themes", "[environnement]"),
        Field(
            "actors",
            N_("Structures porteuses"),
            N_("Le nom de fichier (sans .md) de chaque acteur."),
            "refs",
            "[la-ruche]",
        ),
        Field("stage", N_("Avancement"), "", "select", "running"),
        Field("started", N_("Début"), N_("Date de début (AAAA-MM-JJ)."), "date", "2026-01-15"),
        OFFERS_NEEDS,
        Field("crowdfunding_url", N_("Financement participatif"), "", "url"),
        Field("website", N_("Site web"), "", "url"),
        *ADDRESS,
        *GEO,
    ],
    "event": [
        Field("title", N_("Titre de l'événement"), "", example="Atelier de réparation"),
        Field("summary", N_("Résumé"), N_("Une ou deux phrases, 280 caractères au plus."), "textarea"),
        Field("start", N_("Début"), N_("Date, ou date et heure."), "datetime", '"2026-12-05T14:00"'),
        Field("end", N_("Fin"), N_("Facultatif."), "datetime", '"2026-12-05T18:00"'),
        Field("kind", N_("Type d'événement"), "", "select", "workshop"),
        Field("themes", N_("Thèmes"), N_("De un à cinq thèmes."), "themes", "[economie-circulaire]"),
        Field(
            "organizers",
            N_("Organisateurs"),
            N_("Le nom de fichier (sans .md) de chaque acteur."),
            "refs",
            "[la-ruche]",
        ),
        Field("location.name", N_("Lieu"), N_("Le nom du lieu."), example="Maison des associations"),
        Field("location.street", N_("Rue"), ""),
        Field("location.postcode", N_("Code postal"), "", example='"44000"'),
        Field("location.city", N_("Commune"), "", example="Nantes"),
        Field("online_url", N_("Lien en ligne"), N_("Pour un événement en ligne."), "url"),
        Field("registration_url", N_("Inscription"), "", "url"),
        Field(
            "price", N_("Tarif"), N_("En clair, par exemple « 5 € ou prix libre »."), example='"Prix libre"'
        ),
        Field("free", N_("Gratuit"), N_("Cochez si l'entrée est libre et gratuite."), "boolean", "true"),
        Field(
            "recurrence",
            N_("Répétition"),
            N_("Règle iCalendar, par exemple FREQ=MONTHLY;BYDAY=1SA."),
            example="FREQ=MONTHLY;BYDAY=1SA",
        ),
        Field(
            "exdates",
            N_("Dates annulées"),
            N_("Les dates où l'événement répété n'a pas lieu (AAAA-MM-JJ), séparées par des virgules."),
            "list",
            '["2026-12-26"]',
        ),
    ],
}
# Fields of the contract the form and `essaim new` leave out, and why (a test checks that every
# field of the schemas is either in FIELDS or here).
LEFT_OUT = {
    "address.insee_code": "rarely known by a contributor; the maintainers add it",
    "location.insee_code": "rarely known by a contributor; the maintainers add it",
    "location.geo.lat": "computed from the address by `essaim geocode`",
    "location.geo.lon": "computed from the address by `essaim geocode`",
    "social": "one link per network, a group a maintainer writes in the file",
    "logo": "an image file to add to the repository's media/: a static form cannot upload it",
    "updated": "the date a maintainer checked the record (`essaim confirm`)",
    "archived": "a maintainers' decision: the record leaves the lists, its page stays",
    # The fields records had before offers_needs: still read as offers and needs, never written.
    **{
        path: "still read as an offer or need (records/offers.py); the form and `essaim new` write "
        "offers_needs"
        for fields in LEGACY_FIELDS.values()
        for path in fields
    },
    "offers_needs.contact": "another address to answer to: rare, written in the file",
    # the record's texts in the other languages: the form offers the territory's other languages
    # (translation_fields); `essaim new` leaves them to be written in the file
    **{
        f"translations.{language}.{text}": "the form asks them per language (translation_fields)"
        for language in ("fr", "en", "es")
        for text in ("name", "title", "summary", "description")
    },
}
TITLE_KEY = {"actor": "name", "initiative": "name", "event": "title"}
FOLDERS = {"actor": "actors", "initiative": "initiatives", "event": "events"}
KIND_LABELS = {"actor": N_("un acteur"), "initiative": N_("une initiative"), "event": N_("un événement")}


def constraint(kind: str, key: str) -> dict:
    """The JSON Schema of one field (nested keys resolved), from the published contract."""
    node = bundled(f"{kind}.json")
    for step in key.split("."):
        node = node.get("properties", {}).get(step, {})
    return node


def required(kind: str, key: str) -> bool:
    """Whether the schema requires this field (a nested field only counts if its parent is there)."""
    node = bundled(f"{kind}.json")
    *parents, last = key.split(".")
    for step in parents:
        node = node.get("properties", {}).get(step, {})
    return last in node.get("required", []) and not parents


def translation_fields(kind: str, languages: tuple[str, ...]) -> list[Field]:
    """The record's texts in each of `languages` (the territory's others), optional: its name
    (an event's title), its summary and its description, as `translations.<lang>.<field>`."""
    title = TITLE_KEY[kind]
    return [
        field
        for language in languages
        for field in (
            Field(f"translations.{language}.{title}", N_("Nom") if title == "name" else N_("Titre")),
            Field(
                f"translations.{language}.summary",
                N_("Résumé"),
                N_("Une ou deux phrases, 280 caractères au plus."),
                "textarea",
            ),
            Field(f"translations.{language}.description", N_("Description"), "", "textarea"),
        )
    ]
