"""Which output folders a command may write into, and the marker that says a folder is ours.

Publishing replaces the whole output folder, and the print kit removes its stale
files: let loose on the wrong folder, either deletes someone's files. So an
output folder must be absent, empty, or something this tool wrote, known by a
marker whose content only this tool's own output matches (the SHA-256 of the
site's `SHA256SUMS`), never by a file name anyone could have. Folders the build
itself reads or keeps (the data root, the work folder and its generated parts)
and folders too large to be an output (`/`, the home folder, the current folder
and its parent) are refused outright.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from generator.publish.manifest import MANIFEST_NAME, SITE_MARKER, verify_site
from generator.errors import UsageRefused

KIT_MARKER = ".portal-signs.json"
TOOL = "mashang-jiandu"
# The work folder's generated parts: an output inside one would be emptied or deleted by the build.
GENERATED = ("content", "qr", ".cache")


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))


def _is_within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def refuse_unsafe(out: Path, work_dir: Path, data_root: Path, option: str = "--out") -> None:
    """Refuse an output folder that is, holds or lies inside something the build needs."""
    real = _real(out)
    work, data = _real(work_dir), _real(data_root)
    here = _real(Path.cwd())
    too_wide = {Path("/"), _real(Path.home()), here, here.parent}
    if real in too_wide:
        raise UsageRefused(f"{option} {out} 是根目录、主目录、当前目录或其上级目录，不能作为输出目录")
    if _is_within(work, real):
        raise UsageRefused(f"{option} {out} 包含工作目录 {work_dir}：发布时会把它整个替换掉")
    if _is_within(data, real) or _is_within(real, data):
        raise UsageRefused(f"{option} {out} 与数据目录 {data_root} 重叠：发布时会把导出数据移走")
    for name in GENERATED:
        if _is_within(real, work / name):
            raise UsageRefused(f"{option} {out} 在工作目录的 {name}/ 里：构建会清空或删除它")
    for part in real.parts:
        if part.startswith(".") and part.endswith((".building", ".previous")):
            raise UsageRefused(f"{option} {out} 在构建的暂存区里")
    if real.exists() and not real.is_dir():
        raise UsageRefused(f"{option} {out} 是一个文件，不是目录")


def refuse_inside_site(out: Path, site_dir: Path, option: str = "--out") -> None:
    """A kit is no part of a site: inside one it would be published, and removed by the next build."""
    real, site = _real(out), _real(site_dir)
    for folder in (real, *real.parents):
        if folder == site or (folder / MANIFEST_NAME).exists() or (folder / SITE_MARKER).exists():
            raise UsageRefused(f"{option} {out} 在网站目录 {folder} 里：标牌文件包不能放在网站中")


def site_marker(manifest_text: str, register_text: str) -> str:
    """The marker a published site carries: the hash of what it lists, and of the register it holds."""
    return json.dumps(
        {
            "tool": TOOL,
            "manifest_sha256": sha256_text(manifest_text),
            "register_sha256": sha256_text(register_text),
        },
        ensure_ascii=False,
        sort_keys=True,
        indent=1,
    )


def read_site_marker(site_dir: Path) -> dict | None:
    """The site's marker when it is one this tool wrote for exactly the site's SHA256SUMS, else None."""
    try:
        marker = json.loads((site_dir / SITE_MARKER).read_text(encoding="utf-8"))
        manifest = (site_dir / MANIFEST_NAME).read_bytes()
    except (OSError, ValueError):
        return None
    if not isinstance(marker, dict) or marker.get("tool") != TOOL:
        return None
    return marker if marker.get("manifest_sha256") == _sha256(manifest) else None


def kit_marker(files: list[str]) -> str:
    return json.dumps({"tool": TOOL, "files": sorted(files)}, ensure_ascii=False, indent=1)


def read_kit_files(kit_dir: Path) -> set[str] | None:
    """The files the last kit written into kit_dir holds, from its marker; None when it is not a kit."""
    try:
        marker = json.loads((kit_dir / KIT_MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(marker, dict) or marker.get("tool") != TOOL or not isinstance(marker.get("files"), list):
        return None
    return {name for name in marker["files"] if isinstance(name, str)}


def is_empty_dir(path: Path) -> bool:
    return not path.exists() or (path.is_dir() and not any(path.iterdir()))


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_text(text: str) -> str:
    return _sha256(text.encode("utf-8"))


def check_site_out(site_dir: Path, work_dir: Path, data_root: Path) -> None:
    """The output folder must be absent, empty, or a site this tool published: anything else is someone's."""
    refuse_unsafe(site_dir, work_dir, data_root)
    if is_empty_dir(site_dir) or read_site_marker(site_dir) is not None:
        return
    # Published before sites were marked: accepted once if it verifies in full, then marked.
    if (site_dir / MANIFEST_NAME).is_file() and not verify_site(site_dir)[0]:
        return
    raise UsageRefused(
        f"--out {site_dir} 里已有文件，但不是本工具发布的网站（没有有效的 {SITE_MARKER}）："
        "为免误删，请指定一个空目录、不存在的目录或本工具发布过的网站目录"
    )


def kit_files(out_dir: Path) -> set[str]:
    """The files the kit in out_dir holds; refuse a folder that is neither empty nor a kit."""
    if is_empty_dir(out_dir):
        return set()
    files = read_kit_files(out_dir)
    if files is not None:
        return files
    raise UsageRefused(
        f"--out {out_dir} 里已有其他文件，又不是本工具写的标牌文件包（没有有效的 {KIT_MARKER}）；"
        "为免误删，请用 --out 指定一个空目录或上次的标牌文件包目录"
    )
