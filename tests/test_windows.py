"""Format 1.1's service windows: reading both file kinds and header languages, the sample's counts, the
archive across releases (newest row stands, older months kept, closed windows kept), and the register."""

from __future__ import annotations

import csv
import io
import shutil
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from generator import cli, pipeline
from generator.model.register import parse_register, render_register
from generator.pipeline import check_export
from generator.render import changes
from generator.render.window_figures import Rate, totals
from generator.model.records import WindowMonth

from .conftest import MINIMAL, REPO, SAMPLE, SMALL

sys.path.insert(0, str(REPO / "tools"))
from make_sample import write_xlsx  # noqa: E402
from sample_windows import STAT_KEYS, WINDOW_KEYS  # noqa: E402


@pytest.fixture(scope="module")
def sample():
    checked = check_export(SAMPLE, Path("/nonexistent/register.csv"))
    assert checked.archive is not None, [str(p) for p in checked.errors]
    return checked.archive


def test_the_sample_has_1110_window_codes_across_baotous_halls(sample):
    newest = sample.newest
    assert len(newest.windows) == 1110
    assert len(newest.window_codes) == 1110
    assert sum(1 for c in sample.window_codes if c.is_current) == 1110
    assert not sample.releases[0].windows and not sample.releases[0].window_codes  # 2021-09: format 1
    halls = {(w.region, w.hall) for w in newest.windows}
    assert ("包头市本级", "包头市政务服务中心") in halls
    regions = {region for region, _ in halls}
    assert len(halls) == 11 and len(regions) == 11, "the city centre and each district's and banner's centre"
    assert len({w.department for w in newest.windows}) > 100
    closed = [r for r in sample.windows if not r.is_current]
    assert len(closed) == 6 and all(r.codes for r in closed), "closed windows keep their pages and codes"
    assert len(newest.window_stats) > 12 * 1110 * 0.95, "a year of months per window, a few not reported"
    months = {m.month for m in newest.window_stats}
    assert months == {"2020-12"} | {f"2021-{n:02d}" for n in range(1, 12)}


def test_the_sample_figures_rise_and_fall(sample):
    by_month = {}
    for row in sample.newest.window_stats:
        by_month[row.month] = by_month.get(row.month, 0) + row.received
    values = [by_month[m] for m in sorted(by_month)]
    assert min(values) < 0.8 * max(values), values  # the Spring Festival dip against spring's peak
    assert all(r.resolved <= r.received for r in sample.newest.window_stats)
    zero = [r for r in sample.newest.window_stats if r.received == 0]
    assert zero and all(r.median_hours is None for r in zero if r.resolved == 0)


def test_newest_row_stands_older_months_kept_and_corrections_reported():
    checked = check_export(SMALL, Path("/nonexistent/register.csv"))
    archive = checked.archive
    record = next(r for r in archive.windows if r.window_id == "CK-0001")
    months = {m.figures.month: m for m in record.months}
    assert set(months) == {"2021-09", "2021-10", "2021-11"}
    assert months["2021-09"].source == "2021-10"  # only the older release holds it: kept
    assert months["2021-10"].source == "2021-11" and months["2021-10"].figures.received == 5
    assert months["2021-10"].replaced[0][0] == "2021-10" and months["2021-10"].replaced[0][1].received == 4
    report = changes.change_reports(archive)[-1]
    assert [(m.window.window_id, m.month) for m in report.windows.months_changed] == [("CK-0001", "2021-10")]
    assert [c.code_id for c in report.windows.new_codes] == ["MS000301"]
    assert [w.window_id for w in report.windows.closed] == ["CK-0002"]
    closed = next(r for r in archive.windows if r.window_id == "CK-0002")
    assert not closed.is_current and closed.codes[0].code_id == "MS000201"
    # A code is spelled as first published, whatever case a later export writes its window in.
    code = next(c for c in archive.window_codes if c.code_id == "MS000101")
    assert code.window_id == "CK-0001"


def test_rates_are_sums_over_sums_and_a_month_not_reported_is_in_no_total():
    rows = [
        WindowMonth("A", "2021-10", 10, 9, 9, Decimal("4"), 8, 6),
        WindowMonth("B", "2021-10", 1, 1, None, Decimal("30"), None, None),
    ]
    t = totals(rows)
    assert (t.received, t.resolved, t.reported, t.windows) == (11, 10, 2, 2)
    assert t.resolved_rate == Rate(10, 11) and t.resolved_rate.text == "90.9%"
    assert t.on_time_rate == Rate(9, 9), "rows without an on-time count are left out of its n"
    assert t.satisfaction == Rate(6, 8)
    assert (t.middle_of_medians, t.medians) == (Decimal("17.0"), 2)
    empty = totals([])
    assert empty.resolved_rate.text == "—" and empty.middle_of_medians is None


