"""Write tests/data/hostile/: a valid export whose every text field carries hostile text.

Each payload class below (markup, script, link schemes, template syntax, the syntax of
Markdown extensions, Unicode tricks, very long words) fills every text field of one
project, its code and progress report, one service window with its code, and one bulletin
with its case; the release's
notes and issuer carry them all. The export is valid: the portal must publish it, and
publish every payload as the literal text it is. Private numbers and broken files are
refused instead, so they live in tests/invalid/.

Run: .venv/bin/python tools/make_hostile.py [--out tests/data/hostile]
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_sample import write_xlsx, write_yaml  # noqa: E402 - tools/ is not a package

RELEASE = "2021-11"

# name → payload; each is at most 120 characters, the limit of a project name.
PAYLOADS: dict[str, str] = {
    "script": '<script>alert("xss-script")</script>',
    "handler": '<img src=x onerror=alert("xss-img")><svg/onload=alert("xss-svg")><body onload=alert(1)>',
    "title": '</title><script>alert("xss-title")</script><title>',
    "quote": "\"><b onmouseover=\"alert('xss-dq')\">x</b>' onfocus='alert(2)' autofocus x='",
    "iframe": "<iframe src=\"javascript:alert('xss-iframe')\"></iframe><object data=x></object>",
    "entity": "&lt;b&gt;不是粗体&lt;/b&gt; &amp;amp; &#60;i&#62; &#x3C;u&#x3E; &nbsp;",
    "comment": "<!-- 注释 --> <![CDATA[x]]> <?php echo 1; ?> <style>*{display:none}</style>",
    "links": '[点我](javascript:alert("xss-md")) [d](data:text/html,hi) [v](vbscript:msgbox(1))',
    "images": '![图](javascript:alert("xss-img2")) <a href="javascript:alert(3)">a</a> <img src="data:,x">',
    "autolink": "<javascript:alert(4)> <https://example.org/> www.example.org JAVASCRIPT:alert(5)",
    "template": "{{ 7*7 }} {{ 12345*9 }} {% raw %}r{% endraw %} {{ config }} {# c #} ${7*7} #{7*7}",
    "attr_list": '标题 { onclick="alert(\'xss-attr\')" } {: #x .y onclick="alert(4)" }',
    "snippet": '--8<-- "/etc/passwd"\n;--8<-- "/etc/hostname"',
    "admonition": '!!! danger "警告"\n    注意\n??? note "折叠"',
    "front_matter": "---\ntitle: 假标题\ndescription: <script>alert(5)</script>\n---",
    "table": "| a | b |\n|---|---|\n| \\| | `|` |",
    "fence": '```html\n<script>alert("xss-fence")</script>\n```',
    "markdown": "[TOC] *[HTML]: x [^1] $$x$$ :smile: ==m== ^^i^^ ~~d~~ ++ctrl++ \\\\ # 标题 > 引用 1. 列表",
    "emoji": "👨\u200d👩\u200d👧\u200d👦 🏳️\u200d🌈 🇨🇳 👍🏽 ©️ 1️⃣",
    "zero_width": "零\u200b宽\u200c字\u200d符\u2060测\ufeff试",
    "bidi": "\u202e右向左覆盖\u202c \u2067隔离\u2069 \u2069 مرحبا שלום \u200f! \u202d强制",
    "long": "长" + "W" * 118,
    # Kinds the contract accepts, added with issue #12 (the invisible-only, C1 and Zalgo texts are refused).
    "combining": "组合" + "Z\u0336\u0301\u0302\u0303\u0308" * 12 + " \u0e01\u0e34\u0e4a Tiếng Việt",
    "formula": '=HYPERLINK("https://evil.example/","点我")+1 @SUM(A1) -2 +cmd|\' /C calc\'!A0',
    "lookalike": "昆都\u200b仑区（\u2ed3安）Ａ类\u2f08民 Cafe\u0301",
}
# Ids the site's own files are named like: a project, two codes, two bulletins with their cases,
# carrying the formula payload; the project has coordinates of more digits than a float holds.
RESERVED_PROJECT = "README"
RESERVED_CODES = ("INDEX", "readme")
RESERVED_BULLETINS = (("index", "README"), ("README", "index"))
LONG_DECIMALS = ("109.840123456789012345", "40.6571234567890123456")

# Longer than a name may be: the very long unbroken word, in every other text field.
LONG_WORD = "https://example.org/" + "x" * 600

# The Markdown the contract allows, in every summary and case text, to show it still renders.
ALLOWED_MARKDOWN = (
    "允许的格式：**加粗文字** 与 *强调文字*。\n\n"
    "- 列表第一项\n- 列表第二项\n\n"
    "步骤：\n\n"
    "1. 有序第一项\n2. 有序第二项\n\n"
    "[官方网站](https://example.org/allowed-link)"
)

PROJECT_HEADER = [
    "项目编号",
    "项目名称",
    "所属地区",
    "项目类别",
    "项目状态",
    "建设单位",
    "施工单位",
    "监理单位",
    "责任部门",
    "包联领导",
    "总投资（万元）",
    "进展情况",
    "建设内容及规模",
    "建设地点",
    "监督电话",
    "更新日期",
    "经度",
    "纬度",
]


def project_id(index: int) -> str:
    return f"HOS-{index:02d}"


def code_id(index: int) -> str:
    return f"HOS{index:02d}A"


def window_id(index: int) -> str:
    return f"HOSW-{index:02d}"


def window_code_id(index: int) -> str:
    return f"HOS{index:02d}W"


WINDOW_HEADER = ["窗口编号", "办事大厅", "窗口名称", "窗口号", "所属地区", "进驻部门", "办理事项", "服务承诺", "办公时间", "地址", "监督电话", "更新日期"]  # fmt: skip


def write_windows(folder: Path, names: list[str]) -> None:
    """A service window per payload (format 1.1): every text field of it, its code's label, a month of figures."""
    with (folder / "windows.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(WINDOW_HEADER)
        for index, name in enumerate(names, start=1):
            text = PAYLOADS[name]
            hotline = "0472-6123457" if index == 1 else ""
            # A window's name holds 60 characters at most: the long payloads are cut there.
            writer.writerow(
                [window_id(index), text, text[:60], text, text, text, text, text, text, text, hotline, "2021-11-15"]
            )
    with (folder / "window_stats.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(
            ["window_id", "month", "received", "resolved", "resolved_on_time", "median_hours", "evaluated", "satisfied"]
        )
        for index, _ in enumerate(names, start=1):
            writer.writerow([window_id(index), "2021-11", index, index - 1, index - 1, "2.5", index - 1, 0])


def bulletin_id(index: int) -> str:
    return f"HOS-B-{index:02d}"


def write_data_root(out_dir: Path) -> None:
    shutil.rmtree(out_dir, ignore_errors=True)
    folder = out_dir / RELEASE
    folder.mkdir(parents=True)
    names = list(PAYLOADS)
    write_yaml(
        folder / "release.yaml",
        {
            "release": RELEASE,
            "published": "2021-11-20",
            "issuer": "包头市纪委监委 " + PAYLOADS["title"],
            "notes": "\n".join(PAYLOADS.values()) + "\n" + LONG_WORD,
        },
    )
    with (folder / "projects.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(PROJECT_HEADER)
        for index, name in enumerate(names, start=1):
            text = PAYLOADS[name]
            writer.writerow(
                [
                    project_id(index),
                    text,
                    text,
                    text,
                    "在建",
                    text,
                    text,
                    text,
                    text,
                    text,
                    "100",
                    text + "\n" + LONG_WORD,
                    text,
                    text,
                    "0472-6123456" if index == 1 else "",
                    "2021-11-15",
                    "",
                    "",
                ]
            )
        text = PAYLOADS["formula"]
        writer.writerow(
            [RESERVED_PROJECT, text, text, text, "在建", *[text] * 5, "100", text, text, text, "", "2021-11-15"]
            + list(LONG_DECIMALS)
        )
    write_xlsx(
        folder / "qrcodes.xlsx",
        "二维码",
        ["二维码编号", "项目编号", "标识位置", "窗口编号"],
        [[code_id(i), project_id(i), PAYLOADS[n], None] for i, n in enumerate(names, start=1)]
        + [[code, RESERVED_PROJECT, PAYLOADS["formula"], None] for code in RESERVED_CODES]
        + [[window_code_id(i), None, PAYLOADS[n], window_id(i)] for i, n in enumerate(names, start=1)],
    )
    write_windows(folder, names)
    write_xlsx(
        folder / "progress.xlsx",
        "进度",
        ["项目编号", "报告日期", "形象进度（%）", "进展情况"],
        [[project_id(i), "2021-11-01", "50", PAYLOADS[n]] for i, n in enumerate(names, start=1)],
    )
    bulletins = [(bulletin_id(i), f"{bulletin_id(i)}-01", project_id(i), PAYLOADS[n]) for i, n in enumerate(names, 1)]
    bulletins += [(b, c, RESERVED_PROJECT, PAYLOADS["formula"]) for b, c in RESERVED_BULLETINS]
    for this_bulletin, this_case, named_project, text in bulletins:
        markdown = f"{text}\n\n{ALLOWED_MARKDOWN}\n\n{LONG_WORD}"
        write_yaml(
            folder / "bulletins" / f"{this_bulletin}.yaml",
            {
                "bulletin_id": this_bulletin,
                "title": text,
                "issuer": text,
                "region": text,
                "published": "2021-11-15",
                "source_url": "https://example.org/bulletin?q={{7*7}}&x=%3Cscript%3E&y=javascript:alert(1)#top",
                "summary": markdown,
                "cases": [
                    {
                        "case_id": this_case,
                        # Names the project, so the project page lists the case too.
                        "title": f"{text} {named_project}",
                        "person": text,
                        "position": text,
                        "region": text,
                        "category": text,
                        "disposition": text,
                        "text": markdown,
                    }
                ],
            },
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "tests/data/hostile")
    write_data_root(parser.parse_args().out)


if __name__ == "__main__":
    main()
