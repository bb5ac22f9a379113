"""Values the contract allows that once broke the build or leaked: whatever `validate` accepts, `build` publishes.

One export, built for real: decimals of 17 and more significant digits, ids named like the
site's own files (`index`, `README`), text a spreadsheet would run as a formula, `-0`,
look-alike spellings of one region, an implausible amount, and names of stray files, unknown
columns and unknown keys that hold a mobile number (warnings, which the site only counts).
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from decimal import Decimal

import pytest

from generator import cli
from generator import pipeline

from .conftest import MINIMAL
from .test_build import page_text

LONGITUDE = "109.840123456789012345"  # 21 significant digits: no float holds it
LATITUDE = "40.6571234567890123"
TOTAL = "12500.1234567890123456"
STRAY_MOBILE = "13812345678"
PROJECT_HEADER = (
    "项目编号,项目名称,所属地区,项目类别,项目状态,建设单位,责任部门,总投资（万元）,累计完成投资（万元）,"
    f"更新日期,经度,纬度,联系人{STRAY_MOBILE}"
)
PROJECTS = [
    ["README", "=HYPERLINK(\"https://evil.example/\",\"点我\")", "昆都仑区", "基础设施", "在建", "+建设单位", "@责任部门",
     TOTAL, "-0", "2021-11-15", LONGITUDE, LATITUDE, "x"],
    ["index", "-1+1 项目", "昆都\u200b仑区", "基础设施", "在建", "-单位", "部门", "20000000", "", "2021-11-15", "", "", ""],
    ["INDEX-0003", "普通项目", "九原区", "社会民生", "前期", "单位", "部门", "6000", "", "2021-11-15", "", "", ""],
]  # fmt: skip
CODES = [["INDEX", "README"], ["readme", "index"], ["BT000301", "INDEX-0003"]]


def _bulletin(bulletin_id: str, case_id: str, region: str, category: str) -> str:
    return f"""bulletin_id: {bulletin_id}
