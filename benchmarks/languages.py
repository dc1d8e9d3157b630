"""Languages benchmark: what a site in three languages costs against the same site in one.

    python -m benchmarks.languages [--count 10000] [--repeat 3] [--search]   (make bench, --only languages)

The same synthetic actors are built two ways, alternating, `--repeat` times each, search off as
in the build benchmark (its own benchmark measures it) unless `--search` (each language has its
own index: the part a language adds most to): `one` with `languages: [fr]`, `three`
with `languages: [fr, en, es]` (the French site at the root, /en/ and /es/ beside it, the open
data, the printed directory and the sitemap made once). Each build writes into a fresh folder.
The target of the languages issue: the three-language full build takes at most 3× the
one-language build, measured in the same run. The no-change rebuilds are reported beside it.
Results go to bench-results/languages.json (languages-search.json with `--search`).
"""

from __future__ import annotations

import argparse
import compileall
import json
import sys
import tempfile
from pathlib import Path

from benchmarks.build import measure, median_of
from benchmarks.synthetic import actor_records, write_territory

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TARGET = 3.0  # three_over_one


def main() -> None:
    """Build both territories in turn, print the ratio and write bench-results/languages.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--search", action="store_true", help="build each language's search index too")
    args = parser.parse_args()
    compileall.compile_dir(REPO / "plugins", quiet=1)  # as an installed package is
    records = actor_records(args.count)
    runs: dict[str, dict[str, list]] = {
        "one": {"full": [], "rebuild": []},
        "three": {"full": [], "rebuild": []},
    }
    with tempfile.TemporaryDirectory(prefix="essaim-languages-") as work:
        roots = {}
        for name, languages in (("one", "[fr]"), ("three", "[fr, en, es]")):
            roots[name] = Path(work) / name
            write_territory(roots[name], records, REPO)
            with (roots[name] / "territory.yml").open("a", encoding="utf-8") as handle:
                handle.write(f"languages: {languages}\n")
                if not args.search:
                    handle.write("features:\n  search: false\n")
        for run in range(args.repeat):
            for name, root in roots.items():
                command = [str(BIN / "pelican"), "-s", "pelicanconf.py", "-q", "-o", f"out-{run}"]
                command += ["-e", f'CACHE_PATH="cache-{run}"']
                runs[name]["full"].append(measure(command, root))
                runs[name]["rebuild"].append(measure(command, root))
                full, rebuild = runs[name]["full"][-1], runs[name]["rebuild"][-1]
                print(f"run {run + 1}: {name} full {full}, rebuild {rebuild}", flush=True)
    results = {
        name: {kind: median_of(found) for kind, found in kinds.items()} for name, kinds in runs.items()
    }
    ratio = round(results["three"]["full"]["seconds"] / results["one"]["full"]["seconds"], 2)
    verdict = "met" if ratio <= TARGET else "NOT met"
    print(f"\nthree languages / one, full build: {ratio} (target ≤ {TARGET}: {verdict})")
    one, three = results["one"]["rebuild"]["seconds"], results["three"]["rebuild"]["seconds"]
    print(f"no-change rebuild: one {one} s, three {three} s")
    out = REPO / "bench-results"
    out.mkdir(exist_ok=True)
    (out / ("languages-search.json" if args.search else "languages.json")).write_text(
        json.dumps(
            {
                "n": args.count,
                "search": args.search,
                "results": results,
                "three_over_one": ratio,
                "target": TARGET,
            },
            indent=2,
        ),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
