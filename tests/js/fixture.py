"""A small search index built by Python (plugins/essaim/search/index.py), printed as JSON for the
node --test tests of search.js (tests/js/search.test.js): the files as a browser downloads them,
the documents they were built from, and what Python reads back from them (columns, postings,
the index term of each word), so the JavaScript is checked against the Python that wrote them.
`fixture.py en` (or `es`) builds the same documents in that language, analysed by its pipeline;
`fixture.py fr 120` cuts every shard key larger than 120 characters of JSON into several shards
(as a national directory's common words are)."""

from __future__ import annotations

import json
import sys

from essaim.analysis import pipeline, words
from essaim.search.index import FIELDS, SHARD_LIMIT, SearchDocument, build, decode, shard_key, unpack

DOCUMENTS = [
    SearchDocument(
        "actor",
        "Atelier vélo solidaire",
        "Réparation de vélos, mobilité",
        "On répare vos vélos cargos.",
        "acteurs/atelier-velo/",
        "Réparation de vélos",
        "Nantes",
        ["mobilite"],
        "association",
    ),
    SearchDocument(
        "actor",
        "Coopérative de covoiturage",
        "Covoiturage rural",
        "Covoiturage et autopartage.",
        "acteurs/covoiturage/",
        "Covoiturage",
        "Rezé",
        ["mobilite", "alimentation"],
        "scic",
    ),
    SearchDocument(
        "initiative",
        "Ressourcerie l'Établi",
        "Réemploi d'objets",
        "La ressourcerie collecte.",
        "initiatives/etabli/",
        "",
        "Nantes",
        ["reemploi"],
        "",
    ),
    SearchDocument(
        "event",
        "Café réparation",
        "Réparer ensemble",
        "Venez réparer vos objets.",
        "agenda/cafe/",
        "",
        "Saint-Herblain",
        ["reemploi"],
        "",
        "2026-05-01",
        "1er mai 2026",
    ),
    SearchDocument(
        "event",
        "Forum de l'économie sociale",
        "Économie sociale et solidaire",
        "Un forum en 2026.",
        "agenda/forum/",
        "",
        "",
        [],
        "",
        "2027-01-15",
        "15 janvier 2027",
    ),
    SearchDocument(
        "actor",
        "Épicerie solidaire",
        "Alimentation",
        "Des produits locaux, 12 bénévoles.",
        "acteurs/epicerie/",
        "",
        "Rezé",
        ["alimentation"],
        "association",
        territory="Voisins",
        peer=True,
    ),
]
LABELS = {
    "themes": [("mobilite", "Mobilité"), ("alimentation", "Alimentation"), ("reemploi", "Réemploi")],
    "legal_forms": [("association", "Association"), ("scic", "SCIC")],
    "cities": [("nantes", "Nantes"), ("reze", "Rezé"), ("saint-herblain", "Saint-Herblain")],
    "territories": [("nantes", "Nantes"), ("voisins", "Voisins")],
    "categories": [],
}
# The same documents' name, about and body in English and Spanish (the English site also indexes
# French words, as an untranslated record's).
TEXTS = {
    "en": [
        ("Bike repair workshop", "Repairing bikes, mobility", "We repair your cargo bikes."),
        ("Carpooling cooperative", "Rural carpooling", "Carpooling and car sharing."),
        ("Ressourcerie l'Établi", "Reuse of objects", "The ressourcerie collects."),
        ("Repair café", "Repairing together", "Come and repair your things."),
        ("Social economy forum", "Économie sociale et solidaire", "A forum in 2026."),
        ("Community grocery", "Food", "Local produce, 12 volunteers."),
    ],
    "es": [
        (
            "Taller de bicicletas solidario",
            "Reparación de bicicletas, movilidad",
            "Reparamos tus bicicletas de carga.",
        ),
        ("Cooperativa de coche compartido", "Coche compartido rural", "Viajes compartidos y educación vial."),
        ("Ressourcerie l'Établi", "Reutilización de objetos", "La ressourcerie recoge."),
        ("Café de reparación", "Reparar juntos", "Ven a reparar tus objetos."),
        ("Foro de la economía social", "Economía social y solidaria", "Un foro en 2026 sobre educación."),
        ("Tienda solidaria", "Alimentación", "Productos locales, 12 voluntarios."),
    ],
}
WORDS = [
    "educación",
    "educacion",
    "bikes",
    "repairing",
    "cooperative",
    "coopérative",
    "the",
    "Vélos",
    "vélo",
    "réparer",
    "réparation",
    "l'établi",
    "économie",
    "de",
    "covoiturage",
    "2026",
    "bénévoles",
    "«",
    "cargos",
    "œuvre",
    "Saint-Herblain",
]


def main() -> None:
    language = sys.argv[1] if len(sys.argv) > 1 else "fr"
    limit = int(sys.argv[2]) if len(sys.argv) > 2 else SHARD_LIMIT
    for n, document in enumerate(DOCUMENTS):
        document.territory = document.territory or "Nantes"
        if language in TEXTS:
            document.name, document.about, document.body = TEXTS[language][n]
    analysis = pipeline(language)
    files = build(DOCUMENTS, LABELS, language, shard_limit=limit)
    shards = {name: json.loads(text) for name, text in files.items() if name.startswith("shard-")}
    postings = {}  # term → per field, [doc, tf, length, ...] as Python reads the postings
    shard_of = {}  # term → the shard Python put it in
    for name, shard in shards.items():
        for t, entry in zip(shard["terms"], shard["postings"], strict=True):
            postings[t] = [[n for posting in decode(encoded or "") for n in posting] for encoded in entry]
            shard_of[t] = name.removeprefix("shard-").removesuffix(".json")
    facets = {
        name.removeprefix("facet-").removesuffix(".json"): json.loads(text)
        for name, text in files.items()
        if name.startswith("facet-")
    }
    json.dump(
        {
            "files": {name: json.loads(text) for name, text in files.items()},
            "documents": [
                {"id": str(n), **{f: getattr(d, f) for f in FIELDS}} for n, d in enumerate(DOCUMENTS)
            ],
            "columns": {
                "type": unpack(facets["type"]["values"]),
                "theme": unpack(facets["theme"]["values"], multi=True),
                "legal_form": unpack(facets["legal_form"]["values"]),
                "city": unpack(facets["city"]["values"]),
                "territory": unpack(facets["territory"]["values"]),
            },
            "postings": postings,
            "shard_of": shard_of,
            "shard_keys": {t: shard_key(t) for t in postings},
            # Each word's distinct index terms (two where Spanish folding adds one).
            "terms": {w: [list(dict.fromkeys(analysis.index_terms(x))) for x in words(w)] for w in WORDS},
        },
        sys.stdout,
        ensure_ascii=False,
    )


if __name__ == "__main__":
    main()
