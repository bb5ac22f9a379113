"""What every page may show about the site as a whole."""

from __future__ import annotations

from dataclasses import dataclass

from generator.model.records import Release


@dataclass(frozen=True)
class SiteInfo:
    """What every page may show about the site as a whole."""

    newest: Release
    is_sample: bool
    code_base_url: str  # the permanent code URLs start with this, e.g. HTTPS://HOST/Q/
    site_url: str  # the site's own base URL, ending in /
    content_security_policy: str = ""  # for pages written outside mkdocs (mkdocs.yml `extra`)
    hotline: str = ""  # the commission's supervision number (extra.hotline), offered where a project has none