def _window_tables(folder: Path, english: bool, as_xlsx: bool) -> None:
    windows = [
        ["CK-0001", "包头市政务服务中心", "不动产登记综合受理窗口", "A01", "包头市本级", "包头市不动产登记中心",
         "首次登记、转移登记", "当场办结", "周一至周五 9:00-17:00", "九原区建华南路1号", "0472-5100000", "2021-11-02"],
    ]  # fmt: skip
    stats = [
        ["CK-0001", "2021-10", "10", "9", "9", "12.5", "8", "7"],
        ["CK-0001", "2021-11", "1,204", "3", "", "", "", ""],
    ]
    codes = [["BT000101", "BT-0001", "", "东门"], ["MS000101", "", "CK-0001", "A01号窗口台卡"]]
    tables = (
        ("windows", WINDOW_KEYS, windows),
        ("window_stats", STAT_KEYS, stats),
        (
            "qrcodes",
            {"code_id": "二维码编号", "project_id": "项目编号", "window_id": "窗口编号", "label": "标识位置"},
            codes,
        ),
    )
    for name, keys, rows in tables:
        header = list(keys) if english else list(keys.values())
        (folder / f"{name}.csv").unlink(missing_ok=True)
        if as_xlsx:
            write_xlsx(folder / f"{name}.xlsx", name, header, [[cell or None for cell in row] for row in rows])
        else:
            with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as f:
                csv.writer(f).writerows([header, *rows])


@pytest.mark.parametrize("english", [False, True], ids=["chinese-headers", "english-keys"])
@pytest.mark.parametrize("as_xlsx", [False, True], ids=["csv", "xlsx"])
def test_windows_read_alike_from_csv_and_xlsx_in_both_header_languages(tmp_path, english, as_xlsx):
    root = tmp_path / "data"
    shutil.copytree(MINIMAL, root)
    _window_tables(root / "2021-11", english, as_xlsx)
    checked = check_export(root, tmp_path / "register.csv")
    assert not checked.errors, [str(p) for p in checked.errors]
    release = checked.archive.newest
    assert [w.window_id for w in release.windows] == ["CK-0001"]
    assert release.windows[0].hotline == "0472-5100000"
    assert [(m.month, m.received, m.resolved_on_time) for m in release.window_stats] == [
        ("2021-10", 10, 9),
        ("2021-11", 1204, None),
    ]
    assert [(c.code_id, c.window_id) for c in release.window_codes] == [("MS000101", "CK-0001")]
    assert [c.code_id for c in release.codes] == ["BT000101"]


def test_a_format_1_export_stays_valid_and_lists_no_windows(tmp_path, capsys):
    assert cli.main(["validate", str(MINIMAL), "--work", str(tmp_path)]) == 0
    assert "服务窗口" not in capsys.readouterr().out


def test_the_register_keeps_window_codes_and_reads_old_registers():
    archive = check_export(SMALL, Path("/nonexistent/register.csv")).archive
    text = render_register(archive.codes, archive.projects, {}, archive.window_codes, archive.windows)
    register, problems = parse_register(text, "register.csv")
    assert not problems
    assert register["ms000201"].window_id == "CK-0002" and register["ms000201"].project_id == ""
    assert register["ms000201"].window is not None and register["ms000201"].window.name == "企业开办综合窗口"
    assert register["bt000101"].window_id == "" and register["bt000101"].project is not None
    old = "code_id,project_id,first_release,last_release,label,project\nBT000101,BT-0001,2021-10,2021-11,东门,\n"
    register, problems = parse_register(old, "old.csv")
    assert not problems and register["bt000101"].project_id == "BT-0001" and register["bt000101"].window_id == ""


