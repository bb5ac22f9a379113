"""A site folder's settings: its mkdocs.yml over the tool's engine configuration, loaded once.

A site folder is what a commission owns: its `mkdocs.yml`, its `data/` and what the
build generates and keeps there (`content/`, `qr/`, the caches, the locks). Every
path here is absolute, made so once, when the settings are loaded: nothing later
depends on the current directory.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

from generator import resources
from generator.contract import fields
from generator.errors import SettingsInvalid

CONFIG_NAME = "mkdocs.yml"
OVERRIDES_NAME = "overrides"  # a site folder's own theme templates, ahead of the tool's
DEFAULT_BOARD_MM = (1200.0, 900.0)  # the 工程公示牌 of the print kit, width × height
BOARD_RANGE_MM = (300.0, 6000.0)


@dataclass(frozen=True)
class Withdrawal:
    """A page taken off the public site: its URL keeps answering with this notice."""

    path: str  # the page's path in the site, e.g. `cases/NMG-2021-11-15-03/`
    withdrawn_on: date
    reason: str


@dataclass(frozen=True)
class Settings:
    work_dir: Path  # the site folder: content/, qr/, .cache/ and the locks live here
    config_file: Path | None  # its mkdocs.yml; None: the tool's defaults
    data_root: Path
    site_dir: Path
    site_url: str  # ends in /
    site_name: str
    issuer: str
    hotline: str
    complaint_url: str
    content_security_policy: str  # the folder's policy with the citizen stylesheet's hash (with_style_hash)
    sample_data: bool
    withdrawn: tuple[Withdrawal, ...]
    board_mm: tuple[float, float]  # the print kit's 工程公示牌, width × height (extra.board)
    overrides_dir: Path | None  # the folder's own theme overrides, if it has them
    mkdocs: dict[str, Any]  # the whole mkdocs configuration this folder builds with

    @property
    def content_dir(self) -> Path:
        return self.work_dir / "content"

    @property
    def qr_dir(self) -> Path:
        return self.work_dir / "qr"

    @property
    def register_path(self) -> Path:
        return self.qr_dir / "register.csv"

    @property
    def cache_dir(self) -> Path:
        return self.work_dir / ".cache"

    @property
    def page_cache(self) -> Path:  # the last build's pages with the key of their inputs (pagecache.py)
        return self.cache_dir / "pages.cache"

    @property
    def code_cache(self) -> Path:  # drawn QR images by content key (codestore.py)
        return self.cache_dir / "qr"


def load_settings(
    work_dir: Path,
    data_root: Path | None = None,
    site_dir: Path | None = None,
    base_url: str | None = None,
) -> Settings:
    """The settings of the site folder `work_dir`; the arguments, when given, win over its file.

    Relative paths in the arguments are taken from the current directory (they come
    from a command line); relative paths in the file from the folder itself.
    """
    work_dir = absolute(work_dir)
    path = work_dir / CONFIG_NAME
    config_file: Path | None = None
    # A folder's file need only say what differs from the defaults.
    merged = _merge(_read_yaml(resources.BASE_CONFIG), _read_yaml(resources.NEW_SITE_CONFIG))
    if path.is_symlink() or path.exists():
        # A settings file that is there but cannot be read must never mean "the defaults":
        # they would bring back a withdrawn page or another site_url.
        if not path.is_file():
            raise SettingsInvalid(f"{path} 不是普通文件（失效的符号链接、文件夹或设备）：请修正或删除它")
        merged = _merge(merged, _read_yaml(path))
        config_file = path
    extra = merged.get("extra") or {}
    where = config_file.name if config_file else "默认设置"
    site_url = base_url or _text(merged, "site_url", where)
    if not re.fullmatch(r"https?://[^\s/]+(/[^\s]*)?", site_url):
        raise SettingsInvalid(f"{where}: site_url 应为 http(s) 网址，实际为 {site_url!r}")
    site_url = site_url if site_url.endswith("/") else site_url + "/"
    sample = extra.get("sample_data", False)
    if not isinstance(sample, bool):
        raise SettingsInvalid(f"{where}: extra.sample_data 应为 true 或 false，实际为 {sample!r}")
    overrides = work_dir / OVERRIDES_NAME
    return Settings(
        work_dir=work_dir,
        config_file=config_file,
        data_root=absolute(data_root) if data_root else work_dir / _text(extra, "data_root", where, "extra."),
        site_dir=absolute(site_dir) if site_dir else work_dir / _text(merged, "site_dir", where),
        site_url=site_url,
        site_name=_text(merged, "site_name", where),
        issuer=_text(extra, "issuer", where, "extra.", required=False),
        hotline=_hotline(extra, where),
        complaint_url=_text(extra, "complaint_url", where, "extra.", required=False),
        content_security_policy=with_style_hash(
            " ".join(_text(extra, "content_security_policy", where, "extra.").split()), citizen_stylesheet_hash()
        ),
        sample_data=sample,
        withdrawn=_withdrawals(extra.get("withdrawn") or [], where),
        board_mm=_board(extra.get("board"), where),
        overrides_dir=overrides if overrides.is_dir() else None,
        mkdocs=merged,
    )


def _hotline(extra: dict[str, Any], where: str) -> str:
    """The commission's supervision number: a `tel:` link on every page behind a sign, so a real number."""
    text = _text(extra, "hotline", where, "extra.", required=False)
    if not text:
        return ""
    try:
        return fields.parse_phone(text)
    except fields.FieldError as exc:
        raise SettingsInvalid(f"{where}: extra.hotline 应为{exc.expected}，实际为 {text!r}") from None


