"""The published site's manifest (`SHA256SUMS`) and the check of a built site against it.

The manifest lists every file of the site with its SHA-256 in the format of
`sha256sum`, so anyone can run `sha256sum -c SHA256SUMS` in a saved copy, or
compare one saved page with its line.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Collection
from pathlib import Path

from generator.model.register import parse_register
from generator.errors import Problem, error
from generator import urls

MANIFEST_NAME = "SHA256SUMS"
SITE_MARKER = ".portal-site.json"  # outdir.py writes and checks it
SITE_REGISTER = "qr/register.csv"  # the copy of the code register the site publishes


def _site_files(root: Path) -> list[str]:
    """Every regular file under root, as sorted posix paths (byte order, like `LC_ALL=C sort`)."""
    found = []
    for dirpath, _dirnames, filenames in os.walk(root):
        for name in filenames:
            rel_path = Path(dirpath, name).relative_to(root).as_posix()
            if rel_path not in (MANIFEST_NAME, SITE_MARKER):  # the marker names the manifest's hash
                found.append(rel_path)
    return sorted(found, key=lambda p: p.encode("utf-8"))


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def render_manifest(root: Path) -> str:
    lines = []
    for rel_path in _site_files(root):
        # sha256sum escapes these in names; the site's paths are ids and fixed names, so refuse.
        if "\n" in rel_path or "\\" in rel_path:
            raise ValueError(f"unexpected file name in the site: {rel_path!r}")
        lines.append(f"{_digest(root / rel_path)}  {rel_path}\n")
    return "".join(lines)


def write_manifest(root: Path) -> str:
    """Write `SHA256SUMS` into a built (staged, unpublished) site; return its text."""
    text = render_manifest(root)
    (root / MANIFEST_NAME).write_text(text, encoding="utf-8", newline="\n")
    return text


def write_marker(root: Path, text: str) -> None:
    """The marker that says the staged site is ours (outdir.py makes its text: it holds our manifest's hash)."""
    (root / SITE_MARKER).write_text(text, encoding="utf-8")


def verify_site(site_dir: Path, register_path: Path | None = None) -> tuple[tuple[Problem, ...], int, int]:
    """Check site_dir against its manifest, and that every registered code has its page.

    Returns (problems, files checked, codes checked). The register is
    `register_path` when given, else the copy published in the site.
    """
    manifest_path = site_dir / MANIFEST_NAME
    try:
        text = manifest_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return (error(str(manifest_path), f"无法读取清单：{exc}"),), 0, 0
    problems: list[Problem] = []
    listed: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        digest, sep, rel_path = line.partition("  ")
        if not sep or len(digest) != 64 or rel_path.startswith("/") or ".." in rel_path.split("/"):
            problems.append(error(MANIFEST_NAME, "清单格式不对：应为“<sha256>  <文件>”", row=number))
            continue
        listed[rel_path] = digest
    for rel_path, digest in listed.items():
        path = site_dir / rel_path
        if not path.is_file():
            problems.append(error(rel_path, "清单中有此文件，网站中却没有"))
        elif _digest(path) != digest:
            problems.append(error(rel_path, "内容与清单中的 SHA-256 不符：文件在发布后被改动过"))
    for rel_path in _site_files(site_dir):
        if rel_path not in listed:
            problems.append(error(rel_path, "网站中有此文件，清单中却没有"))
    codes = _registered_codes(register_path or site_dir / SITE_REGISTER, problems)
    problems.extend(_codes_without_page(site_dir, listed, codes))
    return tuple(problems), len(listed), len(codes)


def codes_without_pages(staged: Path, manifest_text: str) -> tuple[Problem, ...]:
    """verify's code check on a site just built: the manifest was made from its files a moment ago."""
    listed = {line.partition("  ")[2] for line in manifest_text.splitlines()}
    problems: list[Problem] = []
    codes = _registered_codes(staged / SITE_REGISTER, problems)
    return (*problems, *_codes_without_page(staged, listed, codes))


def _codes_without_page(site_dir: Path, listed: Collection[str], codes: list[str]) -> list[Problem]:
    missing = []
    for code_id in codes:
        page = urls.code_page_html(code_id)
        if page not in listed or not (site_dir / page).is_file():
            missing.append(error(page, f"二维码 {code_id} 没有对应的页面：扫码会找不到页面"))
    return missing


def _registered_codes(path: Path, problems: list[Problem]) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(error(str(path), f"无法读取二维码登记册：{exc}"))
        return []
    codes, register_problems = parse_register(text, str(path))
    problems.extend(register_problems)
    return [code.code_id for code in codes.values()]
