"""The projects as an OC4IDS 0.9 project package (Open Contracting for Infrastructure Data Standard 0.9.5).

Money is in CNY (the export's 万元 × 10 000); progress is kept as the
standard's `physicalProgress` and `financialProgress` metrics, one observation
per dated point of the project's history; the four statuses of the export map
onto the closed `projectStatus` codelist (停工 has no code of its own: a
suspended project is still in implementation; the export's status is kept as a classification).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from generator.render import exact_json
from generator.render.downloads import LICENCE_URL, json_number
from generator.render.facets import hashed_slug
from generator.model.records import Archive, Project, ProjectRecord
from generator.render.site_info import SiteInfo

OC4IDS_VERSION = "0.9"
STATUS_CODES = {"前期": "preparation", "在建": "implementation", "停工": "implementation", "竣工": "completion"}
# (export field, partyRole codes): who the export's units are in the standard's terms.
PARTY_ROLES = (
    ("department", ("publicAuthority",)),  # the department answerable for the project as a whole
    ("owner", ("buyer",)),  # 建设单位: whose budget pays for the works
    ("contractor", ("supplier",)),
    ("supervisor", ("administrativeEntity",)),  # 监理单位: administers the works contract
)
ID_SCHEME = "码上监督项目编号"
CATEGORY_SCHEME = "码上监督项目类别"
STATUS_SCHEME = "码上监督项目状态"  # the export's own status, so 停工 stays visible
TIME_ZONE = "+08:00"  # the export's dates are days in China Standard Time


def _date_time(value: date) -> str:
    return f"{value.isoformat()}T00:00:00{TIME_ZONE}"


def _cny(amount_wan: Decimal) -> dict:
    return {"amount": json_number(amount_wan * 10000), "currency": "CNY"}


def _parties(p: Project) -> list[dict]:
    """One party per distinct unit name, with every role it plays; the id is a hash of the name."""
    roles_by_name: dict[str, list[str]] = {}
    for field_name, roles in PARTY_ROLES:
        name = getattr(p, field_name)
        if name:
            for role in roles:
                if role not in roles_by_name.setdefault(name, []):
                    roles_by_name[name].append(role)
    return [{"id": f"org-{hashed_slug(name)}", "name": name, "roles": roles} for name, roles in roles_by_name.items()]


def _metrics(record: ProjectRecord) -> list[dict]:
    physical = [
        {
            "id": point.date.isoformat(),
            "period": {"startDate": _date_time(point.date), "endDate": _date_time(point.date)},
            "measure": json_number(point.progress),
            "unit": {"name": "percent"},
            **({"notes": point.note} if point.note else {}),
        }
        for point in record.history
        if point.progress is not None
    ]
    financial = [
        {
            "id": point.date.isoformat(),
            "period": {"startDate": _date_time(point.date), "endDate": _date_time(point.date)},
            "value": _cny(point.completed_investment),
        }
        for point in record.history
        if point.completed_investment is not None
    ]
    metrics = []
    if physical:
        metrics.append({"id": "physicalProgress", "title": "形象进度", "observations": physical})
    if financial:
        metrics.append({"id": "financialProgress", "title": "累计完成投资", "observations": financial})
    return metrics


def project_entry(record: ProjectRecord, site: SiteInfo) -> dict:
    p = record.project
    entry: dict = {
        "id": p.project_id,
        "updated": _date_time(p.updated),
        "language": "zh",
        "identifiers": [{"id": p.project_id, "scheme": ID_SCHEME}],
        "title": p.name,
        "status": STATUS_CODES[p.status],
        "budget": {"amount": _cny(p.total_investment)},
        "additionalClassifications": [
            {"scheme": CATEGORY_SCHEME, "id": p.category, "description": p.category},
            {"scheme": STATUS_SCHEME, "id": p.status, "description": p.status},
        ],
        "parties": _parties(p),
        "publicAuthority": {"id": f"org-{hashed_slug(p.department)}", "name": p.department},
        "documents": [
            {
                "id": "project-page",
                "title": "项目页面",
                "url": f"{site.site_url}p/{p.project_id}/",
                "format": "text/html",
            }
        ],
    }
    if p.scope:
        entry["description"] = p.scope
    period = {}
    if p.start_date:
        period["startDate"] = _date_time(p.start_date)
    if p.planned_completion:
        period["endDate"] = _date_time(p.planned_completion)
    if period:
        entry["period"] = period
    location: dict = {"id": "1", "address": {"region": p.region, "countryName": "中国"}}
    if p.location:
        location["address"]["streetAddress"] = p.location
    if p.longitude is not None and p.latitude is not None:
        location["geometry"] = {"type": "Point", "coordinates": [json_number(p.longitude), json_number(p.latitude)]}
    entry["locations"] = [location]
    metrics = _metrics(record)
    if metrics:
        entry["metrics"] = metrics
    return entry


def build_package(archive: Archive, site: SiteInfo) -> bytes:
    """The package of every project the portal shows (dropped ones too, with their last data)."""
    newest = archive.newest
    package = {
        "uri": f"{site.site_url}data/projects-oc4ids.json",
        "publishedDate": _date_time(newest.published),
        "publisher": {"name": newest.issuer},
        "license": LICENCE_URL,
        "publicationPolicy": f"{site.site_url}data/",
        "version": OC4IDS_VERSION,
    }
    # Each project's entry made as it is written: the whole package was 270 MB at 10× the sample.
    return exact_json.dumps_document(package, "projects", (project_entry(record, site) for record in archive.projects))
