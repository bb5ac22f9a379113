"""mkdocs' build with the pages shared among forked workers (publish/shared_build.py) writes what mkdocs writes.

Each test builds real mkdocs projects with the Material theme, once with mkdocs' own `build` and once shared,
and compares the outputs byte for byte; failures in a worker (a warning in strict mode, an exception, an
anchor missing in a page another worker converted) must stop the build as they stop mkdocs'.
"""

from __future__ import annotations

import hashlib
import io
import logging
from datetime import date
from pathlib import Path

import pytest
import yaml

from generator import cli, settings
from generator.publish import shared_build, site
from generator.publish.shared_build import build_shared

from .conftest import SMALL


def _tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _config(docs: Path, out: Path, **extra):
    from mkdocs.config import load_config

    base = {
        "site_name": "t",
        "site_url": "https://t.example.org/",
        "docs_dir": str(docs),
        "site_dir": str(out),
        "theme": {"name": "material", "language": "zh", "font": False},
        "plugins": [],
        "strict": True,
        "nav": [{"首页": "index.md"}],
        "validation": {"nav": {"omitted_files": "ignore"}},
        **extra,
    }
    return load_config(io.StringIO(yaml.safe_dump(base, allow_unicode=True)))


def _docs(tmp_path: Path, pages: dict[str, str]) -> Path:
    docs = tmp_path / "docs"
    for name, text in {"index.md": "# 首页\n\n[一](p0.md)\n", **pages}.items():
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(text, encoding="utf-8")
    return docs


def _pages(count: int) -> dict[str, str]:
    return {
        f"p{i}.md": f"# 页 {i}\n\n## 第{i}节\n\n[下一页](p{(i + 1) % count}.md#第{(i + 1) % count}节)\n"
        for i in range(count)
    }


def test_the_sample_site_is_the_same_byte_for_byte(tmp_path, monkeypatch):
    # The real thing: the small data root's content/, the portal's configuration and plugins.
    work = tmp_path / "work"
    assert cli.main(["build", str(SMALL), "--out", str(tmp_path / "site"), "--work", str(work)]) == 0
    loaded = settings.load_settings(work)
    site.run_mkdocs(loaded, tmp_path / "alone", date(2021, 11, 30), workers=1)
    monkeypatch.setattr(shared_build, "MIN_PAGES_TO_SHARE", 0)
    site.run_mkdocs(loaded, tmp_path / "forked", date(2021, 11, 30), workers=3)
    alone, shared = _tree(tmp_path / "alone"), _tree(tmp_path / "forked")
    assert len(alone) > 100
    assert shared == alone


def test_pages_dealt_to_workers_are_the_same_as_mkdocs_builds(tmp_path):
    from mkdocs.commands.build import build

    docs = _docs(tmp_path, _pages(40))
    build(_config(docs, tmp_path / "alone"))
    build_shared(_config(docs, tmp_path / "forked"), workers=2, min_pages=0)
    alone, shared = _tree(tmp_path / "alone"), _tree(tmp_path / "forked")
    assert "p39/index.html" in alone and "sitemap.xml" in alone
    assert shared == alone


def test_a_warning_in_a_worker_stops_a_strict_build(tmp_path):
    from mkdocs.exceptions import Abort

    pages = _pages(40)
    pages["p39.md"] = "# 页\n\n[断开的链接](missing.md)\n"  # the last page: never the first process's
    docs = _docs(tmp_path, pages)
    with pytest.raises(Abort, match="1 warnings in strict mode"):
        build_shared(_config(docs, tmp_path / "forked"), workers=2, min_pages=0)


def test_an_error_in_a_worker_is_raised_in_the_build(tmp_path):
    pages = _pages(40)
    pages["p39.md"] = "---\ntemplate: no-such-template.html\n---\n# 页\n"
    docs = _docs(tmp_path, pages)
    from jinja2 import TemplateNotFound

    with pytest.raises(TemplateNotFound):
        build_shared(_config(docs, tmp_path / "forked"), workers=2, min_pages=0)


def test_an_anchor_missing_in_a_page_another_worker_converted_is_reported(tmp_path, caplog):
    from mkdocs.exceptions import Abort

    pages = _pages(40)
    # p38 (first process: the index takes the first turn) links to an anchor p39 (the worker) lacks.
    pages["p38.md"] = "# 页 38\n\n[去](p39.md#没有这一节)\n"
    docs = _docs(tmp_path, pages)
    config = _config(docs, tmp_path / "forked", validation={"anchors": "warn", "nav": {"omitted_files": "ignore"}})
    with caplog.at_level(logging.WARNING, logger="mkdocs"), pytest.raises(Abort):
        build_shared(config, workers=2, min_pages=0)
    assert any("没有这一节" in r.getMessage() for r in caplog.records)


def test_few_pages_are_built_by_one_process(tmp_path, monkeypatch):
    import os

    forks = []
    real_fork = os.fork
    monkeypatch.setattr(os, "fork", lambda: forks.append(1) or real_fork())
    docs = _docs(tmp_path, _pages(10))
    build_shared(_config(docs, tmp_path / "forked"), workers=2)  # 11 pages: below the default threshold
    assert forks == []
    assert (tmp_path / "forked" / "p9" / "index.html").is_file()