title: 通报{bulletin_id}
issuer: 包头市纪委监委
region: 包头市
published: 2021-11-08
internal_note_{STRAY_MOBILE}: 内部备注
cases:
  - case_id: {case_id}
    title: 案例{case_id}
    region: "{region}"
    category: "{category}"
    disposition: "开除\\u200B党籍"
    text: "=1+1 &lt;img src=x&gt; 正文"
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    work = tmp_path_factory.mktemp("accepted-values")
    data_root = work / "data"
    shutil.copytree(MINIMAL, data_root)
    release = data_root / "2021-11"
    with (release / "projects.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(PROJECT_HEADER.split(","))
        writer.writerows(PROJECTS)
    (release / "qrcodes.csv").write_text(
        "二维码编号,项目编号,标识位置\r\n" + "".join(f"{c},{p},-东门\r\n" for c, p in CODES), encoding="utf-8"
    )
    (release / "bulletins" / "BT-2021-11-08.yaml").unlink()
    bulletins = {
        "index": ("README", "青山区", "吃拿卡要"),
        "README": ("index", "青山\u200b区", "吃拿卡要"),
        "BT-2021-11-09": ("INDEX-01", "\u2ed8\u2f2d\u533a", "\uff21类问题"),
        "BT-2021-11-10": ("readme-01", "青山区", "A类问题"),
    }
    for bulletin_id, (case_id, region, category) in bulletins.items():
        text = _bulletin(bulletin_id, case_id, region.encode("unicode_escape").decode(), category)
        (release / "bulletins" / f"{bulletin_id}.yaml").write_text(text, encoding="utf-8")
    (release / f"内部名单{STRAY_MOBILE}.txt").write_text("x", encoding="utf-8")
    (data_root / f"备份-{STRAY_MOBILE}").mkdir()
    report = pipeline.build(data_root, work / "site", work, base_url="https://jd.example.org/")
    return report, data_root, work


def _download(report, name: str) -> str:
    return (report.site_dir / "data" / name).read_text(encoding="utf-8-sig")


def test_validate_accepts_the_export_with_warnings_only(built, capsys):
    _, data_root, work = built
    assert cli.main(["validate", str(data_root), "--work", str(work / "validate")]) == 0
    err = capsys.readouterr().err
    # The operator sees every warning with its names, the site does not (below).
    assert f"联系人{STRAY_MOBILE}" in err and f"内部名单{STRAY_MOBILE}.txt" in err
    assert "警告：金额 20000000 万元超过 1000 亿元" in err
    assert "README.yaml:cases[0].region（第10行）:region: 警告：写法不规范：“青山<U+200B>区”" in err


def test_decimals_of_any_length_are_published_digit_for_digit(built):
    report = built[0]
    projects = json.loads(_download(report, "projects.json"), parse_float=Decimal)["projects"]
    readme = next(p for p in projects if p["project_id"] == "README")
    assert (readme["longitude"], readme["latitude"], readme["total_investment"]) == (
        Decimal(LONGITUDE),
        Decimal(LATITUDE),
        Decimal(TOTAL),
    )
    assert readme["completed_investment"] == 0  # "-0" is zero
    package = json.loads(_download(report, "projects-oc4ids.json"), parse_float=Decimal)
    entry = next(p for p in package["projects"] if p["id"] == "README")
    assert entry["locations"][0]["geometry"]["coordinates"] == [Decimal(LONGITUDE), Decimal(LATITUDE)]
    assert entry["budget"]["amount"]["amount"] == Decimal(TOTAL) * 10000
    row = next(r for r in csv.DictReader(io.StringIO(_download(report, "projects.csv"))) if r["project_id"] == "README")
    assert (row["longitude"], row["latitude"], row["total_investment"]) == (LONGITUDE, LATITUDE, TOTAL)
    assert row["completed_investment"] == "0"


@pytest.mark.parametrize(
    "rel_path",
    [
        "p/README/index.html",
        "p/index/index.html",
        "p/INDEX-0003/index.html",
        "Q/INDEX/index.html",
        "Q/readme/index.html",
        "Q/BT000301/index.html",
        "bulletins/index/index.html",
        "bulletins/README/index.html",
        "cases/README/index.html",
        "cases/index/index.html",
        "cases/INDEX-01/index.html",
    ],
)
def test_ids_named_like_the_sites_own_files_get_their_own_page(built, rel_path):
    folder, item_id = rel_path.split("/")[:2]
    text = page_text(built[0].site_dir / rel_path)
    assert item_id in text.title or item_id in "".join(text.parts), rel_path


def test_folder_index_pages_stay_what_they_are(built):
    site_dir = built[0].site_dir
    assert "全部典型案例通报" not in page_text(site_dir / "bulletins" / "index" / "index.html").title
    assert page_text(site_dir / "bulletins" / "index.html").title.startswith("典型案例通报")
    assert not (site_dir / "p" / "index.html").exists() and not (site_dir / "cases" / "index.html").exists()
    sitemap = (site_dir / "sitemap.xml").read_text(encoding="utf-8")
    for url in ("p/README/", "p/index/", "Q/INDEX/", "Q/readme/", "cases/index/", "bulletins/README/"):
        assert f"https://jd.example.org/{url}</loc>" in sitemap, url
    assert "_/" not in sitemap and "_.md" not in sitemap


def test_formula_like_text_is_inert_in_csv_and_exact_in_json(built):
    report = built[0]
    rows = {r["project_id"]: r for r in csv.DictReader(io.StringIO(_download(report, "projects.csv")))}
    assert rows["README"]["name"] == '\'=HYPERLINK("https://evil.example/","点我")'
    assert (rows["README"]["owner"], rows["README"]["department"]) == ("'+建设单位", "'@责任部门")
    assert rows["index"]["name"] == "'-1+1 项目" and rows["index"]["owner"] == "'-单位"
    assert rows["INDEX-0003"]["name"] == "普通项目"
    cases = {r["case_id"]: r for r in csv.DictReader(io.StringIO(_download(report, "cases.csv")))}
    assert cases["README"]["text"].startswith("'=1+1")
    assert cases["README"]["case_id"] == "README"  # ids as they are
    projects = json.loads(_download(report, "projects.json"))["projects"]
    assert {p["name"] for p in projects} >= {'=HYPERLINK("https://evil.example/","点我")', "-1+1 项目"}
    assert "前面加了一个英文单引号" in "".join(page_text(report.site_dir / "data" / "index.html").parts)


def test_look_alike_spellings_share_one_facet(built):
    report = built[0]
    browse = "".join(page_text(report.site_dir / "facets" / "index.html").parts)
    assert browse.count("青山区") == 1 and "A类问题" in browse and "Ａ类问题" not in browse
    feeds = sorted(p.name for p in (report.site_dir / "feeds" / "region").glob("*.xml"))
    assert len(feeds) == 1, feeds
    kinds = "".join(page_text(report.site_dir / "cases" / "README" / "index.html").parts)
    assert "开除党籍" in kinds and "其他处理" not in kinds
    projects = (report.site_dir / "projects" / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'<h2 id="region-\d+">([^<（]*)', projects) == ["九原区", "昆都仑区"]


def test_minus_zero_shows_as_zero(built):
    page = "".join(page_text(built[0].site_dir / "p" / "README" / "index.html").parts)
    assert "-0" not in re.sub(r"\d-0|-0\d", "", page)


def test_warnings_are_counted_on_the_site_never_quoted(built):
    report = built[0]
    for path in report.site_dir.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".csv", ".txt", ".md"):
            text = path.read_text(encoding="utf-8", errors="replace")
            assert STRAY_MOBILE not in text and "内部名单" not in text and "internal_note" not in text, path
    quality = "".join(page_text(report.site_dir / "quality" / "2021-11" / "index.html").parts)
    assert "表格中未知的列（未发布）" in quality and "YAML 文件中未知的键（未发布）" in quality
    assert "数据根目录中不是发布文件夹的条目（已忽略）" in quality
    assert "金额超过合理范围" in quality and "分类写法不规范" in quality


