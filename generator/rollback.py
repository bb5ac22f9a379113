"""`portal rollback`: put back the site the last build replaced, with the register it published.

The build keeps the site it replaced beside the published one (site.previous_dir)
until the next build starts. Rolling back exchanges the two, so a second
rollback undoes the first, and writes the restored site's copy of the register
as the work folder's: the published site and the register never disagree.
"""

from __future__ import annotations

from . import manifest, outdir, site
from .locks import build_lock
from .problems import BuildFailed
from .register import write_register
from .settings import Settings


def rollback(settings: Settings) -> str:
    """Exchange the published site with the previous one; return the restored site's marker summary."""
    previous = site.previous_dir(settings.site_dir)
    with build_lock(settings):
        if outdir.read_site_marker(previous) is None:
            raise BuildFailed(
                f"没有可换回的网站：{previous} 不存在或不是本工具发布的网站（上一次构建开始时已删除旧网站）"
            )
        problems, _, _ = manifest.verify_site(previous)
        if problems:
            raise BuildFailed(f"上一次的网站 {previous} 未通过核对，不能换回：{problems[0]}")
        register_text = (previous / manifest.SITE_REGISTER).read_text(encoding="utf-8")
        site.exchange_with_previous(settings.site_dir)
        write_register(settings.register_path, register_text)
    return str(previous)
