"""`portal new`: a new site folder with the commented default settings and an empty data/."""

from __future__ import annotations

from pathlib import Path

from generator import resources
from generator.errors import UsageRefused
from generator.settings import CONFIG_NAME, absolute


def new_site_folder(folder: Path) -> Path:
    """Write a new site folder: the commented default mkdocs.yml and an empty data/."""
    folder = absolute(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageRefused(f"{folder} 已存在且不是空目录：请指定一个新目录")
    (folder / "data").mkdir(parents=True, exist_ok=True)
    (folder / CONFIG_NAME).write_bytes(resources.NEW_SITE_CONFIG.read_bytes())
    return folder
