"""Withdrawn pages (mkdocs.yml extra.withdrawn) and first spellings of page ids."""

from __future__ import annotations

import shutil

from generator import cli

from .conftest import SMALL
from .test_build import page_text


def _build(data, work) -> int:
    return cli.main(["build", str(data), "--out", str(work / "site"), "--work", str(work)])


def _text(path) -> str:
    return "".join(page_text(path).parts)


def test_a_withdrawn_case_and_project_leave_every_output_but_their_urls_answer(tmp_path):
    (tmp_path / "mkdocs.yml").write_text(
        "extra:\n  withdrawn:\n"
        "    - {path: p/bt-0001/, date: 2021-12-02, reason: 含有不应公开的信息}\n"
        "    - {path: cases/BT-2021-10-08-01/, date: 2021-12-03}\n",
        encoding="utf-8",
    )
    assert _build(SMALL, tmp_path) == 0
    site = tmp_path / "site"
    for page in ("p/BT-0001", "Q/BT000101", "Q/BT000102", "cases/BT-2021-10-08-01"):
        text = _text(site / page / "index.html")
        assert "此页面已撤下" in text, page
    assert "2021年12月2日" in _text(site / "p" / "BT-0001" / "index.html")
    assert "含有不应公开的信息" in _text(site / "Q" / "BT000101" / "index.html")
    published = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    for rel_path, data in published.items():
        if rel_path.startswith(("p/BT-0001/", "Q/BT000101/", "Q/BT000102/", "cases/BT-2021-10-08-01/")):
            continue  # the notices themselves (the search index is checked with everything else)
        if rel_path.startswith(("sitemap.xml", "SHA256SUMS")):
            continue  # they list the notices' URLs, which keep answering
        # 友谊大街 is in BT-0001's location only; the case's text names 10万元.
        assert "友谊大街".encode() not in data, rel_path
        assert "BT-2021-10-08-01".encode() not in data, rel_path
    # The codes stay registered: they were printed.
    assert "BT000101" in (site / "qr" / "register.csv").read_text(encoding="utf-8")
    assert cli.main(["verify", str(site)]) == 0


def test_a_withdrawal_that_names_no_page_is_refused(tmp_path, capsys):
    (tmp_path / "mkdocs.yml").write_text(
        "extra:\n  withdrawn:\n    - {path: cases/NO-SUCH-CASE/, date: 2021-12-03}\n", encoding="utf-8"
    )
    assert _build(SMALL, tmp_path) == 1
    assert "cases/NO-SUCH-CASE/ 不是本站的" in capsys.readouterr().err
    assert not (tmp_path / "site").exists()


def test_ids_respelled_in_another_case_keep_their_first_urls(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(SMALL, data)
    newest = data / "2021-11"
    for name in ("projects.csv", "qrcodes.csv"):
        path = newest / name
        path.write_text(path.read_text(encoding="utf-8").replace("BT-0001", "bt-0001"), encoding="utf-8")
    bulletin = newest / "bulletins" / "BT-2021-10-08.yaml"
    bulletin.write_text(bulletin.read_text(encoding="utf-8").replace("BT-2021-10-08", "bt-2021-10-08"), "utf-8")
    assert _build(data, tmp_path) == 0
    site = tmp_path / "site"
    assert (site / "p" / "BT-0001" / "index.html").is_file() and not (site / "p" / "bt-0001").exists()
    assert (site / "bulletins" / "BT-2021-10-08" / "index.html").is_file()
    assert (site / "cases" / "BT-2021-10-08-01" / "index.html").is_file()
    assert not (site / "cases" / "bt-2021-10-08-01").exists()


def test_a_withdrawn_window_leaves_every_output_but_its_urls_and_its_codes_answer(tmp_path):
    (tmp_path / "mkdocs.yml").write_text(
        "extra:\n  withdrawn:\n    - {path: w/ck-0001/, date: 2021-12-02, reason: 含有不应公开的信息}\n",
        encoding="utf-8",
    )
    assert _build(SMALL, tmp_path) == 0
    site = tmp_path / "site"
    for page in ("w/CK-0001", "Q/MS000101"):
        assert "此页面已撤下" in _text(site / page / "index.html"), page
    for path in site.rglob("*"):
        rel_path = path.relative_to(site).as_posix()
        if not path.is_file() or rel_path.startswith(("w/CK-0001/", "Q/MS000101/", "pagefind", "sitemap", "SHA256")):
            continue
        assert "钢铁大街68号".encode() not in path.read_bytes(), rel_path  # CK-0001's address only
    assert "MS000101" in (site / "qr" / "register.csv").read_text(encoding="utf-8")
    assert cli.main(["verify", str(site)]) == 0
