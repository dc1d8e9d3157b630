"""Synthetic French records for benchmarks: realistic sizes, fixed seed, valid against the contract."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import yaml
from faker import Faker

from essaim.records.taxonomy import default_themes

LEGAL_FORMS = ["association"] * 6 + [
    "cooperative",
    "scop",
    "scic",
    "cae",
    "mutuelle",
    "fondation",
    "entreprise-esus",
    "other",
]
SKILLS = [
    "comptabilité",
    "communication",
    "réparation",
    "animation",
    "formation",
    "logistique",
    "développement web",
    "jardinage",
    "traduction",
    "juridique",
    "graphisme",
    "cuisine",
]


def body_text(fake: Faker, words: int = 150) -> str:
    """About `words` words of French prose in two or three paragraphs."""
    paragraphs, count = [], 0
    while count < words:
        paragraph = fake.paragraph(nb_sentences=5)
        paragraphs.append(paragraph)
        count += len(paragraph.split())
    return "\n\n".join(paragraphs)


# Opening hours as places give them: a few dozen shapes shared by many (the week's cache sees them).
HOURS = [
    "Mo-Fr 09:00-12:00,14:00-18:00; PH off",
    "Mo-Fr 09:00-17:00",
    "Tu-Sa 10:00-19:00; PH off",
    "Mo,We,Fr 14:00-17:00",
    "We 14:00-18:00; Sa 10:00-12:00",
    "Mo-Fr 08:30-12:30,13:30-17:00; Sa 09:00-12:00; PH off",
    "Tu-Fr 11:30-14:30; Th 11:30-14:30,18:30-22:00; Aug off; PH off",
    "Mo-Su 10:00-18:00",
]


def actor_records(count: int, seed: int = 2026) -> list[tuple[str, dict, str]]:
    """`count` actors as (slug, front matter, body)."""
    fake = Faker("fr_FR")
    Faker.seed(seed)
    rng = random.Random(seed)
    hours_rng = random.Random(seed + 1)  # its own draws: the other fields stay as they were
    themes = list(default_themes())
    # A territory has a bounded set of communes (a French region: about 1,000 to 5,000, ESS actors
    # concentrated in the larger ones): draw cities from a seeded pool instead of a new random name
    # per actor, which would give one city page per actor.
    cities = [(fake.city(), fake.postcode()) for _ in range(max(20, count // 10))]
    weights = [1 / (rank + 1) for rank in range(len(cities))]  # a few big cities, many small ones
    records = []
    for index in range(count):
        name = f"{fake.company()} {index}"
        city, postcode = rng.choices(cities, weights)[0]
        fields = {
            "name": name,
            "legal_form": rng.choice(LEGAL_FORMS),
            "summary": fake.sentence(nb_words=18)[:280],
            "themes": rng.sample(themes, rng.randint(1, 3)),
            "address": {"street": fake.street_address(), "postcode": postcode, "city": city},
            "geo": {"lat": round(rng.uniform(43.0, 50.5), 5), "lon": round(rng.uniform(-4.5, 7.5), 5)},
            "website": f"https://www.structure-{index}.example.org",
            "skills_offered": rng.sample(SKILLS, 2),
            "founded": rng.randint(1950, 2025),
        }
        if hours_rng.random() < 0.4:  # four places in ten say when they are open
            minutes = hours_rng.choice(("00", "30"))
            fields["opening_hours"] = hours_rng.choice(HOURS).replace("09:00", f"09:{minutes}")
        records.append((f"structure-{index:05d}", fields, body_text(fake)))
    return records


def write_territory(root: Path, records: list[tuple[str, dict, str]], repo: Path) -> None:
    """An Essaim territory with these actors, built by Essaim's own settings."""
    (root / "actors").mkdir(parents=True)
    (root / "territory.yml").write_text(
        "name: Banc d'essai\npitch: Un territoire synthétique.\nbase_url: https://bench.example.org\n",
        encoding="utf-8",
    )
    (root / "pelicanconf.py").write_text(
        "from pathlib import Path\nfrom essaim.settings import pelican_settings\n"
        "globals().update(pelican_settings(Path(__file__).resolve().parent))\n",
        encoding="utf-8",
    )
    shutil.copytree(repo / "content", root / "content")  # a copy: a link out of the territory is refused
    for slug, fields, body in records:
        front = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False)
        (root / "actors" / f"{slug}.md").write_text(f"---\n{front}---\n{body}\n", encoding="utf-8")


def write_bare_pelican(root: Path, records: list[tuple[str, dict, str]]) -> None:
    """N plain Markdown articles for Pelican with quickstart-like development settings."""
    content = root / "content"
    content.mkdir(parents=True)
    (root / "pelicanconf.py").write_text(
        "SITENAME = 'Bench'\nSITEURL = ''\nPATH = 'content'\nTIMEZONE = 'Europe/Paris'\n"
        "DEFAULT_LANG = 'fr'\nFEED_ALL_ATOM = None\nCATEGORY_FEED_ATOM = None\n"
        "TRANSLATION_FEED_ATOM = None\nAUTHOR_FEED_ATOM = None\nAUTHOR_FEED_RSS = None\n"
        "DEFAULT_PAGINATION = False\n",
        encoding="utf-8",
    )
    for index, (slug, fields, body) in enumerate(records):
        (content / f"{slug}.md").write_text(
            f"Title: {fields['name']}\nDate: 2026-01-01 10:{index % 60:02d}\nSlug: {slug}\n"
            f"Summary: {fields['summary']}\n\n{body}\n",
            encoding="utf-8",
        )


def write_hugo(root: Path, records: list[tuple[str, dict, str]]) -> None:
    """N trivial Hugo pages (title + the same body) with a one-line layout."""
    (root / "content" / "acteurs").mkdir(parents=True)
    (root / "layouts" / "_default").mkdir(parents=True)
    (root / "hugo.toml").write_text(
        "baseURL = 'https://bench.example.org/'\ntitle = 'Bench'\nlanguageCode = 'fr'\n"
        "disableKinds = ['taxonomy', 'term', 'RSS', 'sitemap', 'robotsTXT']\n",
        encoding="utf-8",
    )
    layout = (
        '<!DOCTYPE html><html lang="fr"><head><title>{{ .Title }}</title></head>'
        "<body><h1>{{ .Title }}</h1>{{ .Content }}</body></html>\n"
    )
    (root / "layouts" / "_default" / "single.html").write_text(layout, encoding="utf-8")
    (root / "layouts" / "_default" / "list.html").write_text(
        layout.replace(
            "{{ .Content }}", '{{ range .Pages }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}'
        ),
        encoding="utf-8",
    )
    for slug, fields, body in records:
        title = fields["name"].replace('"', "'")
        (root / "content" / "acteurs" / f"{slug}.md").write_text(
            f'---\ntitle: "{title}"\n---\n{body}\n', encoding="utf-8"
        )
