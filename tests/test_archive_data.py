"""Feeds, downloads and the OC4IDS package of the built sample: valid, complete, round-tripping, byte-stable."""

from __future__ import annotations

import copy
import csv
import io
import json
import re
from decimal import Decimal
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
import referencing

from generator.render.archive_pages import render_archive
from generator.render.downloads import BULLETIN_COLUMNS, CASE_COLUMNS, PROJECT_COLUMNS, csv_cell
from generator.render.facets import build_facets
from generator.render.site_info import SiteInfo

from .conftest import REPO
from .test_build import page_text

ATOM = "{http://www.w3.org/2005/Atom}"
OC4IDS = Path(REPO) / "tests" / "oc4ids"  # a copy of the standard kept in the repository: see its README.md


# Atom ---------------------------------------------------------------------------------------


def _check_atom(path: Path) -> ET.Element:
    root = ET.parse(path).getroot()
    assert root.tag == f"{ATOM}feed", path
    for name in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{name}") is not None and root.find(f"{ATOM}{name}").text, (path, name)
    assert root.find(f"{ATOM}link[@rel='self']") is not None
    stamp = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00")
    assert stamp.fullmatch(root.find(f"{ATOM}updated").text)
    ids = []
    for entry in root.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{name}") is not None and entry.find(f"{ATOM}{name}").text, (path, name)
        # An author on every entry (RFC 4287 4.1.1 allows it on the feed instead; we give both).
        assert entry.find(f"{ATOM}author/{ATOM}name").text
        assert entry.find(f"{ATOM}link[@rel='alternate']") is not None or entry.find(f"{ATOM}content") is not None
        assert stamp.fullmatch(entry.find(f"{ATOM}updated").text)
        ids.append(entry.find(f"{ATOM}id").text)
    assert len(ids) == len(set(ids)), path
    return root


def test_every_feed_is_atom_with_stable_entry_ids(sample_build):
    site = sample_build.site_dir
    feeds = sorted((site / "feeds").rglob("*.xml"))
    facets = {f.key: f for f in build_facets(sample_build.archive)}
    per_value = sum(len(facets[key].values) for key in ("month", "region", "category", "kind"))
    windows = 1 if sample_build.archive.windows else 0  # feeds/windows.xml: the windows' monthly figures
    assert len(feeds) == 2 + per_value + windows  # all bulletins, 本期更新, one per facet value, windows
    for path in feeds:
        _check_atom(path)
    root = _check_atom(site / "feeds" / "bulletins.xml")
    first = root.find(f"{ATOM}entry")
    bulletin_id = first.find(f"{ATOM}id").text.rstrip("/").rsplit("/", 1)[1]
    # The id is the bulletin's permanent URL, and its page exists.
    assert (site / "bulletins" / bulletin_id / "index.html").is_file()
    # Entry text is escaped HTML: the content parses back to the restricted Markdown's HTML.
    assert "<p>" in first.find(f"{ATOM}content").text


def test_feeds_are_linked_from_the_pages_they_follow(sample_build):
    site = sample_build.site_dir
    facets = {f.key: f for f in build_facets(sample_build.archive)}
    region = facets["region"].values[0]
    html = (site / "facets" / "region" / region.slug / "index.html").read_text(encoding="utf-8")
    feed_url = f"https://jd.example.org/feeds/region/{region.slug}.xml"
    assert '<link rel="alternate" type="application/atom+xml"' in html and f'href="{feed_url}"' in html
    assert f'href="../../../feeds/region/{region.slug}.xml"' in html  # the visible link
    index = (site / "bulletins" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://jd.example.org/feeds/bulletins.xml"' in index
    assert 'href="../feeds/bulletins.xml"' in index


# Downloads ----------------------------------------------------------------------------------


def _csv_rows(path: Path) -> list[dict]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM, for Excel"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize(
    ("name", "key", "columns"), [("cases", "cases", CASE_COLUMNS), ("projects", "projects", PROJECT_COLUMNS)]
)
def test_csv_round_trips_with_the_same_rows_as_the_json(sample_build, name, key, columns):
    data = sample_build.site_dir / "data"
    rows = json.loads((data / f"{name}.json").read_text(encoding="utf-8"))[key]
    from_csv = _csv_rows(data / f"{name}.csv")
    assert len(rows) == len(from_csv) > 0
    assert list(from_csv[0]) == [c.key for c in columns] == list(rows[0])
    for json_row, csv_row in zip(rows, from_csv):
        assert csv_row == {k: csv_cell(v) for k, v in json_row.items()}
    expected = 385 if name == "cases" else len(sample_build.archive.projects)
    assert len(rows) == expected


def test_every_download_field_is_documented_on_the_data_page(sample_build):
    site = sample_build.site_dir
    text = "".join(page_text(site / "data" / "index.html").parts)
    for column in CASE_COLUMNS + PROJECT_COLUMNS + BULLETIN_COLUMNS:
        assert column.key in text and column.meaning in text, column.key
    bulletins = json.loads((site / "data" / "bulletins.json").read_text(encoding="utf-8"))["bulletins"]
    assert list(bulletins[0]) == [c.key for c in BULLETIN_COLUMNS]
    assert "CC BY 4.0" in text
    for name in ("cases.csv", "cases.json", "bulletins.json", "projects.csv", "projects.json", "projects-oc4ids.json"):
        assert f"{name}" in text
        assert str((site / "data" / name).stat().st_size) in text  # the size shown is the file's


