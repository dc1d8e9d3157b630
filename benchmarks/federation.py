"""National aggregate benchmark: a directory with no records of its own and many peers.

    python -m benchmarks.federation --peers 20 --records 2500

Writes the snapshots `essaim federation pull` would write (synthetic actors, as in the build
benchmark, one territory per peer), then measures the aggregate's full build (median of 3,
each into a fresh folder) and the search in Chromium (bytes and time to the first results,
median query), as benchmarks/search.py does. Target (federation issue): 50,000 records, full
build ≤ 120 s on the 2-core machine. Results: bench-results/federation.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
from pathlib import Path

from benchmarks.build import BIN, REPO, measure, median_of
from benchmarks.synthetic import actor_records

TARGET_SECONDS = 120


def write_aggregate(root: Path, peers: int, per_peer: int) -> None:
    """An aggregate territory and `peers` snapshots of `per_peer` actors each."""
    sys.path.insert(0, str(REPO / "plugins"))
    from essaim.federation.pull import peer_folder
    from essaim.records.schema import SCHEMA_VERSION

    urls = [f"https://essaim-{n:02d}.example.org" for n in range(peers)]
    shutil.copytree(REPO / "content", root / "content")  # a copy: a link out of the territory is refused
    (root / "pelicanconf.py").write_text(
        "from pathlib import Path\nfrom essaim.settings import pelican_settings\n"
        "globals().update(pelican_settings(Path(__file__).resolve().parent))\n",
        encoding="utf-8",
    )
    (root / "territory.yml").write_text(
        "name: Essaim France\npitch: Les annuaires de l'ESS réunis.\nbase_url: https://essaim.example.org\n"
        "federation:\n  peers:\n" + "".join(f"    - url: {u}\n      include: [actors]\n" for u in urls),
        encoding="utf-8",
    )
    for number, url in enumerate(urls):
        folder = root / "federation" / peer_folder(url)
        folder.mkdir(parents=True)
        records = []
        for slug, fields, body in actor_records(per_peer, seed=2026 + number):
            website = f"https://www.{slug}.essaim-{number:02d}.example.org"  # distinct sites: no dedup
            records.append(
                {
                    **fields,
                    "website": website,
                    "slug": slug,
                    "url": f"{url}/acteurs/{slug}/",
                    "description": body,
                }
            )
        text = (
            "[\n" + ",\n".join(json.dumps(r, ensure_ascii=False, sort_keys=True) for r in records) + "\n]\n"
        )
        (folder / "actors.json").write_text(text, encoding="utf-8")
        territory = {"name": f"Annuaire {number:02d}", "url": url}
        (folder / "provenance.json").write_text(
            json.dumps(
                {
                    "peer": url,
                    "territory": territory,
                    "licence": {"id": "etalab-2.0", "url": "https://www.etalab.gouv.fr/"},
                    "pulled_at": "2026-11-23T00:00:00+00:00",
                    "schema_version": SCHEMA_VERSION,
                    "datasets": {"actors": {"sha256": hashlib.sha256(text.encode()).hexdigest()}},
                }
            ),
            encoding="utf-8",
        )


def main() -> None:
    """Generate, build three times, measure search, print and save the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peers", type=int, default=20)
    parser.add_argument("--records", type=int, default=2500, help="records per peer")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-search", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="essaim-aggregate-") as work:
        root = Path(work) / "aggregate"
        root.mkdir()
        print(f"generating {args.peers} × {args.records} records", flush=True)
        write_aggregate(root, args.peers, args.records)
        pelican = [str(BIN / "pelican"), "-s", "pelicanconf.py", "-q"]
        runs = [
            measure([*pelican, "-o", f"out-{i}", "-e", f'CACHE_PATH="cache-{i}"'], root)
            for i in range(args.repeat)
        ]
        full = median_of(runs)
        total = args.peers * args.records
        result = {"records": total, "full_build": full, "target_seconds": TARGET_SECONDS}
        print(f"full build of {total} records: {full}", flush=True)
        if not args.skip_search:
            from benchmarks.search import queries, search_figures

            result["search"] = search_figures(root / "out-0", queries(actor_records(500)))
            print(f"search: {result['search']}", flush=True)
    result["met"] = full["seconds"] <= TARGET_SECONDS
    out = REPO / "bench-results"
    out.mkdir(exist_ok=True)
    (out / "federation.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"target: full build ≤ {TARGET_SECONDS} s: {'met' if result['met'] else 'NOT met'}")


if __name__ == "__main__":
    main()
