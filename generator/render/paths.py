"""Paths and URLs the portal made itself (slugs, feeds, charts, licence links), checked before they go unescaped into a link."""

from __future__ import annotations

import re

from markupsafe import Markup

_SITE_PATH = re.compile(r"[a-z0-9][a-z0-9_.-]*(?:/[a-z0-9][a-z0-9_.-]*)*")
_CONST_URL = re.compile(r"https://[A-Za-z0-9.-]+/[A-Za-z0-9./_-]*")


def site_path(value: str) -> Markup:
    """A path we made (slug, feed, chart), checked again before it passes unescaped into a link."""
    if not _SITE_PATH.fullmatch(value) or ".." in value:
        raise ValueError(f"not a site path: {value!r}")
    return Markup(value)


def const_url(value: str) -> Markup:
    """A URL constant of the portal (never data), checked to hold only plain URL characters."""
    if not _CONST_URL.fullmatch(value):
        raise ValueError(f"not a plain https URL: {value!r}")
    return Markup(value)
