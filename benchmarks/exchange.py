"""Offers and needs benchmark: what matching adds to a full build.

    python -m benchmarks.exchange [--count 10000] [--repeat 3]     (make bench, --only exchange)

The same synthetic actors (two `skills_offered` each, as in every build benchmark) are built
three ways, in turn, `--repeat` times each, every part on (search included: a full build):

- `with`: three offers or needs each (`offers_needs`, from a small vocabulary, so that words are
  common and matching has real work: most needs find their matches), matched;
- `unmatched`: the same files, with `offers_needs: {matching: false}` in territory.yml: the
  board, the pages, the feeds, search and the exports show the same offers and needs, and no
  match is looked for;
- `without`: no `offers_needs` at all.

The target of the issue « Mettre en relation »: matching adds at most 15 % to the full build
(`with` / `unmatched`), and no page of the board weighs more than 14 KB gzipped. `with` /
`without`, what the whole exchange costs (its pages, feeds, exports and profiles too), is
reported beside it. Results go to bench-results/exchange.json.
"""

from __future__ import annotations

import argparse
import compileall
import gzip
import json
import random
import sys
import tempfile
from pathlib import Path

from benchmarks.build import measure, median_of
from benchmarks.synthetic import actor_records, write_territory

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TARGETS = {"with_over_unmatched": 1.15, "board_page_gzip_kb": 14.0}
# What each category's texts are made of: a subject and a detail, drawn at random (about 40
# texts per category, as many directories write the same few needs in their own words).
SUBJECTS = {
    "competences": [
        "comptabilité",
        "graphisme",
        "développement web",
        "traduction",
        "conseil juridique",
        "réparation de vélos",
        "photographie",
        "animation d'ateliers",
    ],
    "benevolat": [
        "bénévoles",
        "bénévoles bricoleurs",
        "bénévoles en cuisine",
        "bénévoles accompagnateurs",
        "bénévoles pour l'accueil",
    ],
    "locaux": [
        "une salle de réunion",
        "un local de stockage",
        "un atelier partagé",
        "un bureau",
        "une cuisine équipée",
    ],
    "materiel": [
        "matériel informatique",
        "vélos cargos",
        "matériel de sonorisation",
        "un vidéoprojecteur",
        "des tables et des chaises",
    ],
    "financement": ["financement de projets", "prêts d'honneur", "subventions", "épargne solidaire"],
    "partenariats": [
        "partenaires producteurs",
        "restaurants partenaires",
        "écoles partenaires",
        "partenaires pour un festival",
    ],
}
DETAILS = [
    "",
    " le week-end",
    " pour nos ateliers",
    " en semaine",
    " ponctuellement",
    " pour un événement",
    " toute l'année",
    " à Nantes",
]


def with_offers_needs(records: list, seed: int = 2026) -> list:
    """The same records, each with three offers or needs."""
    rng = random.Random(seed)
    categories = sorted(SUBJECTS)
    out = []
    for slug, fields, body in records:
        items = []
        for _ in range(3):
            category = rng.choice(categories)
            text = rng.choice(SUBJECTS[category]) + rng.choice(DETAILS)
            items.append({"kind": rng.choice(("offer", "need")), "category": category, "text": text})
        out.append((slug, {**fields, "offers_needs": items}, body))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    compileall.compile_dir(REPO / "plugins", quiet=1)
    records = actor_records(args.count)
    with tempfile.TemporaryDirectory(prefix="essaim-exchange-") as work:
        names = ("without", "unmatched", "with")
        roots = {name: Path(work) / name for name in names}
        write_territory(roots["without"], records, REPO)
        for name in ("unmatched", "with"):
            write_territory(roots[name], with_offers_needs(records), REPO)
        with (roots["unmatched"] / "territory.yml").open("a", encoding="utf-8") as handle:
            handle.write("offers_needs:\n  matching: false\n")
        runs: dict[str, list] = {name: [] for name in names}
        for i in range(args.repeat):
            for name, root in roots.items():
                command = [str(BIN / "pelican"), "-s", "pelicanconf.py", "-q", "-o", f"out-{i}"]
                runs[name].append(measure([*command, "-e", f'CACHE_PATH="cache-{i}"'], root))
                print(f"run {i + 1}: {name} {runs[name][-1]}", flush=True)
        board = roots["with"] / f"out-{args.repeat - 1}" / "coups-de-main"
        pages = list(board.rglob("index.html"))
        largest = max(len(gzip.compress(p.read_bytes())) for p in pages) / 1000
    results = {name: median_of(found) for name, found in runs.items()}
    ratio = round(results["with"]["seconds"] / results["unmatched"]["seconds"], 3)
    whole = round(results["with"]["seconds"] / results["without"]["seconds"], 3)
    met = {
        "with_over_unmatched": ratio <= TARGETS["with_over_unmatched"],
        "board_page_gzip_kb": largest <= TARGETS["board_page_gzip_kb"],
    }
    print(f"\nN = {args.count}: " + ", ".join(f"{name} {results[name]}" for name in results))
    print(f"matching: with / unmatched = {ratio}; the whole exchange: with / without = {whole}")
    print(f"board: {len(pages)} pages, the largest {largest:.1f} KB gzipped")
    print(f"targets {TARGETS} met: {met}")
    out = REPO / "bench-results"
    out.mkdir(exist_ok=True)
    (out / "exchange.json").write_text(
        json.dumps(
            {
                "n": args.count,
                "results": results,
                "with_over_unmatched": ratio,
                "with_over_without": whole,
                "board_pages": len(pages),
                "board_page_gzip_kb": largest,
                "targets": TARGETS,
                "met": met,
            },
            indent=2,
        ),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
