"""The jinja environment of the Markdown pages and its filters, built once.

Every `{{ }}` that carries data is escaped for Markdown and HTML together by the
`finalize` hook (markup.py); the filters below turn values into text a reader
expects (amounts, dates, percentages) or into checked link parts.
"""

from __future__ import annotations

import functools
import math
from datetime import date
from decimal import Decimal
from urllib.parse import quote

import jinja2
import yaml
from markupsafe import Markup

from generator import resources
from generator.contract import fields
from generator.contract.schema import STATUSES
from generator.render.markup import finalize, render_restricted_markdown
from generator.render.paths import const_url, site_path
from generator.urls import id_path, page_file

TEMPLATES_DIR = resources.PAGES_DIR
STATUS_CLASSES = {"前期": "planned", "在建": "building", "停工": "suspended", "竣工": "completed"}
assert set(STATUS_CLASSES) == set(STATUSES)


@functools.cache
def make_environment() -> jinja2.Environment:
    """The one environment of the Markdown pages: templates do not change during a build."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=False,  # finalize escapes for Markdown and HTML together
        finalize=finalize,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # templates do not change during a build: no stat per page
    )
    # Relative links up `steps` folders, for Markdown link targets (never from data).
    env.globals["up"] = lambda steps: Markup("../" * steps)
    env.filters.update(
        amount=format_amount,
        percent=format_percent,
        zh_date=format_date,
        tel=tel_link,
        markdown=render_restricted_markdown,
        lines=text_lines,
        id_path=id_path,
        page_file=page_file,
        status_class=lambda status: Markup(STATUS_CLASSES[status]),
        number=lambda value: Markup(str(int(value))),
        plain_number=plain_number,
        query=query_value,
        site_path=site_path,
        const_url=const_url,
        yaml_text=yaml_text,
    )
    return env


def format_amount(value: Decimal | None) -> str:
    if value is None:
        return "—"
    text = f"{value:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value.normalize():f}%"


def format_date(value: date | None) -> str:
    return "—" if value is None else f"{value.year}年{value.month}月{value.day}日"


def tel_link(phone: str) -> Markup:
    """A `tel:` target; the phone passed the contract's check, so it holds only digits and `+`."""
    return Markup(fields.tel_uri(phone))


def plain_number(value: Decimal) -> Markup:
    """A decimal as digits, sign and point only (`8E+1` → `80`), for attributes and URLs."""
    return Markup(f"{Decimal(value).normalize():f}")


def query_value(value: str) -> Markup:
    """Text as one percent-encoded URL query value: only unreserved ASCII remains."""
    return Markup(quote(str(value), safe=""))


def yaml_text(value: str) -> Markup:
    """Text as one double-quoted YAML scalar, for front matter: PyYAML escapes what YAML would read otherwise."""
    dumped = yaml.safe_dump(str(value), default_style='"', allow_unicode=True, width=math.inf)
    return Markup(dumped.strip().removesuffix("...").strip())


def text_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]
