"""The bulletins of a release: their fields, and the ids of bulletins and cases, which are never reused.

A case id, once published, belongs to its bulletin for ever: a later release may correct the
bulletin (same id, new text), but another bulletin that uses the id, in the same or a later
release and in whatever case, is refused, so one id never stands for two cases.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.contract import fields
from generator.validate.lookalikes import facet_key, is_lookalike
from generator.model.records import Bulletin, Case
from generator.errors import Problem, quote
from generator.read import Located
from generator.read import RawRelease
from generator.read import RawYaml
from generator.validate.yaml_fields import LOOKALIKE, YamlFields


@dataclass(frozen=True)
class _ParsedBulletin:
    """A valid bulletin and where its ids stand, for the refusals that compare it with others."""

    bulletin: Bulletin
    id_node: Located  # its bulletin_id
    case_id_nodes: tuple[Located, ...]  # each case's case_id, in the order of `bulletin.cases`


@dataclass(frozen=True)
class PublishedCase:
    """Where a case id was first published: its bulletin, release and file."""

    case_id: str
    bulletin_id: str
    release_id: str
    rel_path: str


def validate_bulletins(
    raw: RawRelease, problems: list[Problem], case_owners: dict[str, PublishedCase]
) -> list[Bulletin]:
    """The release's valid bulletins; `case_owners` (case key → first publication) grows with them."""
    bulletins = []
    seen_bulletins: dict[str, str] = {}
    seen_cases: dict[str, str] = {}
    for document in raw.bulletins:
        parsed = _bulletin(document, problems)
        if parsed is None:
            continue
        bulletin = parsed.bulletin
        reader = YamlFields(document, problems)
        other = seen_bulletins.setdefault(bulletin.key, document.rel_path)
        if other != document.rel_path:
            reader.problem(parsed.id_node, "bulletin_id", f"通报编号{quote(bulletin.bulletin_id)}与 {other} 重复")
            continue
        refused = False
        for index, (case, node) in enumerate(zip(bulletin.cases, parsed.case_id_nodes, strict=True)):
            where = f"{document.rel_path} cases[{index}]"
            path = f"cases[{index}].case_id"
            owner = case_owners.get(case.case_id.casefold())
            if owner is not None and owner.bulletin_id.casefold() != bulletin.key:
                reader.problem(
                    node,
                    "case_id",
                    f"案例编号{quote(case.case_id)}已于 {owner.release_id} 在通报{quote(owner.bulletin_id)}"
                    f"（{owner.rel_path}）中发布，不能再用于通报{quote(bulletin.bulletin_id)}：案例编号一经发布，"
                    "永远属于原通报（编号不区分大小写）。请为这个案例另编新的编号",
                    path=path,
                )
                refused = True
                continue
            first = seen_cases.setdefault(case.case_id.casefold(), where)
            if first != where:
                reader.problem(node, "case_id", f"案例编号{quote(case.case_id)}与 {first} 重复", path=path)
                refused = True
        if refused:
            continue
        for case in bulletin.cases:
            case_owners.setdefault(
                case.case_id.casefold(), PublishedCase(case.case_id, bulletin.bulletin_id, raw.name, document.rel_path)
            )
        bulletins.append(bulletin)
    return bulletins


_BULLETIN_KEYS = {"bulletin_id", "title", "issuer", "region", "published", "source_url", "summary", "cases"}
_CASE_KEYS = {"case_id", "title", "person", "position", "region", "category", "disposition", "text"}
MAX_MARKDOWN_CHARS = 50_000


def _bulletin(document: RawYaml, problems: list[Problem]) -> _ParsedBulletin | None:
    reader = YamlFields(document, problems)
    mapping = reader.mapping(document.root, "")
    if mapping is None:
        return None
    errors_before = reader.errors
    reader.warn_unknown(mapping, _BULLETIN_KEYS, "")
    bulletin_id = reader.field(mapping, "", "bulletin_id", fields.parse_id, required=True)
    title = reader.text(mapping, "", "title", required=True)
    issuer = reader.text(mapping, "", "issuer", required=True)
    region = reader.text(mapping, "", "region", required=True)
    published = reader.field(mapping, "", "published", fields.parse_date, required=True)
    source_url = reader.field(mapping, "", "source_url", fields.parse_url)
    summary = reader.text(mapping, "", "summary", max_chars=MAX_MARKDOWN_CHARS)
    cases_node = mapping.get("cases")
    cases: list[tuple[Case, Located]] = []
    if cases_node is None or cases_node.value is None:
        reader.problem(cases_node or document.root, "cases", "必填：至少一个案例", path="cases")
    elif not isinstance(cases_node.value, list) or not cases_node.value:
        reader.problem(cases_node, "cases", "应为至少包含一个案例的列表", path="cases")
    else:
        for index, item in enumerate(cases_node.value):
            case = _case(reader, item, f"cases[{index}]")
            if case is not None:
                cases.append(case)
    # A required field that is None was reported, so the errors have grown: the checks of None only say so.
    if reader.errors > errors_before:
        return None
    if bulletin_id is None or title is None or issuer is None or region is None or published is None:
        return None
    bulletin = Bulletin(
        bulletin_id=bulletin_id,
        title=title,
        issuer=issuer,
        region=region,
        published=published,
        source_url=source_url or "",
        summary=summary or "",
        cases=tuple(case for case, _ in cases),
    )
    return _ParsedBulletin(bulletin, mapping["bulletin_id"], tuple(node for _, node in cases))


def _case(reader: YamlFields, item: Located, path: str) -> tuple[Case, Located] | None:
    """The case and the node of its case_id."""
    mapping = reader.mapping(item, path)
    if mapping is None:
        return None
    reader.warn_unknown(mapping, _CASE_KEYS, path)
    case_id = reader.field(mapping, path, "case_id", fields.parse_id, required=True)
    title = reader.text(mapping, path, "title", required=True)
    person = reader.text(mapping, path, "person")
    position = reader.text(mapping, path, "position")
    region = reader.text(mapping, path, "region", required=True)
    category = reader.text(mapping, path, "category", required=True)
    disposition = reader.text(mapping, path, "disposition")
    text = reader.text(mapping, path, "text", required=True, max_chars=MAX_MARKDOWN_CHARS)
    if case_id is None or title is None or region is None or category is None or text is None:
        return None
    # The case archive is browsed by these.
    for key, value in (("region", region), ("category", category), ("disposition", disposition)):
        if value and is_lookalike(value):
            reader.warn(
                mapping[key], key, LOOKALIKE.format(found=quote(value), key=quote(facet_key(value))), f"{path}.{key}"
            )
    case = Case(
        case_id=case_id,
        title=title,
        person=person or "",
        position=position or "",
        region=region,
        category=category,
        disposition=disposition or "",
        text=text,
    )
    return case, mapping["case_id"]
