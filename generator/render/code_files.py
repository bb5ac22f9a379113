"""The static files around the code URLs: lowercase alias pages and the code list the lookup page reads.

A sign's URL is uppercase (`/Q/BT000101`, QR alphanumeric mode); someone who
types it from the sign may write `/q/bt000101/`. Plain static hosting cannot
rewrite paths, so each code gets a tiny page under `q/` that sends the reader
on with `<meta http-equiv="refresh">` and a visible link. These files are not
mkdocs pages: mkdocs copies them as they are, so an alias costs a few hundred
bytes and no theme.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from generator.model.records import Archive, CodeRecord, ProjectRecord, WindowCodeRecord, WindowRecord
from generator.render.environment import make_environment
from generator.render.site_info import SiteInfo
from generator.urls import alias_path

CODES_JSON = "assets/codes.json"


@dataclass(frozen=True)
class CodeAliasPage:
    """The small page under q/ that sends a code typed in lower case on to its page."""

    code: CodeRecord | WindowCodeRecord  # the code as first published
    project: ProjectRecord | None  # its project, named on the page; None for a window's code
    window: WindowRecord | None = None  # a window's code: its window, named on the page

    @property
    def name(self) -> str:
        """What the code's page is about: its project's name, or its window's hall and name."""
        if self.window is not None:
            return f"{self.window.window.hall} {self.window.window.name}"
        return self.project.project.name if self.project else ""


def render_code_files(archive: Archive, site: SiteInfo) -> dict[str, str]:
    """Alias pages and the code list, by path relative to content/."""
    env = make_environment()
    template = env.get_template("code_alias.html.j2")
    by_key = {r.project.key: r for r in archive.projects}
    files: dict[str, str] = {}
    for code in archive.codes:
        page = CodeAliasPage(code, by_key[code.project_id.casefold()])
        files[alias_path(code.code_id)] = template.render(page=page, site=site)
    windows = {r.window.key: r for r in archive.windows}
    for window_code in archive.window_codes:
        page = CodeAliasPage(window_code, None, windows[window_code.window_id.casefold()])
        files[alias_path(window_code.code_id)] = template.render(page=page, site=site)
    # Data for lookup.js, not presentation: the codes as printed, sorted, one per entry.
    codes = sorted([c.code_id for c in archive.codes] + [c.code_id for c in archive.window_codes])
    files[CODES_JSON] = json.dumps({"codes": codes}, ensure_ascii=True, separators=(",", ":")) + "\n"
    return files