def test_archive_files_are_byte_stable(sample_build):
    archive = sample_build.archive
    site = SiteInfo(archive.newest, archive.is_sample, "https://JD.EXAMPLE.ORG/Q/", "https://jd.example.org/")
    first: dict[str, str | bytes] = {}
    second: dict[str, str | bytes] = {}
    render_archive(archive, site, first.__setitem__)
    render_archive(archive, site, second.__setitem__)
    assert first == second
    built = sample_build.site_dir
    for rel_path in (
        "data/cases.csv",
        "data/projects-oc4ids.json",
        "feeds/bulletins.xml",
        "assets/charts/cases-by-month.svg",
    ):
        data = first[rel_path]
        assert (built / rel_path).read_bytes() == (data.encode("utf-8") if isinstance(data, str) else data)


# OC4IDS -------------------------------------------------------------------------------------


def _validator() -> jsonschema.Draft4Validator:
    package = json.loads((OC4IDS / "project-package-schema.json").read_text(encoding="utf-8"))
    project = json.loads((OC4IDS / "project-schema.json").read_text(encoding="utf-8"))
    url = package["properties"]["projects"]["items"]["$ref"]
    registry = referencing.Registry().with_resource(
        url, referencing.Resource.from_contents(project, default_specification=referencing.jsonschema.DRAFT4)
    )
    return jsonschema.Draft4Validator(
        package, registry=registry, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )


def _codes(codelist: str) -> set[str]:
    with open(OC4IDS / "codelists" / codelist, encoding="utf-8", newline="") as handle:
        return {row["Code"] for row in csv.DictReader(handle)}


# Open codelists the portal promises to use only standard codes of (an open codelist may be extended).
CHECKED_OPEN_CODELISTS = {"partyRole.csv", "metricID.csv", "projectSector.csv", "documentType.csv"}


def codelist_problems(package: dict) -> list[str]:
    """Every value of a closed codelist field, or of a checked open one, that its codelist CSV does not list."""
    project_schema = json.loads((OC4IDS / "project-schema.json").read_text(encoding="utf-8"))
    problems: list[str] = []

    def walk(schema: dict, value: object, where: str) -> None:
        if "$ref" in schema:
            schema = project_schema["definitions"][schema["$ref"].rsplit("/", 1)[1]]
        if "codelist" in schema and (
            schema.get("openCodelist") is False or schema["codelist"] in CHECKED_OPEN_CODELISTS
        ):
            values = value if isinstance(value, list) else [value]
            allowed = _codes(schema["codelist"])
            problems.extend(f"{where}: {v!r} not in {schema['codelist']}" for v in values if v not in allowed)
            return
        if isinstance(value, dict):
            for key, item in value.items():
                if key in schema.get("properties", {}):
                    walk(schema["properties"][key], item, f"{where}.{key}")
        elif isinstance(value, list) and "items" in schema:
            for index, item in enumerate(value):
                walk(schema["items"], item, f"{where}[{index}]")

    for index, project in enumerate(package["projects"]):
        walk(project_schema, project, f"projects[{index}]")
    return problems


@pytest.fixture(scope="module")
def package(sample_build) -> dict:
    return json.loads((sample_build.site_dir / "data" / "projects-oc4ids.json").read_text(encoding="utf-8"))


def test_oc4ids_package_validates_against_the_oc4ids_schema_and_codelists(package, sample_build):
    errors = sorted(_validator().iter_errors(package), key=lambda e: list(e.absolute_path))
    assert [f"{list(e.absolute_path)}: {e.message}" for e in errors][:5] == []
    assert codelist_problems(package) == []
    assert len(package["projects"]) == len(sample_build.archive.projects)
    by_id = {p["id"]: p for p in package["projects"]}
    record = next(r for r in sample_build.archive.projects if r.project.progress is not None and r.history)
    entry = by_id[record.project_id]
    assert entry["budget"]["amount"]["currency"] == "CNY"
    assert Decimal(str(entry["budget"]["amount"]["amount"])) == record.project.total_investment * 10000
    metric_ids = {m["id"] for m in entry["metrics"]}
    assert "physicalProgress" in metric_ids
    statuses = {p["status"] for p in package["projects"]}
    assert statuses <= {"preparation", "implementation", "completion"}


@pytest.mark.parametrize(
    "break_it",
    [
        lambda p: p["projects"][0].__setitem__("status", "suspended"),  # closed codelist (enum)
        lambda p: p["projects"][0]["budget"]["amount"].__setitem__("amount", "12 000"),  # not a number
        lambda p: p["projects"][0]["budget"]["amount"].__setitem__("currency", "RMB"),  # closed codelist
        lambda p: p.__delitem__("publisher"),
    ],
)
def test_schema_errors_fail_validation(package, break_it):
    broken = copy.deepcopy(package)
    break_it(broken)
    assert list(_validator().iter_errors(broken)) or codelist_problems(broken)


def test_values_outside_open_codelists_are_caught_too(package):
    broken = copy.deepcopy(package)
    broken["projects"][0]["parties"][0]["roles"] = ["contractor"]  # not a partyRole code
    broken["projects"][1]["metrics"] = [{"id": "progress", "observations": [{"id": "1", "measure": 5}]}]
    problems = codelist_problems(broken)
    assert any("contractor" in p and "partyRole.csv" in p for p in problems)
    assert any("'progress'" in p and "metricID.csv" in p for p in problems)
