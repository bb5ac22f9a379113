"""Where the tool's own files are: templates, theme overrides, the base mkdocs configuration.

They ship inside the installed package (`generator/site_templates/`, mapped from the
checkout's top-level `site_templates/` by pyproject.toml); in a checkout they are
read where they stand. Nothing here is a setting of a site folder.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_INSTALLED = _PACKAGE_DIR / "site_templates"
TEMPLATES_DIR = _INSTALLED if _INSTALLED.is_dir() else _PACKAGE_DIR.parent / "site_templates"

PAGES_DIR = TEMPLATES_DIR / "pages"
OVERRIDES_DIR = TEMPLATES_DIR / "overrides"
# The engine's configuration: theme, navigation, Markdown extensions. A site folder's
# mkdocs.yml adds its own settings on top (settings.py).
BASE_CONFIG = TEMPLATES_DIR / "mkdocs.base.yml"
# What `portal new` writes, and the settings a folder without a mkdocs.yml gets.
NEW_SITE_CONFIG = TEMPLATES_DIR / "site_folder" / "mkdocs.yml"
# The stylesheet of the citizen pages (overrides/citizen.html), inline in each: the build passes its
# text to the template and its sha256 to the Content-Security-Policy (settings.py).
CITIZEN_STYLESHEET = TEMPLATES_DIR / "citizen" / "citizen.css"
# Their icon, inline as a data: URI: a citizen page asks for nothing else.
CITIZEN_ICON = TEMPLATES_DIR / "citizen" / "icon.svg"
