"""Write generated files into the folders the writer owns (content/, qr/).

The writer is the only stage that writes. It refuses to write one path twice,
leaves files whose bytes are unchanged untouched (so their times stay, and a
rebuild with nothing changed changes nothing), and removes stale files.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path


class OutputTree:
    """The files one folder should hold after this build, gathered before anything is written."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: dict[str, bytes] = {}

    def add(self, rel_path: str, data: bytes | str) -> None:
        if rel_path in self.files:
            raise ValueError(f"{self.root / rel_path} would be written twice")
        if rel_path.startswith("/") or ".." in Path(rel_path).parts:
            raise ValueError(f"{rel_path} is outside {self.root}")
        self.files[rel_path] = data.encode("utf-8") if isinstance(data, str) else data


def write_tree(
    tree: OutputTree, keep: tuple[str, ...] = (), removable: Callable[[str], bool] = lambda rel_path: True
) -> tuple[int, int]:
    """Make `tree.root` hold `tree.files`: stale files are removed unless kept or not `removable`.

    Returns (written, removed).
    """
    tree.root.mkdir(parents=True, exist_ok=True)
    written = 0
    folders_made = {tree.root}
    for rel_path in sorted(tree.files):
        path = tree.root / rel_path
        data = tree.files[rel_path]
        try:
            if path.read_bytes() == data:
                continue
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            pass
        if path.parent not in folders_made:  # once per folder, not once per file
            path.parent.mkdir(parents=True, exist_ok=True)
            folders_made.add(path.parent)
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, path)  # never a half-written file under its real name
        written += 1
    removed = 0
    wanted = set(tree.files) | set(keep)
    for dirpath, dirnames, filenames in os.walk(tree.root, topdown=False):
        for name in filenames:
            rel_path = Path(dirpath, name).relative_to(tree.root).as_posix()
            if rel_path not in wanted and removable(rel_path):
                Path(dirpath, name).unlink()
                removed += 1
        if dirpath != str(tree.root) and not os.listdir(dirpath) and removable(_rel_dir(tree.root, dirpath)):
            os.rmdir(dirpath)
    return written, removed


def _rel_dir(root: Path, dirpath: str) -> str:
    return Path(dirpath).relative_to(root).as_posix() + "/"
