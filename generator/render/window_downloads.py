"""The service windows and their monthly figures as downloads (CSV, JSON), and the feed of monthly figures.

The same rows feed the CSV and the JSON (`downloads.to_csv`, `to_json`); every
column is described here and printed on the data page. The figures are the
months as they stand (the newest release's row of each month), 未报送 months
have no row: a missing row is never a zero.
"""

from __future__ import annotations

from generator import urls
from generator.model.records import Archive
from generator.render import downloads, feeds
from generator.render.downloads import Column, Download, EmitFile, json_number, offer
from generator.render.site_info import SiteInfo
from generator.render.window_figures import Totals, last_months, totals

WINDOW_FEED_PATH = f"{urls.FEEDS}/windows.xml"

WINDOW_COLUMNS = (
    Column("window_id", "文本", "窗口编号，固定不变，也是窗口页面地址的一部分"),
    Column("hall", "文本", "办事大厅"),
    Column("name", "文本", "窗口名称"),
    Column("window_no", "文本", "窗口号（窗口上方的号码），未填报时为空"),
    Column("region", "文本", "所属地区"),
    Column("department", "文本", "进驻部门"),
    Column("services", "文本", "办理事项，以、；或;分隔"),
    Column("promise", "文本", "服务承诺，未填报时为空"),
    Column("hours", "文本", "办公时间，未填报时为空"),
    Column("address", "文本", "地址，未填报时为空"),
    Column("hotline", "文本", "窗口监督电话，未填报时为空"),
    Column("updated", "日期", "平台上最后更新日期"),
    Column("is_current", "是/否", "是否列在最新一期数据中（false：已不再提供服务）"),
    Column("first_release", "文本", "首次列出的数据期"),
    Column("last_release", "文本", "最后列出的数据期"),
    Column("code_ids", "列表", "窗口二维码编号"),
    Column("url", "网址", "窗口页面地址"),
)  # fmt: skip
WINDOW_STAT_COLUMNS = (
    Column("window_id", "文本", "窗口编号"),
    Column("month", "文本", "统计月份（YYYY-MM）；窗口未报送的月份没有这一行"),
    Column("received", "数字", "当月在该窗口扫码收到的反映（件）"),
    Column("resolved", "数字", "其中已办结的（件）"),
    Column("resolved_on_time", "数字", "其中在承诺时限内办结的（件），未报送时为空"),
    Column("median_hours", "数字", "当月办结件办理用时的中位数（小时，平台按逐件数据计算），无办结件或未报送时为空"),
    Column("evaluated", "数字", "办结后参与满意度评价的（件），未报送时为空"),
    Column("satisfied", "数字", "其中评价为满意的（件），未报送时为空"),
    Column("data_release", "文本", "这一行所在的数据期：同一月份以最新一期为准"),
    Column("corrected", "是/否", "是否更正了较早一期数据中的同月数字"),
)  # fmt: skip


def window_rows(archive: Archive, site: SiteInfo) -> list[dict]:
    return [
        {
            "window_id": r.window.window_id,
            "hall": r.window.hall,
            "name": r.window.name,
            "window_no": r.window.window_no,
            "region": r.window.region,
            "department": r.window.department,
            "services": r.window.services,
            "promise": r.window.promise,
            "hours": r.window.hours,
            "address": r.window.address,
            "hotline": r.window.hotline,
            "updated": r.window.updated.isoformat(),
            "is_current": r.is_current,
            "first_release": r.first_release,
            "last_release": r.last_release,
            "code_ids": [c.code_id for c in r.codes],
            "url": urls.page_url(site.site_url, urls.WINDOWS, r.window.window_id),
        }
        for r in archive.windows
    ]


