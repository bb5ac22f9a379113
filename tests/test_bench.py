"""The benchmark runs end to end on a small data root and writes valid JSON (no timing is asserted)."""

from __future__ import annotations

import json
import subprocess
import sys

from generator import pipeline

from .conftest import REPO, SMALL


def test_bench_runs_once_on_a_small_root_and_writes_its_results(tmp_path):
    out = tmp_path / "results" / "latest.json"
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "run.py"),
            "--data-root",
            str(SMALL),
            "--runs",
            "1",
            "--work",
            str(tmp_path / "work"),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    results = json.loads(out.read_text(encoding="utf-8"))
    entry = results["scales"]["small"]
    summary = entry["summary"]
    # The stages are the pipeline's own: whatever BuildReport.seconds holds appears, in its order.
    report = pipeline.build(SMALL, tmp_path / "site", tmp_path / "direct", base_url="https://jd.example.org/")
    assert list(summary["cold"]["stages"]) == list(report.seconds)
    assert summary["counts"] == {"projects": 4, "codes": 5, "bulletins": 2, "cases": 3, "pages": report.pages}
    assert summary["bare_mkdocs"]["same_files_as_build"] is True
    for build in ("cold", "rebuild"):
        assert summary[build]["peak_rss_mb"] > 10
        # The proportional share never exceeds the plain sum, and is something.
        assert 10 < summary[build]["peak_pss_mb"] <= summary[build]["peak_rss_mb"]
        stages = summary[build]["stages"].values()
        assert all(stage["seconds"] >= 0 and stage["peak_rss_mb"] > 0 for stage in stages)
        # Each stage's Pss is at most its RSS, and none is above the tree's peak.
        assert all(0 < stage["peak_pss_mb"] <= stage["peak_rss_mb"] for stage in stages)
        assert max(stage["peak_pss_mb"] for stage in stages) <= summary[build]["peak_pss_mb"]
    assert summary["ratio_cold_to_bare"] > 0 and summary["ratio_rebuild_to_bare"] > 0
    assert len(entry["runs"]) == 1
    for kind, run in entry["runs"][0].items():
        # The memory sampler's own CPU is measured and left out of the build's (it is a child too).
        assert 0 < run["sampler_cpu_seconds"] < run["process_seconds"], kind
        assert run["cpu_seconds"] > 0, kind
    for name in report.seconds:
        assert f"\n  {name} " in done.stdout
    assert "build / bare mkdocs (wall)" in done.stdout


def test_bench_refuses_a_scale_below_one(tmp_path):
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "run.py"), "--scales", "0", "--work", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert done.returncode == 2
    assert "at least 1" in done.stderr
