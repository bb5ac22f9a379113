"""Shared fixtures: data roots made from the bundled test data, and one real build of the sample."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator import pipeline

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
SAMPLE = REPO / "data" / "sample"
MINIMAL = TESTS / "data" / "minimal"
SMALL = TESTS / "data" / "small"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def overlay(base: Path, case: Path, target: Path) -> Path:
    """A data root: `base` with the files of `case` laid over it; `X.delete` removes X."""
    shutil.copytree(base, target)
    for path in sorted(case.rglob("*")):
        rel = path.relative_to(case)
        if path.is_dir() or rel.name in ("expected.txt", "args.txt"):
            continue
        if path.name.endswith(".delete"):
            (target / rel.with_name(path.name[: -len(".delete")])).unlink()
            continue
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target / rel)
    return target


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory) -> pipeline.BuildReport:
    """The bundled sample, built once with the real mkdocs for every test that reads it."""
    work = tmp_path_factory.mktemp("sample-build")
    shutil.copy(REPO / "mkdocs.yml", work / "mkdocs.yml")  # the sample's site folder settings
    return pipeline.build(SAMPLE, work / "site", work, base_url="https://jd.example.org/")
