"""The sample's service windows (format 1.1): Baotou's government service halls, their windows and codes,
and a year of monthly handling figures per window. Used by make_sample.py.

Fictional like the rest of the sample: the halls are named after the real districts and banners,
but windows, numbers and figures are made up. The newest release (2021-11) lists 1,110 windows at
scale 1, each with one code; 2021-10 lists six windows that 2021-11 no longer does (no longer in
service) and lacks six that 2021-11 adds (their codes are new to print). Each export holds the
twelve months up to its own; a few months of 2021-10's export are corrected in 2021-11's. A
window misses a month now and then (未报送). Its own generator: the project data stay as they were.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from random import Random

SEED = 20211116
WINDOW_KEYS = {
    "window_id": "窗口编号", "hall": "办事大厅", "name": "窗口名称", "window_no": "窗口号", "region": "所属地区",
    "department": "进驻部门", "services": "办理事项", "promise": "服务承诺", "hours": "办公时间",
    "address": "地址", "hotline": "监督电话", "updated": "更新日期",
}  # fmt: skip
STAT_KEYS = {
    "window_id": "窗口编号", "month": "统计月份", "received": "收到反映（件）", "resolved": "已办结（件）",
    "resolved_on_time": "按时办结（件）", "median_hours": "办结用时中位数（小时）", "evaluated": "参与评价（件）",
    "satisfied": "满意（件）",
}  # fmt: skip

# (hall, region, address, windows in 2021-11 at scale 1): the city's centre and each district's or banner's.
HALLS = (
    ("包头市政务服务中心", "包头市本级", "九原区建华南路1号", 310),
    ("昆都仑区政务服务中心", "昆都仑区", "昆都仑区钢铁大街68号", 112),
    ("青山区政务服务中心", "青山区", "青山区幸福路17号", 104),
    ("东河区政务服务中心", "东河区", "东河区巴彦塔拉大街25号", 96),
    ("九原区政务服务中心", "九原区", "九原区建华南路36号", 88),
    ("石拐区政务服务中心", "石拐区", "石拐区石拐新区文化路3号", 48),
    ("白云鄂博矿区政务服务中心", "白云鄂博矿区", "白云鄂博矿区通阳道12号", 42),
    ("土默特右旗政务服务中心", "土默特右旗", "土默特右旗萨拉齐镇新华大街9号", 86),
    ("固阳县政务服务中心", "固阳县", "固阳县金山镇兴顺路21号", 72),
    ("达尔罕茂明安联合旗政务服务中心", "达尔罕茂明安联合旗", "达尔罕茂明安联合旗百灵庙镇阿尔泰路5号", 64),
    ("稀土高新区政务服务中心", "稀土高新区", "稀土高新区黄河大街55号", 88),
)
# (department, window name, services, promise, weight: how many windows a hall gives it, reports per month)
DESKS = (
    ("市场监督管理局", "企业开办综合窗口", "企业设立登记、变更登记、注销登记、印章刻制、发票申领", "企业开办全流程1个工作日内办结", 9, 3.0),
    ("市场监督管理局", "食品经营许可窗口", "食品经营许可、小餐饮备案、食品生产许可", "即办件当场办结，承诺件7个工作日内办结", 3, 1.4),
    ("不动产登记中心", "不动产登记综合受理窗口", "不动产首次登记、转移登记、抵押登记、更正登记、查询", "即办件当场办结，一般登记5个工作日内办结", 10, 4.2),
    ("税务局", "税费综合服务窗口", "税费申报、发票领用、税务登记、个人所得税汇算", "即办件当场办结，承诺件3个工作日内办结", 9, 3.1),
    ("人力资源和社会保障局", "社会保险服务窗口", "养老保险参保登记、社保关系转移、待遇资格认证、社保卡补换", "即办件当场办结，承诺件10个工作日内办结", 8, 2.6),
    ("人力资源和社会保障局", "就业创业服务窗口", "就业登记、失业登记、创业担保贷款受理、职业技能补贴", "承诺件5个工作日内办结", 3, 1.2),
    ("医疗保障局", "医疗保障服务窗口", "医保参保登记、异地就医备案、门诊慢特病认定、医疗费用报销", "即办件当场办结，报销15个工作日内办结", 6, 2.4),
    ("公安局", "户政服务窗口", "户口迁移、居民身份证办理、户籍证明", "即办件当场办结，身份证15个工作日内制发", 5, 1.9),
    ("公安局", "出入境服务窗口", "普通护照、往来港澳台通行证申领及签注", "7个工作日内制发证件", 2, 0.9),
    ("公安局", "车驾管服务窗口", "机动车登记、驾驶证换证补证、违法处理", "即办件当场办结", 3, 1.7),
    ("住房公积金管理中心", "公积金服务窗口", "公积金缴存登记、提取、个人住房贷款受理", "提取业务当场办结，贷款审批10个工作日内办结", 5, 1.8),
    ("住房和城乡建设局", "工程建设项目审批窗口", "建筑工程施工许可、竣工验收备案、商品房预售许可", "施工许可3个工作日内办结", 4, 1.3),
    ("自然资源局", "规划用地审批窗口", "建设用地规划许可、建设工程规划许可、用地预审", "承诺件7个工作日内办结", 3, 1.0),
    ("发展和改革委员会", "投资项目审批窗口", "企业投资项目备案、核准，节能审查", "备案当场办结，核准10个工作日内办结", 2, 0.6),
    ("生态环境局", "环境影响评价审批窗口", "建设项目环境影响评价审批、排污许可", "报告表15个工作日内办结", 2, 0.6),
    ("交通运输局", "交通运输服务窗口", "道路运输经营许可、从业资格证、网约车许可", "承诺件5个工作日内办结", 2, 0.8),
    ("卫生健康委员会", "卫生健康服务窗口", "医疗机构执业登记、公共场所卫生许可、出生医学证明补发", "承诺件10个工作日内办结", 2, 0.7),
    ("民政局", "社会事务服务窗口", "社会组织登记、最低生活保障申请、养老机构备案", "承诺件10个工作日内办结", 2, 0.8),
    ("退役军人事务局", "退役军人服务窗口", "退役军人优待证申领、信息采集、帮扶援助申请", "即办件当场办结", 1, 0.4),
    ("残疾人联合会", "残疾人服务窗口", "残疾人证办理、两项补贴申请、辅助器具申请", "承诺件10个工作日内办结", 1, 0.4),
    ("供电公司", "水电气暖联办窗口", "用电报装、用水报装、燃气报装、供热报装、过户", "低压用电报装3个工作日内接电", 3, 1.6),
    ("政务服务局", "综合受理窗口", "一窗受理、跨省通办、证照免提交、“一件事一次办”", "收件即受理，当场出具受理凭证", 6, 2.2),
    ("政务服务局", "帮办代办窗口", "企业和重点项目帮办代办、老年人和残疾人帮办", "当日响应，全程代办", 2, 0.8),
    ("政务服务局", "“办不成事”反映窗口", "办事中遇到的疑难问题、“办不成事”问题受理", "当场登记，2个工作日内答复", 1, 1.5),
    ("公证处", "公证服务窗口", "继承公证、委托公证、学历学位公证", "一般公证事项15个工作日内出证", 1, 0.5),
)  # fmt: skip
HOURS = (
    "周一至周五 9:00-12:00，13:30-17:00",
    "周一至周五 9:00-12:00，13:30-17:00；周六 9:00-12:00 延时服务",
    "周一至周五 8:30-12:00，14:30-17:30（夏季作息）",
)
# Reports per month rise after the Spring Festival and in the busy spring and autumn months.
SEASON = {1: 0.8, 2: 0.55, 3: 1.25, 4: 1.2, 5: 1.05, 6: 1.0, 7: 0.9, 8: 0.95, 9: 1.15, 10: 0.85, 11: 1.1, 12: 1.0}
RELEASE_MONTHS = ("2021-09", "2021-10", "2021-11")
FIRST_WITH_WINDOWS = 1  # 2021-09 is a format 1 export: no windows, no window_id column
CHANGED_WINDOWS = 6  # listed in 2021-10 only, and new in 2021-11


@dataclass(eq=False)
class SampleWindow:
    window_id: str
    code_id: str
    first: int  # index of the first release that lists it
    last: int
    row: dict
    rate: float  # reports per month
    label: str
    months: dict = field(default_factory=dict)  # month → per release index: the row that release holds


def _months_back(last: str, count: int) -> list[str]:
    year, month = int(last[:4]), int(last[5:])
    found = []
    for _ in range(count):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return found[::-1]


def build_windows(scale: int) -> list[SampleWindow]:
    rng = Random(SEED)
    windows: list[SampleWindow] = []
    for hall_index, (hall, region, address, count) in enumerate(HALLS):
        desks = [desk for desk in DESKS for _ in range(desk[4])]
        total = count * scale + CHANGED_WINDOWS * (hall_index == 0)  # the city hall's refit moves a few
        zone_size = 30
        for n in range(total):
            department, name, services, promise, _, rate = desks[n % len(desks)]
            window_no = f"{'ABCDEFGHJK'[n // zone_size % 10]}{n % zone_size + 1:02d}" + (
                f"-{n // (zone_size * 10) + 1}" if n >= zone_size * 10 else ""
            )
            first, last = FIRST_WITH_WINDOWS, 2
            if hall_index == 0 and n >= total - 2 * CHANGED_WINDOWS:
                # Six windows close with the refit (2021-10 only), six open (2021-11 only).
                first, last = (1, 1) if n < total - CHANGED_WINDOWS else (2, 2)
            hotline = f"0472-{5100000 + hall_index * 10000 + n * 7 % 10000}"
            row = {
                "window_id": f"CK{hall_index:02d}{n + 1:04d}",
                "hall": hall,
                "name": name,
                "window_no": window_no,
                "region": region,
                "department": f"{'包头市' if hall_index == 0 else region}{department}",
                "services": services,
                "promise": promise,
                "hours": HOURS[rng.randrange(len(HOURS))] if rng.random() < 0.3 else HOURS[0],
                "address": f"{address}{hall}一楼{window_no[0]}区"
                if n < zone_size * 4
                else f"{address}{hall}二楼{window_no[0]}区",
                "hotline": hotline if rng.random() < 0.9 else None,
                "updated": date(2021, 10 if first == 1 else 11, 1 + rng.randrange(25)),
            }
            label = f"{window_no}号窗口台卡" if rng.random() < 0.85 else f"{window_no}号窗口玻璃"
            busy = rate * (1.6 if hall_index == 0 else 1.0) * rng.uniform(0.5, 1.6)
            window = SampleWindow(row["window_id"], f"MS{hall_index:02d}{n + 1:04d}", first, last, row, busy, label)
            _figures(rng, window)
            windows.append(window)
    return windows


def _figures(rng: Random, window: SampleWindow) -> None:
    """Twelve months up to each release's month; the older export's months stand until corrected."""
    trend = rng.uniform(-0.03, 0.04)  # a window gets better or worse known over the year
    standing: dict[str, dict] = {}
    for r in range(window.first, window.last + 1):
        for index, month in enumerate(_months_back(RELEASE_MONTHS[r], 12)):
            if month in standing:
                row = standing[month]
                if row is not None and rng.random() < 0.01:  # a count corrected in the newer export
                    row = dict(row, received=row["received"] + 1, resolved=row["resolved"] + 1)
                    row["evaluated"] = None if row["evaluated"] is None else row["evaluated"] + rng.randrange(2)
                    standing[month] = row
            else:
                standing[month] = None if rng.random() < 0.02 else _month_row(rng, window, month, index, trend)
            if standing[month] is not None:
                window.months.setdefault(month, {})[r] = standing[month]


def _month_row(rng: Random, window: SampleWindow, month: str, index: int, trend: float) -> dict:
    expected = window.rate * SEASON[int(month[5:])] * (1 + trend * (index - 6))
    received = sum(1 for _ in range(int(expected * 4) + 2) if rng.random() < expected / (int(expected * 4) + 2))
    resolved = received - (1 if received and rng.random() < 0.06 else 0)
    on_time = resolved - sum(1 for _ in range(resolved) if rng.random() < 0.07)
    evaluated = sum(1 for _ in range(resolved) if rng.random() < 0.75)
    satisfied = evaluated - sum(1 for _ in range(evaluated) if rng.random() < 0.08)
    hours = Decimal(str(round(rng.uniform(1.5, 30.0), 1))) if resolved else None
    return {
        "window_id": window.window_id,
        "month": month,
        "received": received,
        "resolved": resolved,
        "resolved_on_time": on_time,
        "median_hours": hours,
        "evaluated": evaluated if rng.random() > 0.03 else None,
        "satisfied": satisfied,
    }


def listed(windows: list[SampleWindow], r: int) -> list[SampleWindow]:
    return [w for w in windows if w.first <= r <= w.last]


# The contract's limit of rows in one table (docs/export-format.md, "Limits").
ROWS_AT_MOST = 100_000


def stat_rows(windows: list[SampleWindow], r: int) -> list[dict]:
    rows = []
    here = listed(windows, r)
    # At a large --scale a year of months for every window would pass the limit: then each window's
    # newest months only, as an export may send them (the older months stand from older releases).
    keep = min(12, ROWS_AT_MOST // max(1, len(here)))
    for window in here:
        months = [month for month in sorted(window.months) if r in window.months[month]][-keep:]
        for month in months:
            row = window.months[month][r]
            rows.append(dict(row, satisfied=None if row["evaluated"] is None else row["satisfied"]))
    return rows
