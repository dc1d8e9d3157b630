"""Build benchmark: Essaim's full build and no-change rebuild against bare Pelican and Hugo.

    python -m benchmarks.build --sizes 1000,10000 [--skip-pelican]

Every figure is measured in the same run, on the same synthetic records (the median of
`--repeat` runs, 3 by default; bare Pelican runs once), and reported as a ratio
to its baseline (targets from the foundation issue, at N = 10,000: full ≤ 3× Hugo, rebuild ≤ 25%
of full, peak memory ≤ 500 MB).

The full builds and Hugo's alternate (Essaim, Hugo, Essaim, Hugo...), so that both see the same
machine: a drift in load or disk state touches both. Nothing is deleted until every size is
measured: on a file system without a journal (this machine's ext4), the kernel skips an inode
deleted in the last minute (five when its block is not yet written) each time it creates a file,
so every build started just after a mass deletion pays for it, whichever tool it is.

Essaim's own modules are compiled to bytecode first, as an installed package is: where
PYTHONDONTWRITEBYTECODE is set (this machine), Python would otherwise compile them again at
every build, a tenth of a second that a normal install does not pay.

Peak memory is the largest resident size of the whole process tree (build process and its
workers, as proportional set size so that pages shared after a fork count once), sampled
every 50 ms.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.synthetic import actor_records, write_bare_pelican, write_hugo, write_territory

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TARGETS = {"full_over_hugo": 3.0, "rebuild_over_full": 0.25, "peak_mb": 500}


def _pss_kb(pid: str) -> int:
    """Proportional set size (kB): memory shared by forked workers is counted once in all."""
    with open(f"/proc/{pid}/smaps_rollup") as handle:
        for line in handle:
            if line.startswith("Pss:"):
                return int(line.split()[1])
    return 0


def _descendants(pid: int) -> list[int]:
    """`pid` and its descendants, from /proc/<pid>/task/<tid>/children (no scan of /proc)."""
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    stack.extend(int(child) for child in handle.read().split())
        except OSError:
            continue
    return found


def _tree_rss_kb(pid: int) -> int:
    """Memory (kB, PSS) of `pid` and all its descendants."""
    total = 0
    for process in _descendants(pid):
        try:
            total += _pss_kb(str(process))
        except OSError:
            continue
    return total


def measure(command: list[str], cwd: Path, env: dict | None = None) -> dict:
    """Run a command; return wall seconds and peak resident memory of its process tree (MB).

    The disk is flushed first, so that one build's pending writes do not slow the next one.
    """
    os.sync()
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_kb(process.pid))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = process.communicate()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{output.decode(errors='replace')[-3000:]}")
    return {"seconds": round(seconds, 2), "peak_mb": round(peak / 1024, 1)}


def median_of(runs: list[dict]) -> dict:
    """The run with the median time (its memory kept with it), and every time measured."""
    ordered = sorted(runs, key=lambda run: run["seconds"])
    return {**ordered[len(ordered) // 2], "all_seconds": [run["seconds"] for run in runs]}


def run_size(count: int, work: Path, repeat: int, skip_pelican: bool) -> dict:
    """Every measurement for one size; each build writes into a fresh folder (never one just
    emptied: see the module's docstring)."""
    print(f"\n== N = {count}: generating records", flush=True)
    records = actor_records(count)
    essaim_root, bare_root, hugo_root = work / "essaim", work / "pelican", work / "hugo"
    write_territory(essaim_root, records, REPO)
    with (essaim_root / "territory.yml").open("a", encoding="utf-8") as handle:
        # The foundation issue's target leaves search out ("it has its own issue": benchmarks/search.py).
        handle.write("features:\n  search: false\n")
    write_hugo(hugo_root, records)
    pelican = [str(BIN / "pelican"), "-s", "pelicanconf.py", "-q"]

    def essaim(run: int) -> list[str]:
        return [*pelican, "-o", f"out-{run}", "-e", f'CACHE_PATH="cache-{run}"']

    hugo = [str(BIN / "hugo"), "--quiet", "-d"]
    full_runs, hugo_runs = [], []
    for i in range(repeat):
        full_runs.append(measure(essaim(i), essaim_root))
        hugo_runs.append(measure([*hugo, f"out-{i}"], hugo_root))
        print(f"run {i + 1}: essaim full {full_runs[-1]}, hugo {hugo_runs[-1]}", flush=True)
    results: dict = {"n": count, "essaim_full": median_of(full_runs), "hugo": median_of(hugo_runs)}
    print(f"essaim full build      {results['essaim_full']}", flush=True)
    print(f"hugo                   {results['hugo']}", flush=True)
    last = repeat - 1
    results["essaim_rebuild"] = median_of([measure(essaim(last), essaim_root) for _ in range(repeat)])
    print(f"essaim no-change build {results['essaim_rebuild']}", flush=True)
    if not skip_pelican:
        write_bare_pelican(bare_root, records)
        results["bare_pelican"] = median_of([measure(pelican, bare_root)])
        print(f"bare pelican (1 run)   {results['bare_pelican']}", flush=True)
    full = results["essaim_full"]["seconds"]
    results["ratios"] = {
        "full_over_hugo": round(full / results["hugo"]["seconds"], 2),
        "rebuild_over_full": round(results["essaim_rebuild"]["seconds"] / full, 3),
    }
    if "bare_pelican" in results:
        results["ratios"]["full_over_bare_pelican"] = round(full / results["bare_pelican"]["seconds"], 3)
    return results


def main() -> None:
    """Parse arguments, run every size, print the ratios and write bench-results/build.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--skip-pelican", action="store_true", help="skip the (slow) bare Pelican build")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each fast build (median kept)")
    args = parser.parse_args()
    compileall.compile_dir(REPO / "plugins", quiet=1)  # see the module's docstring
    all_results = []
    with tempfile.TemporaryDirectory(prefix="essaim-bench-") as work:  # deleted once, at the end
        for count in (int(n) for n in args.sizes.split(",")):
            size_work = Path(work) / str(count)
            size_work.mkdir()
            all_results.append(run_size(count, size_work, args.repeat, args.skip_pelican))
    print("\n   N  full(s) rebuild(s) hugo(s) pelican(s)  full/hugo  rebuild/full  full/pelican  peak MB")
    for r in all_results:
        ratios = r["ratios"]
        print(
            f"{r['n']:>6} {r['essaim_full']['seconds']:>8} {r['essaim_rebuild']['seconds']:>10} "
            f"{r['hugo']['seconds']:>7} {r.get('bare_pelican', {}).get('seconds', '-'):>10} "
            f"{ratios['full_over_hugo']:>10} {ratios['rebuild_over_full']:>13} "
            f"{ratios.get('full_over_bare_pelican', '-'):>13} "
            f"{max(r['essaim_full']['peak_mb'], r['essaim_rebuild']['peak_mb']):>8}"
        )
    largest = all_results[-1]
    verdict = {
        "full_over_hugo": largest["ratios"]["full_over_hugo"] <= TARGETS["full_over_hugo"],
        "rebuild_over_full": largest["ratios"]["rebuild_over_full"] <= TARGETS["rebuild_over_full"],
        "peak_mb": largest["essaim_full"]["peak_mb"] <= TARGETS["peak_mb"],
    }
    print(f"targets at N = {largest['n']}: {TARGETS} met: {verdict}")
    out = REPO / "bench-results"
    out.mkdir(exist_ok=True)
    (out / "build.json").write_text(
        json.dumps({"results": all_results, "targets": TARGETS, "met": verdict}, indent=2), encoding="utf-8"
    )


if __name__ == "__main__":
    main()
