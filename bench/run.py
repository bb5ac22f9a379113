"""`make bench`: build N times the sample cold and unchanged beside the bare mkdocs build; print and save medians.

    python bench/run.py [--scales 1 2 5] [--runs 3] [--out bench/results/latest.json] [--work build/bench]
    python bench/run.py --data-root DATA_ROOT --runs 1   # one given data root instead

For each scale and each run, on the same machine: a cold build (empty work
folder: no content/, qr/ or code cache), then mkdocs alone on the content/ it
wrote, into an empty folder; a rebuild with nothing changed, then mkdocs alone
again, over its previous output. Every one is a fresh process
(`bench/measure.py`); the figures are medians over the runs, and each ratio
compares two builds run back to back. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

from scaled import REPO, scaled_root

from generator.publish import site
from generator.settings import load_settings

MEASURE = Path(__file__).resolve().parent / "measure.py"
MB = 1024 * 1024


def run_measured(kind: str, first: Path, second: Path) -> dict:
    """One run of measure.py; adds the wall time of the whole process (interpreter start included)."""
    os.sync()  # nothing the previous run wrote is still being flushed while this one runs
    cpu_before = _children_cpu()
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(MEASURE), kind, str(first), str(second)], capture_output=True, text=True, cwd=REPO
    )
    process_seconds = time.perf_counter() - began
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"bench: {kind} run failed (exit {done.returncode})")
    result = json.loads(done.stdout)
    result["process_seconds"] = process_seconds
    # CPU time of the process and its workers, less the memory sampler's: steadier than wall time
    # when other jobs share the machine.
    result["cpu_seconds"] = _children_cpu() - cpu_before - result["sampler_cpu_seconds"]
    return result


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bare_config(work: Path) -> Path:
    """The mkdocs configuration the portal builds `work` with: mkdocs itself, nothing of ours around it."""
    config = site.mkdocs_config(load_settings(work), work / "bare-site")
    path = work / "bare-mkdocs.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


# What the portal adds to mkdocs' output (the checksum list and the site's marker).
ADDED_TO_MKDOCS = re.compile(r"(SHA256SUMS$|\.portal-site\.json$)")


def file_names(folder: Path) -> list[str]:
    names = (p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    return sorted(name for name in names if not ADDED_TO_MKDOCS.match(name))


def set_aside(work: Path) -> None:
    """Move the last run's folder out of the way; it is deleted after the runs (`empty_trash`).

    Deleting thousands of files just before a measured build would have the disk still busy
    with the deletion while the build writes, which costs the build time that is not its own.
    """
    if work.exists():
        trash = work.parent / ".trash"
        trash.mkdir(exist_ok=True)
        os.rename(work, trash / f"{work.name}-{time.time_ns()}")


def empty_trash(base: Path) -> None:
    shutil.rmtree(base / ".trash", ignore_errors=True)


def one_run(root: Path, work: Path) -> dict:
    set_aside(work)
    work.mkdir(parents=True)
    bare_site = work / "bare-site"
    # Each build is paired with mkdocs alone in the same state: into an empty folder after the cold
    # build, over its own previous output (which mkdocs clears, as the portal replaces its site)
    # after the rebuild. Pairs run back to back so that they meet the same load.
    cold = run_measured("build", root, work)
    bare = run_measured("mkdocs", bare_config(work), bare_site)
    # The bare build must be the same build: same pages and files out of the same content/.
    bare["same_files_as_build"] = file_names(bare_site) == file_names(work / "site")
    rebuild = run_measured("build", root, work)
    bare_again = run_measured("mkdocs", bare_config(work), bare_site)
    return {"cold": cold, "rebuild": rebuild, "bare_mkdocs": bare, "bare_mkdocs_again": bare_again}


def median(values: list[float]) -> float:
    return statistics.median(values)


def summarise(runs: list[dict]) -> dict:
    """Medians of every figure over the runs; ratios are ratios of medians."""
    summary: dict = {}
    for build in ("cold", "rebuild"):
        stage_names = list(dict.fromkeys(name for run in runs for name in run[build]["stages"]))

        def stage_median(name: str, key: str) -> float:
            return median([run[build]["stages"][name][key] for run in runs if name in run[build]["stages"]])

        summary[build] = {
            "process_seconds": median([run[build]["process_seconds"] for run in runs]),
            "cpu_seconds": median([run[build]["cpu_seconds"] for run in runs]),
            "seconds": median([run[build]["seconds"] for run in runs]),
            "peak_rss_mb": median([run[build]["peak_rss"] for run in runs]) / MB,
            "peak_pss_mb": median([run[build].get("peak_pss", 0) for run in runs]) / MB,
            "stages": {
                name: {
                    "seconds": stage_median(name, "seconds"),
                    "peak_rss_mb": stage_median(name, "peak_rss") / MB,
                    "peak_pss_mb": stage_median(name, "peak_pss") / MB,
                }
                for name in stage_names
            },
        }
    for name in ("bare_mkdocs", "bare_mkdocs_again"):
        summary[name] = {
            key: median([run[name][key] for run in runs]) for key in ("process_seconds", "cpu_seconds", "seconds")
        }
        summary[name]["peak_rss_mb"] = median([run[name]["peak_rss"] for run in runs]) / MB
        summary[name]["peak_pss_mb"] = median([run[name].get("peak_pss", 0) for run in runs]) / MB
    bare, again = summary["bare_mkdocs"], summary["bare_mkdocs_again"]
    bare["same_files_as_build"] = all(run["bare_mkdocs"]["same_files_as_build"] for run in runs)
    summary["ratio_cold_to_bare"] = summary["cold"]["process_seconds"] / bare["process_seconds"]
    summary["ratio_rebuild_to_bare"] = summary["rebuild"]["process_seconds"] / again["process_seconds"]
    summary["cpu_ratio_cold_to_bare"] = summary["cold"]["cpu_seconds"] / bare["cpu_seconds"]
    summary["cpu_ratio_rebuild_to_bare"] = summary["rebuild"]["cpu_seconds"] / again["cpu_seconds"]
    first = runs[0]["cold"]
    summary["counts"] = {key: first[key] for key in ("projects", "codes", "bulletins", "cases", "pages")}
    return summary


def scale_table(label: str, runs: int, s: dict) -> str:
    c = s["counts"]
    lines = [
        f"{label}: {c['projects']} projects, {c['codes']} codes, {c['bulletins']} bulletins, "
        f"{c['cases']} cases, {c['pages']} pages — median of {runs} run(s)",
        f"  {'stage':<28}{'cold s':>9}{'cold MB':>9}{'PSS':>6}{'rebuild s':>11}{'rebuild MB':>11}{'PSS':>6}",
    ]
    cold, rebuild = s["cold"], s["rebuild"]
    for name in dict.fromkeys([*cold["stages"], *rebuild["stages"]]):
        a, b = cold["stages"].get(name), rebuild["stages"].get(name)
        lines.append(
            f"  {name:<28}{_cell(a, 'seconds', 9, 2)}{_cell(a, 'peak_rss_mb', 9, 0)}{_cell(a, 'peak_pss_mb', 6, 0)}"
            f"{_cell(b, 'seconds', 11, 2)}{_cell(b, 'peak_rss_mb', 11, 0)}{_cell(b, 'peak_pss_mb', 6, 0)}"
        )
    lines.append(
        f"  {'whole build, in process':<28}{cold['seconds']:>9.2f}{cold['peak_rss_mb']:>9.0f}{cold['peak_pss_mb']:>6.0f}"
        f"{rebuild['seconds']:>11.2f}{rebuild['peak_rss_mb']:>11.0f}{rebuild['peak_pss_mb']:>6.0f}"
    )
    lines.append(
        f"  {'portal build process':<28}{cold['process_seconds']:>9.2f}{'':>9}{rebuild['process_seconds']:>11.2f}"
    )
    bare, again = s["bare_mkdocs"], s["bare_mkdocs_again"]
    same = "" if bare["same_files_as_build"] else "  (!) its files differ from the build's"
    lines.append(
        f"  {'bare mkdocs process':<28}{bare['process_seconds']:>9.2f}{bare['peak_rss_mb']:>9.0f}"
        f"{again['process_seconds']:>11.2f}{again['peak_rss_mb']:>11.0f}{same}"
    )
    lines.append(
        f"  {'build / bare mkdocs (wall)':<28}{s['ratio_cold_to_bare']:>8.2f}×{'':>9}"
        f"{s['ratio_rebuild_to_bare']:>10.2f}×"
    )
    lines.append(f"  {'CPU s: portal build':<28}{cold['cpu_seconds']:>9.2f}{'':>9}{rebuild['cpu_seconds']:>11.2f}")
    lines.append(f"  {'CPU s: bare mkdocs':<28}{bare['cpu_seconds']:>9.2f}{'':>9}{again['cpu_seconds']:>11.2f}")
    lines.append(
        f"  {'build / bare mkdocs (CPU)':<28}{s['cpu_ratio_cold_to_bare']:>8.2f}×{'':>9}"
        f"{s['cpu_ratio_rebuild_to_bare']:>10.2f}×"
    )
    return "\n".join(lines)


def _cell(stage: dict | None, key: str, width: int, digits: int) -> str:
    return f"{'—':>{width}}" if stage is None else f"{stage[key]:>{width}.{digits}f}"


def scaling_table(summaries: dict[int, dict]) -> str:
    """Each stage's cold time at every scale, and its ratio to 1× (linear means the ratio equals the scale)."""
    scales = sorted(summaries)
    base = summaries[scales[0]]
    stages = list(dict.fromkeys(n for s in summaries.values() for n in s["cold"]["stages"]))
    header = f"  {'cold build, seconds':<24}" + "".join(f"{f'{k}×':>16}" for k in scales)
    lines = [f"Scaling (ratio to {scales[0]}× in brackets; linear = the scale ratio)", header]
    rows = [(n, lambda s, n=n: s["cold"]["stages"].get(n, {}).get("seconds")) for n in stages]
    rows += [
        ("portal build process", lambda s: s["cold"]["process_seconds"]),
        ("rebuild process", lambda s: s["rebuild"]["process_seconds"]),
        ("bare mkdocs process", lambda s: s["bare_mkdocs"]["process_seconds"]),
        ("bare mkdocs again", lambda s: s["bare_mkdocs_again"]["process_seconds"]),
        ("portal build CPU", lambda s: s["cold"]["cpu_seconds"]),
        ("bare mkdocs CPU", lambda s: s["bare_mkdocs"]["cpu_seconds"]),
        ("peak MB (cold, RSS sum)", lambda s: s["cold"]["peak_rss_mb"]),
        ("peak MB (cold, PSS sum)", lambda s: s["cold"]["peak_pss_mb"]),
        ("cold / bare", lambda s: s["ratio_cold_to_bare"]),
        ("rebuild / bare", lambda s: s["ratio_rebuild_to_bare"]),
    ]
    for name, get in rows:
        cells = []
        for k in scales:
            value, first = get(summaries[k]), get(base)
            ratio = f" ({value / first:.1f})" if value and first and not name.endswith("bare") else ""
            cells.append(f"{'—' if value is None else f'{value:.2f}'}{ratio}".rjust(16))
        lines.append(f"  {name:<24}" + "".join(cells))
    for k in scales[1:]:
        # The build should grow no faster than mkdocs' own growth over the same content.
        build_growth = summaries[k]["cold"]["process_seconds"] / base["cold"]["process_seconds"]
        bare_growth = summaries[k]["bare_mkdocs"]["process_seconds"] / base["bare_mkdocs"]["process_seconds"]
        lines.append(
            f"  growth {scales[0]}× → {k}×: build {build_growth:.2f}, bare mkdocs {bare_growth:.2f}, "
            f"ratio {build_growth / bare_growth:.3f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], epilog="example: python bench/run.py --scales 1 2 --runs 1"
    )
    parser.add_argument(
        "--scales", type=int, nargs="+", default=[1, 2, 5], help="multiples of the sample (default: 1 2 5)"
    )
    parser.add_argument("--runs", type=int, default=3, help="runs per scale; figures are medians (default: 3)")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "latest.json", help="results file")
    parser.add_argument("--data-root", type=Path, help="bench this data root instead of scaled samples")
    parser.add_argument("--work", type=Path, default=REPO / "build" / "bench", help="data roots and work folders")
    args = parser.parse_args(argv)
    if args.runs < 1 or any(scale < 1 for scale in args.scales):
        parser.error("--runs and every scale must be at least 1")
    scales = sorted(set(args.scales))
    results = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "runs": args.runs,
        "measures": "seconds: wall time; process_seconds: the whole process, interpreter start included; "
        "cpu_seconds: user+system CPU of the process and its workers; "
        "peak_rss: sampled resident memory of the process and its workers, summed; "
        "peak_pss: the same with each shared page divided among its processes (see bench/measure.py)",
        "scales": {},
    }
    summaries = {}
    if args.data_root:
        roots = {args.data_root.name: (args.data_root, None)}
    else:
        roots = {f"{k}× the sample": (scaled_root(args.work / "data", k), k) for k in scales}
    for label, (root, scale) in roots.items():
        load_before = os.getloadavg()
        runs = [one_run(root, args.work / f"work-{scale or 'root'}") for _ in range(args.runs)]
        empty_trash(args.work)
        summary = summarise(runs)
        if scale:
            summaries[scale] = summary
        results["scales"][label] = {
            "data_root": str(root),
            "load_average_before_after": [load_before[0], os.getloadavg()[0]],
            "summary": summary,
            "runs": runs,
        }
        print(scale_table(label, args.runs, summary), flush=True)
        print(flush=True)
    if len(summaries) > 1:
        print(scaling_table(summaries))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nresults: {args.out} (machine: {os.cpu_count()} cores, load average now {os.getloadavg()[0]:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
