"""The nginx map files a build writes beside the site: code aliases and the Content-Security-Policy.

The shipped server block (site_templates/nginx.conf.j2) includes them from the
published site, so they change with it, and a rollback puts back its own; the
monthly routine reloads nginx after `portal build` so that it reads them. A
plain static host ignores them (and keeps the alias pages under q/).
"""

from __future__ import annotations

import functools
import re

import jinja2

from generator import resources, urls
from generator.model.records import Archive

# What may stand between an nginx string's double quotes: no quote, backslash, `$` (a variable) or line break.
_NGINX_STRING = re.compile(r"[^\"\\$\r\n{}]*")


def _plain(value: object) -> object:
    if isinstance(value, str) and not _NGINX_STRING.fullmatch(value):
        raise ValueError(f"不能写入 nginx 映射文件的文字：{value!r}（不能含引号、反斜杠、$、花括号或换行）")
    return value


@functools.cache
def nginx_map_environment() -> jinja2.Environment:
    """jinja for nginx map files: every value checked to stay one quoted nginx string."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(resources.TEMPLATES_DIR / "nginx_maps"),
        autoescape=False,
        finalize=_plain,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_nginx_maps(archive: Archive, content_security_policy: str) -> dict[str, str]:
    """The map files by path relative to content/."""
    env = nginx_map_environment()
    code_ids = [c.code_id for c in archive.codes] + [c.code_id for c in archive.window_codes]
    aliases = sorted(
        (f"/{urls.CODE_ALIASES}/{urls.id_path(code_id).lower()}", f"/{urls.CODES}/{urls.id_path(code_id)}/")
        for code_id in code_ids
    )
    return {
        urls.NGINX_CODE_ALIASES: env.get_template("code-aliases.map.j2").render(aliases=aliases),
        urls.NGINX_POLICY: env.get_template("content-security-policy.map.j2").render(policy=content_security_policy),
    }
