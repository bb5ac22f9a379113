"""`portal rollback`: put back the site the last build replaced, with the register it published.

The build keeps the site it replaced beside the published one (site.previous_dir)
until the next build starts. Rolling back exchanges the two, so a second
rollback undoes the first, and writes the restored site's copy of the register
as the work folder's: the published site and the register never disagree.
"""

from __future__ import annotations

from generator.publish import manifest
from generator.publish import outdir
from generator.publish import site
from generator.publish.locks import build_lock
from generator.errors import BuildFailed
from generator.model.register import parse_register
from generator.publish.register_file import PREVIOUS_REGISTER, write_register
from generator.settings import Settings


def rollback(settings: Settings) -> str:
    """Exchange the published site with the previous one, and their registers; return the restored site."""
    previous = site.previous_dir(settings.site_dir)
    kept = settings.cache_dir / PREVIOUS_REGISTER
    if not settings.register_path.is_file():  # checked before the lock, which would make the folder
        raise BuildFailed(f"{settings.work_dir} 不是构建过网站的工作目录（没有 {settings.register_path}）")
    with build_lock(settings, lock_data_root=False):
        marker = outdir.read_site_marker(previous)
        if marker is None:
            raise BuildFailed(
                f"没有可换回的网站：{previous} 不存在或不是本工具发布的网站（上一次构建开始时已删除旧网站）"
            )
        problems, _, _ = manifest.verify_site(previous)
        if problems:
            raise BuildFailed(f"上一次的网站 {previous} 未通过核对，不能换回：{problems[0]}")
        try:
            register_text = kept.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            register_text = None
        if register_text is None or marker.get("register_sha256") != outdir.sha256_text(register_text):
            raise BuildFailed(f"上一次的网站与保存的登记册 {kept} 不一致，不能换回")
        current = settings.register_path.read_text(encoding="utf-8")
        site.exchange_with_previous(settings.site_dir)
        write_register(settings.register_path, register_text)
        write_register(kept, current)  # a second rollback undoes the first
        _remove_unregistered_images(settings, register_text)
    return str(previous)


def _remove_unregistered_images(settings: Settings, register_text: str) -> None:
    """qr/ holds the print images of exactly the registered codes, as after the build being restored."""
    registered, _ = parse_register(register_text, str(settings.register_path))
    for path in settings.qr_dir.iterdir():
        if path.suffix in (".svg", ".png") and path.stem.casefold() not in registered:
            path.unlink()
