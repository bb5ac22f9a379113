"""Opening the data root's files and folders: regular files only, within a size limit, never blocking.

A data root is often a folder someone unpacked or linked: it may hold a pipe, a link
to a device, a file nobody may read or a name in another encoding. None of them may
hang the build, exhaust memory or end in a traceback; each is a problem naming it.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import Problem, error
from generator.read.limits import MAX_FILE_BYTES

_CHUNK = 1024 * 1024


@dataclass
class Reading:
    """One read of a data root: its folder, the problems found so far, and every file read with its sha256."""

    data_root: Path
    problems: list[Problem] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)

    def rel(self, path: Path) -> str:
        return shown_name(path.relative_to(self.data_root).as_posix())

    def read_bytes(self, path: Path, limit: int = MAX_FILE_BYTES) -> bytes | None:
        """The file's bytes, or None with a file-level problem; an empty file is one too."""
        rel_path = self.rel(path)
        try:
            data = _read_regular_file(path, limit)
        except _Unreadable as exc:
            self.problems.append(error(rel_path, str(exc)))
            return None
        except OSError as exc:
            self.problems.append(error(rel_path, f"无法读取文件：{os_error_text(exc)}"))
            return None
        self.sources[rel_path] = hashlib.sha256(data).hexdigest()
        if not data.strip():
            self.problems.append(error(rel_path, "文件是空的"))
            return None
        return data

    def entries(self, folder: Path) -> list[Path] | None:
        """The folder's entries but hidden ones, sorted by name; None with a problem when it cannot be listed."""
        try:
            names = [entry.name for entry in os.scandir(folder)]
        except OSError as exc:
            rel_path = self.rel(folder) if folder != self.data_root else "."
            self.problems.append(error(rel_path, f"无法读取文件夹：{os_error_text(exc)}"))
            return None
        return [folder / name for name in sorted(names) if not name.startswith(".")]


class _Unreadable(Exception):
    """A file that is not read at all: not a regular file, or too large."""


def _read_regular_file(path: Path, limit: int) -> bytes:
    # Judged before opening: opening a pipe for reading waits for a writer, and a device may
    # never end. stat follows symbolic links, as open does.
    _check_regular(os.stat(path).st_mode, path)
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        info = os.fstat(descriptor)  # the file opened, whatever was swapped in since the stat
        _check_regular(info.st_mode, path)
        if info.st_size > limit:
            raise _Unreadable(_too_large(f"{size_text(info.st_size)}", limit))
        chunks = []
        total = 0
        while total <= limit:  # at most limit + 1 bytes, whatever the size said
            chunk = os.read(descriptor, min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    finally:
        os.close(descriptor)
    if total > limit:
        raise _Unreadable(_too_large(f"超过 {size_text(limit)}", limit))
    return b"".join(chunks)


def _check_regular(mode: int, path: Path) -> None:
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        kind = "文件夹"
    elif stat.S_ISFIFO(mode):
        kind = "命名管道（FIFO）"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        kind = "设备文件"
    elif stat.S_ISSOCK(mode):
        kind = "套接字"
    else:
        kind = "特殊文件"
    try:
        link = "（符号链接指向的）" if stat.S_ISLNK(os.lstat(path).st_mode) else ""
    except OSError:
        link = ""
    raise _Unreadable(f"不是普通文件：{link}是{kind}，应为导出的数据文件")


def _too_large(size: str, limit: int) -> str:
    return f"文件过大（{size}），应不超过 {size_text(limit)}，请检查是否选错了文件"


def size_text(size: int) -> str:
    if size < 1024:
        return f"{size} 字节"
    return f"{size / 1024 / 1024:.0f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"


_OS_ERRORS = {
    errno.EACCES: "没有读取权限，请检查它的权限设置",
    errno.EPERM: "没有读取权限，请检查它的权限设置",
    errno.ENOENT: "找不到（可能是指向不存在位置的符号链接）",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.ELOOP: "符号链接形成了循环",
    errno.EIO: "读取出错（输入/输出错误），它可能在损坏的磁盘或已断开的网络位置上",
    errno.ENXIO: "是无法打开的特殊文件",
    errno.ENAMETOOLONG: "路径过长",
}


def os_error_text(exc: OSError) -> str:
    """Why the system refused, in Chinese where we know the reason, else in its own words."""
    return _OS_ERRORS.get(exc.errno or 0) or f"系统报告“{exc.strerror or exc}”"


def kind_of(path: Path) -> str | OSError:
    """`dir`, `file` or `other`, after following symbolic links; the error when it cannot be looked at."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return exc
    if stat.S_ISDIR(mode):
        return "dir"
    return "file" if stat.S_ISREG(mode) else "other"


def is_utf8_name(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # the bytes Python could not decode are kept as lone surrogates
        return False
    return True


def shown_name(name: str) -> str:
    """A name as it can be printed: one that is not UTF-8 with each byte beyond ASCII as \\xNN.

    All of them, not only the bytes that fail: a GBK name is partly valid UTF-8 by chance
    (项 is CF EE, 目 is C4 BF, and C4 BF is also Ŀ), and half-decoded it would mislead.
    """
    if is_utf8_name(name):
        return name
    try:
        raw = name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return name.encode("ascii", "backslashreplace").decode("ascii")
    return raw.decode("ascii", "backslashreplace")


def name_encoding_note(name: str) -> str:
    """Why a name is shown escaped, with how it reads in GBK when it does (a zip unpacked on Chinese Windows)."""
    note = "文件名不是 UTF-8 编码"
    try:
        gbk = name.encode("utf-8", "surrogateescape").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return note
    return f"{note}（按 GBK 编码读作“{gbk}”，可能是在中文 Windows 上打包或解压的）"