def test_a_closed_windows_code_keeps_its_page_when_its_release_leaves_the_data_root(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(REPO / "mkdocs.yml", work / "mkdocs.yml")
    pipeline.build(SMALL, tmp_path / "site", work)
    later = tmp_path / "later"
    later.mkdir()
    shutil.copytree(SMALL / "2021-11", later / "2021-11")
    report = pipeline.build(later, tmp_path / "site", work)
    page = (tmp_path / "site" / "Q" / "MS000201" / "index.html").read_text(encoding="utf-8")
    assert "企业开办综合窗口" in page and "本窗口已不再提供服务" in page
    record = next(r for r in report.archive.windows if r.window_id == "CK-0002")
    assert not record.is_current and record.last_release == "2021-10"
    published = (tmp_path / "site" / "qr" / "register.csv").read_text(encoding="utf-8")
    row = next(r for r in csv.DictReader(io.StringIO(published)) if r["code_id"] == "MS000201")
    assert row["window_id"] == "CK-0002" and "window" not in row, "the public copy leaves the kept records out"


def test_the_printed_change_report_names_the_window_codes_to_print():
    archive = check_export(SMALL, Path("/nonexistent/register.csv")).archive
    report = changes.change_reports(archive)[-1]
    text = changes.render_report_text(report, "HTTPS://JD.EXAMPLE.ORG/Q/", Path("/work/qr"), Path("/srv/site"))
    assert "首次发布的窗口二维码 1 个——请印制窗口台卡和贴纸" in text
    assert "▣ MS000301 → CK-0003 政务服务中心 B01 税费综合服务窗口  HTTPS://JD.EXAMPLE.ORG/Q/MS000301" in text
    assert "不再提供服务的窗口 1 个" in text and "CK-0002" in text
    assert "~ CK-0001 2021-10：收到反映 4 → 5" in text


def test_a_window_respelled_in_a_later_export_changes_no_month_and_keeps_its_first_spelling(tmp_path):
    """Ids compare without case: a row that only re-spells its window's id corrects nothing, and the
    change report links the window by the spelling its page was first published with."""
    root = tmp_path / "root"
    shutil.copytree(SMALL, root)
    for name in ("windows.csv", "window_stats.csv", "qrcodes.csv"):
        path = root / "2021-11" / name
        if path.exists():
            path.write_text(path.read_text(encoding="utf-8").replace("CK-0001", "ck-0001"), encoding="utf-8")
    stats = root / "2021-11" / "window_stats.csv"
    older = (root / "2021-10" / "window_stats.csv").read_text(encoding="utf-8")
    october = next(line for line in older.splitlines() if line.startswith("CK-0001,2021-10,"))
    lines = [
        october.replace("CK-0001", "ck-0001") if line.startswith("ck-0001,2021-10,") else line
        for line in stats.read_text(encoding="utf-8").splitlines()
    ]
    stats.write_text("\n".join(lines) + "\n", encoding="utf-8")
    archive = check_export(root, Path("/nonexistent/register.csv")).archive
    assert archive is not None
    report = changes.change_reports(archive)[-1]
    assert [m.month for m in report.windows.months_changed] == []  # the same figures, re-spelled
    assert all(c.window.window_id != "ck-0001" for c in report.windows.new_codes)
    assert next(r for r in archive.windows if r.window_id.casefold() == "ck-0001").window_id == "CK-0001"


def test_a_group_no_window_reported_shows_未报送_never_0(tmp_path):
    root = tmp_path / "data"
    shutil.copytree(SMALL, root)
    stats = root / "2021-11" / "window_stats.csv"
    lines = stats.read_text(encoding="utf-8").splitlines(keepends=True)
    stats.write_text("".join(line for line in lines if not line.startswith("CK-0003,2021-11,")), encoding="utf-8")
    assert cli.main(["build", str(root), "--out", str(tmp_path / "site"), "--work", str(tmp_path / "work")]) == 0
    content = tmp_path / "work" / "content"

    def row(text: str, label: str) -> str:
        return next(line for line in text.splitlines() if line.startswith("| ") and label in line)

    index = (content / "windows" / "index.md").read_text(encoding="utf-8")
    assert row(index, "九原区").endswith("| 1 | 未报送 | 未报送 |"), "CK-0003's hall reported nothing this month"
    assert "2021&#45;11 收到的反映" in index  # the other hall reported: the city's figures stand
    page = (content / "windows" / "stats.md").read_text(encoding="utf-8")
    for label in ("| 九原区 |", "九原区税务局", "halls/51cbbb1fa4.md"):
        assert row(page, label).endswith("| 1 | 未报送 | 未报送 | 未报送 | 未报送 | 未报送 |"), label
    assert "| 2021&#45;08 | 未报送 | 未报送 |" in page and "（n=0）" not in page
    hall = (content / "windows" / "halls" / "51cbbb1fa4.md").read_text(encoding="utf-8")
    assert "九原区" in hall and "未报送" in hall
    assert "收到反映 0" not in hall and "0 个窗口报送" not in hall and "收到 0 件" not in hall and "n = 0" not in hall
    window = (content / "w" / "CK-0003.md").read_text(encoding="utf-8")
    assert "0 个月有统计" not in window and "收到反映 0 件" not in window
    chart = (content / "assets" / "charts" / "windows-received-by-region.svg").read_text(encoding="utf-8")
    assert "九原区" not in chart and "昆都仑区" in chart, "a region with no report is no bar of 0"
    feed = (content / "feeds" / "windows.xml").read_text(encoding="utf-8")
    assert "0 个窗口报送" not in feed and "收到反映 0 件" not in feed and "n = 0" not in feed
    assert "2021-08：未报送" in feed and "2021-11：1 个窗口报送，收到反映 3 件" in feed
