"""Property: whatever export `validate` accepts, `build` publishes (a real mkdocs build).

Hypothesis writes exports within the contract: ids from the id alphabet (the names of the
site's own files among them), any text a cell can hold, decimals of any number of digits,
coordinates in range, bulletins with cases. When `validate` accepts one, the build must
succeed and publish every project, code, bulletin and case at its URL, with the numbers
exact in the downloads. `make test` runs a few fixed examples; PROPERTY_EXAMPLES=200 runs more.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from decimal import Decimal
from pathlib import Path

import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from generator import cli
from generator import pipeline

EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", "5"))
EXPORTS = settings(
    max_examples=EXAMPLES,
    derandomize=EXAMPLES <= 5,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)

ID = st.one_of(
    st.sampled_from(["index", "README", "INDEX", "readme", "Index-1"]),
    st.from_regex(r"[A-Za-z0-9][A-Za-z0-9-]{2,11}", fullmatch=True),
)
TEXT = st.text(st.characters(exclude_categories=("Cc", "Cs")), min_size=1, max_size=40)
AMOUNT = st.from_regex(r"[0-9]{1,8}(\.[0-9]{1,20})?", fullmatch=True)
LONGITUDE = st.from_regex(r"1(0[0-9]|1[0-9]|2[0-5])\.[0-9]{1,22}", fullmatch=True)
LATITUDE = st.from_regex(r"(3[7-9]|4[0-9]|5[0-3])\.[0-9]{1,22}", fullmatch=True)
HEADER = ["项目编号", "项目名称", "所属地区", "项目类别", "项目状态", "建设单位", "责任部门", "总投资（万元）"]
HEADER += ["累计完成投资（万元）", "经度", "纬度", "更新日期"]


@st.composite
def exports(draw):
    ids = draw(st.lists(ID, min_size=2, max_size=8, unique_by=str.casefold))
    cut = draw(st.integers(1, len(ids) - 1))
    project_ids, other_ids = ids[:cut], ids[cut:]
    projects = [
        [pid, draw(TEXT), draw(TEXT), draw(TEXT), draw(st.sampled_from(["前期", "在建", "停工", "竣工"])), draw(TEXT)]
        + [draw(TEXT), draw(AMOUNT), draw(st.one_of(st.just(""), st.just("-0"), AMOUNT))]
        + [draw(st.one_of(st.just(""), LONGITUDE)), draw(st.one_of(st.just(""), LATITUDE)), "2021-11-15"]
        for pid in project_ids
    ]
    codes = [[code, draw(st.sampled_from(project_ids)), draw(TEXT)] for code in other_ids[:3] or project_ids]
    case_ids = other_ids[3:]
    bulletins = []
    for number, case_id in enumerate(case_ids):
        bulletins.append(
            {
                "bulletin_id": f"B-{number:02d}" if number % 2 else case_id,
                "title": draw(TEXT),
                "issuer": draw(TEXT),
                "region": draw(TEXT),
                "published": "2021-11-08",
                "summary": draw(TEXT),
                "cases": [
                    {
                        "case_id": case_id,
                        "title": draw(TEXT),
                        "region": draw(TEXT),
                        "category": draw(TEXT),
                        "disposition": draw(TEXT),
                        "text": draw(TEXT),
                    }
                ],
            }
        )
    return projects, codes, bulletins


def _write(root: Path, projects, codes, bulletins) -> None:
    release = root / "2021-11"
    (release / "bulletins").mkdir(parents=True)
    (release / "release.yaml").write_text(
        "release: 2021-11\npublished: 2021-11-20\nissuer: 包头市纪委监委\n", encoding="utf-8"
    )
    for name, header, rows in (
        ("projects.csv", HEADER, projects),
        ("qrcodes.csv", ["二维码编号", "项目编号", "标识位置"], codes),
    ):
        with (release / name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(header)
            writer.writerows(rows)
    for bulletin in bulletins:
        text = yaml.safe_dump(bulletin, allow_unicode=True, sort_keys=False)
        (release / "bulletins" / f"{bulletin['bulletin_id']}.yaml").write_text(text, encoding="utf-8")


@EXPORTS
@given(export=exports())
def test_every_export_validate_accepts_is_built_and_published(export):
    projects, codes, bulletins = export
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "data"
        _write(root, projects, codes, bulletins)
        assume(cli.main(["validate", str(root), "--work", str(Path(folder) / "check")]) == 0)
        report = pipeline.build(root, Path(folder) / "site", Path(folder) / "work", base_url="https://jd.example.org/")
        site = report.site_dir
        published = [f"p/{row[0]}" for row in projects] + [f"Q/{row[0]}" for row in codes]
        published += [f"bulletins/{b['bulletin_id']}" for b in bulletins]
        published += [f"cases/{b['cases'][0]['case_id']}" for b in bulletins]
        for path in published:
            assert (site / path / "index.html").is_file(), path
        downloads = json.loads((site / "data" / "projects.json").read_text(encoding="utf-8"), parse_float=Decimal)
        by_id = {p["project_id"]: p for p in downloads["projects"]}
        for row in projects:
            published_row = by_id[row[0]]
            assert published_row["total_investment"] == Decimal(row[7])
            assert published_row["longitude"] == (Decimal(row[9]) if row[9] else None)
            assert published_row["latitude"] == (Decimal(row[10]) if row[10] else None)