def stat_rows(archive: Archive) -> list[dict]:
    return [
        {
            "window_id": r.window.window_id,
            "month": m.figures.month,
            "received": m.figures.received,
            "resolved": m.figures.resolved,
            "resolved_on_time": m.figures.resolved_on_time,
            "median_hours": None if m.figures.median_hours is None else json_number(m.figures.median_hours),
            "evaluated": m.figures.evaluated,
            "satisfied": m.figures.satisfied,
            "data_release": m.source,
            "corrected": bool(m.replaced),
        }
        for r in archive.windows
        for m in r.months
    ]


def build_window_downloads(archive: Archive, site: SiteInfo, emit_file: EmitFile) -> tuple[Download, ...]:
    """The windows' downloads, each handed to `emit_file` as it is made."""
    if not archive.windows:
        return ()
    windows = window_rows(archive, site)
    made: tuple[Download, ...] = (
        offer(
            emit_file,
            "windows.csv",
            "服务窗口（表格）",
            "CSV",
            WINDOW_COLUMNS,
            downloads.to_csv(WINDOW_COLUMNS, windows),
        ),
        offer(
            emit_file,
            "windows.json",
            "服务窗口",
            "JSON",
            WINDOW_COLUMNS,
            downloads.to_json(archive, "windows", windows),
        ),
    )
    del windows
    stats = stat_rows(archive)
    return (
        *made,
        offer(
            emit_file, "window-stats.csv", "服务窗口每月反映办理情况（表格）", "CSV", WINDOW_STAT_COLUMNS,
            downloads.to_csv(WINDOW_STAT_COLUMNS, stats),
        ),
        offer(
            emit_file, "window-stats.json", "服务窗口每月反映办理情况", "JSON", WINDOW_STAT_COLUMNS,
            downloads.to_json(archive, "window_stats", stats),
        ),
    )  # fmt: skip


def _feed_summary(month: str, month_totals: Totals) -> str:
    """A month's entry in one line; a month no window reported is 未报送, never 0 reports of 0 windows."""
    if not month_totals.reported:
        return f"{month}：未报送（没有服务窗口报送本月数据，不按 0 计）"
    return (
        f"{month}：{month_totals.reported} 个窗口报送，收到反映 {month_totals.received} 件，"
        f"办结率 {month_totals.resolved_rate.text}"
    )


def render_window_feed(archive: Archive, site: SiteInfo) -> dict[str, str]:
    """`feeds/windows.xml`: one entry per month of the last twelve, all windows' figures added up."""
    if not archive.windows:
        return {}
    env = feeds.xml_environment()
    content = env.get_template("_window_month_content.html.j2")
    current = [r for r in archive.windows if r.is_current]
    published = f"{archive.newest.published.isoformat()}T00:00:00+08:00"
    entries = []
    for month in last_months(archive.newest.release_id):
        month_totals = totals(m.figures for r in current for m in r.months if m.figures.month == month)
        entries.append(
            feeds.FeedEntry(
                entry_id=f"{site.site_url}{urls.WINDOW_INDEX}/stats/#{month}",
                title=f"{month} 服务窗口反映办理情况",
                url=f"{site.site_url}{urls.WINDOW_INDEX}/stats/",
                author=archive.newest.issuer,
                published=published,
                updated=published,
                categories=("服务窗口",),
                summary=_feed_summary(month, month_totals),
                content_html=content.render(month=month, totals=month_totals),
            )
        )
    entries.reverse()  # newest month first
    feed = feeds.Feed(
        rel_path=WINDOW_FEED_PATH,
        feed_id=f"{site.site_url}{WINDOW_FEED_PATH}",
        title="码上监督 · 服务窗口每月反映办理情况",
        subtitle="全部在用服务窗口每月收到和办结群众反映的情况，最新的月份在前",
        self_url=f"{site.site_url}{WINDOW_FEED_PATH}",
        page_url=f"{site.site_url}{urls.WINDOW_INDEX}/stats/",
        author=archive.newest.issuer,
        updated=published,
        entries=tuple(entries),
    )
    return {WINDOW_FEED_PATH: env.get_template("atom.xml.j2").render(feed=feed)}