def test_facet_key_folds_every_kind_of_look_alike():
    import unicodedata

    from generator.validate.lookalikes import facet_key

    for spelling in ("昆都\u200b仑区", "昆都仑区\u2060", "\u2ed3安区", unicodedata.normalize("NFD", "Café区")):
        assert facet_key(spelling) != spelling
    assert facet_key("\u2ed3安区") == "长安区" and facet_key("\u2f08民区") == "人民区"
    assert facet_key(unicodedata.normalize("NFD", "Café区")) == "Café区" and facet_key("Ｃａｆé区") == "Café区"
    for ordinary in ("某区(开发区)", "某区（开发区）", "违规收受礼金", "A  B", "①号线…"):
        assert facet_key(ordinary) == ordinary  # its facet URL does not change
    assert facet_key("违规收受礼金") == "违规收受礼金"


def test_every_formula_start_gets_a_quote():
    from generator.render.formulas import FORMULA_STARTS, neutralise_formula

    assert [neutralise_formula(start + "x") for start in FORMULA_STARTS] == ["'" + s + "x" for s in FORMULA_STARTS]
    assert neutralise_formula("x=1") == "x=1" and neutralise_formula("") == ""


def test_search_excerpts_show_the_text_as_written(built):
    """Entity-like text in the data is shown in a search result's excerpt as written, not decoded."""
    import functools
    import http.server
    import threading

    from playwright.sync_api import sync_playwright

    from .conftest import CHROMIUM_ARGS
    from .test_hostile import _QuietHandler

    handler = functools.partial(_QuietHandler, directory=str(built[0].site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.server_port}/search/")
            page.fill("#portal-search-query", "img")
            page.press("#portal-search-query", "Enter")
            page.wait_for_selector("#portal-search-status:text-matches('^(找到|没有)')", timeout=30_000)
            excerpts = page.locator(".sr-result .sr-excerpt").all_text_contents()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    assert excerpts and all("&lt;img src=x&gt;" in e and "<img" not in e for e in excerpts), excerpts
