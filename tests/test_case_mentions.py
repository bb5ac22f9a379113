"""Which cases name which project: by whole id in any case, or by exact name, found in one pass over the text."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from generator import pipeline
from generator.render import pages as render

from .conftest import SMALL


def _archive_with_case_text(text: str):
    archive = pipeline.check_export(SMALL, Path("/nonexistent/register.csv")).archive
    first = archive.bulletins[0]
    case = dataclasses.replace(first.bulletin.cases[0], title="标题", text=text)
    bulletin = dataclasses.replace(first.bulletin, cases=(case,))
    record = dataclasses.replace(first, current=dataclasses.replace(first.current, bulletin=bulletin))
    return dataclasses.replace(archive, bulletins=(record,)), record, case


def test_ids_match_whole_and_in_any_case_and_names_match_exactly():
    text = "涉及 bt-0002 项目；XBT-0001、BT-0001X 与 BT-00011 都不是编号；又见九原区某某学校新建工程的招标。"
    archive, record, case = _archive_with_case_text(text)
    found = render.cases_naming_projects(archive)
    assert found == {"bt-0002": ((record, case),), "bt-0004": ((record, case),)}


def test_a_name_that_starts_like_another_is_found_only_when_whole():
    archive, _, _ = _archive_with_case_text("九原区某某学校新建")  # a prefix of BT-0004's name
    assert render.cases_naming_projects(archive) == {}
