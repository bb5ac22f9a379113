"""Write generated files into the folders the writer owns (content/, qr/).

The writer is the only stage that writes. It refuses to write one path twice,
leaves files whose bytes are unchanged untouched (so their times stay, and a
rebuild with nothing changed changes nothing), and removes stale files.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Container
from pathlib import Path


class OutputTree:
    """The files one folder should hold after this build, gathered before anything is written."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: dict[str, bytes] = {}

    def add(self, rel_path: str, data: bytes | str) -> None:
        _check_new_path(self.root, self.files, rel_path)
        self.files[rel_path] = data.encode("utf-8") if isinstance(data, str) else data


class StreamingTree:
    """The files one folder should hold after this build, each written as it comes (content/ at 10× the
    sample is 470 MB, more than it is worth holding); `finish` then removes the stale ones."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.names: set[str] = set()
        self.written = 0
        root.mkdir(parents=True, exist_ok=True)
        self._folders_made = {root}

    def add(self, rel_path: str, data: bytes | str) -> None:
        _check_new_path(self.root, self.names, rel_path)
        self.names.add(rel_path)
        if self._write(self.root / rel_path, data.encode("utf-8") if isinstance(data, str) else data):
            self.written += 1

    def _write(self, path: Path, data: bytes) -> bool:
        try:
            if path.read_bytes() == data:
                return False
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            pass
        if path.parent not in self._folders_made:  # once per folder, not once per file
            path.parent.mkdir(parents=True, exist_ok=True)
            self._folders_made.add(path.parent)
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, path)  # never a half-written file under its real name
        return True

    def finish(self, keep: tuple[str, ...] = (), removable: Callable[[str], bool] = lambda rel_path: True) -> int:
        """Remove every file not added, unless kept or not `removable`; the number removed."""
        removed = 0
        wanted = self.names | set(keep)
        for dirpath, dirnames, filenames in os.walk(self.root, topdown=False):
            for name in filenames:
                rel_path = Path(dirpath, name).relative_to(self.root).as_posix()
                if rel_path not in wanted and removable(rel_path):
                    Path(dirpath, name).unlink()
                    removed += 1
            if dirpath != str(self.root) and not os.listdir(dirpath) and removable(_rel_dir(self.root, dirpath)):
                os.rmdir(dirpath)
        return removed


def write_tree(
    tree: OutputTree, keep: tuple[str, ...] = (), removable: Callable[[str], bool] = lambda rel_path: True
) -> tuple[int, int]:
    """Make `tree.root` hold `tree.files`: stale files are removed unless kept or not `removable`.

    Returns (written, removed).
    """
    stream = StreamingTree(tree.root)
    for rel_path in sorted(tree.files):
        stream.add(rel_path, tree.files[rel_path])
    return stream.written, stream.finish(keep, removable)


def _check_new_path(root: Path, taken: Container[str], rel_path: str) -> None:
    if rel_path in taken:
        raise ValueError(f"{root / rel_path} would be written twice")
    if rel_path.startswith("/") or ".." in Path(rel_path).parts:
        raise ValueError(f"{rel_path} is outside {root}")


def _rel_dir(root: Path, dirpath: str) -> str:
    return Path(dirpath).relative_to(root).as_posix() + "/"