def _board(value: object, where: str) -> tuple[float, float]:
    """extra.board: `{width_mm: 1200, height_mm: 900}`; absent, the default board."""
    if value is None:
        return DEFAULT_BOARD_MM
    if not isinstance(value, dict):
        raise SettingsInvalid(f"{where}: extra.board 应为 {{width_mm: 1200, height_mm: 900}}，实际为 {value!r}")
    low, high = BOARD_RANGE_MM
    sizes = []
    for key, default in zip(("width_mm", "height_mm"), DEFAULT_BOARD_MM, strict=True):
        size = value.get(key, default)
        if isinstance(size, bool) or not isinstance(size, (int, float)) or not low <= size <= high:
            raise SettingsInvalid(f"{where}: extra.board.{key} 应为 {low:g}–{high:g} 之间的毫米数，实际为 {size!r}")
        sizes.append(float(size))
    return sizes[0], sizes[1]


def citizen_stylesheet() -> str:
    """The text the citizen pages hold inline in their <style> element, exactly."""
    return resources.CITIZEN_STYLESHEET.read_text(encoding="utf-8")


def citizen_icon_uri() -> str:
    """The citizen pages' icon as the data: URI of their `<link rel="icon">`."""
    svg = resources.CITIZEN_ICON.read_text(encoding="utf-8").strip()
    return "data:image/svg+xml," + quote(svg, safe="/:=")


def citizen_stylesheet_hash() -> str:
    """The CSP source that allows the citizen stylesheet inline: `'sha256-<base64>'`."""
    digest = hashlib.sha256(citizen_stylesheet().encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def with_style_hash(policy: str, source: str) -> str:
    """The policy with `source` allowed for <style> elements: that one inline stylesheet, never 'unsafe-inline'.

    One policy for every page, in every meta tag and the nginx header: a page without the
    stylesheet gains nothing from the hash. The hash goes where browsers look for a <style>
    element: style-src-elem if the policy has one, and style-src. Without a style-src, styles
    follow default-src, so style-src starts from its sources; a policy with neither restricts
    no style, and is left as it is.
    """
    directives = [d.strip() for d in policy.split(";") if d.strip()]
    names = [d.split()[0].lower() for d in directives]
    if "style-src" not in names and "style-src-elem" not in names and "default-src" not in names:
        return "; ".join(directives)
    for name in ("style-src-elem", "style-src"):
        if name in names:
            index = names.index(name)
            if source not in directives[index].split():
                directives[index] += f" {source}"
    if "style-src" not in names and "style-src-elem" not in names:
        default = directives[names.index("default-src")].split()[1:]
        directives.append(" ".join(["style-src", *[s for s in default if s != "'none'"], source]))
    return "; ".join(directives)


def absolute(path: Path) -> Path:
    """The path with every link and `..` resolved: what a check refuses is what is written.

    `a/missing/../b` or a link to the data root would otherwise pass a check on one spelling
    and be written through another.
    """
    return Path(os.path.realpath(Path(path).expanduser()))


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsInvalid(f"无法读取设置文件 {path}：{exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"第{mark.line + 1}行：" if mark else ""
        raise SettingsInvalid(f"设置文件 {path} {line}不是有效的 YAML（{exc}）") from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise SettingsInvalid(f"设置文件 {path} 应为键值映射")
    return loaded


def _merge(base: dict[str, Any], folder: dict[str, Any]) -> dict[str, Any]:
    """The folder's keys over the engine's; `extra` and `theme` key by key."""
    merged = {**base, **folder}
    for key in ("extra", "theme"):
        if isinstance(base.get(key), dict) and isinstance(folder.get(key), dict):
            merged[key] = {**base[key], **folder[key]}
    return merged


def _text(mapping: dict, key: str, where: str, prefix: str = "", required: bool = True) -> str:
    value = mapping.get(key)
    if value is None or value == "":
        if required:
            raise SettingsInvalid(f"{where}: 缺少 {prefix}{key}")
        return ""
    if not isinstance(value, str):
        raise SettingsInvalid(f"{where}: {prefix}{key} 应为文字，实际为 {value!r}")
    return value


def _withdrawals(entries: object, where: str) -> tuple[Withdrawal, ...]:
    if not isinstance(entries, list):
        raise SettingsInvalid(f"{where}: extra.withdrawn 应为列表")
    found = []
    for number, entry in enumerate(entries):
        at = f"{where}: extra.withdrawn[{number}]"
        if not isinstance(entry, dict) or set(entry) - {"path", "date", "reason"}:
            raise SettingsInvalid(f"{at} 应为含 path、date、reason 的映射")
        path = str(entry.get("path") or "").strip("/")
        if not re.fullmatch(r"[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*", path) or ".." in path.split("/"):
            raise SettingsInvalid(
                f"{at}.path 应为站内页面路径，如 cases/NMG-2021-11-15-03/，实际为 {entry.get('path')!r}"
            )
        when = entry.get("date")
        if isinstance(when, str):
            try:
                when = date.fromisoformat(when)
            except ValueError:
                pass
        if not isinstance(when, date):
            raise SettingsInvalid(f"{at}.date 应为日期 YYYY-MM-DD，实际为 {entry.get('date')!r}")
        reason = entry.get("reason") or ""
        if not isinstance(reason, str):
            raise SettingsInvalid(f"{at}.reason 应为文字")
        found.append(Withdrawal(path + "/", when, reason.strip()))
    return tuple(sorted(found, key=lambda w: w.path))
