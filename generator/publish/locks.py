"""The locks a build or a rollback holds: on the data root, the work folder and the output folder."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from generator.errors import BuildFailed
from generator.settings import Settings

LOCK_NAME = ".portal-build.lock"


@contextmanager
def build_lock(settings: Settings, lock_data_root: bool = True) -> Iterator[None]:
    """One build of a data root at a time, one per work folder, and one per output folder.

    flock, not a lock file's existence: the kernel drops the lock when the
    process ends, killed or not, so a stale lock never blocks the next build.
    The data root is locked through its own folder, whichever work folder and
    site the other build writes to; the output folder through a file beside it,
    whichever data root and work folder the other build uses.
    A rollback reads no data root: it locks only the work and output folders.
    """
    work_dir, data_root, site_dir = settings.work_dir, settings.data_root, settings.site_dir
    work_dir.mkdir(parents=True, exist_ok=True)
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    try:
        # Without the data root's lock, the work folder is opened in its place: the same code path.
        root_fd = os.open(data_root if lock_data_root else work_dir, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise BuildFailed(f"无法打开数据目录 {data_root}：{exc.strerror}") from None
    try:
        with ExitStack() as held:
            work_lock = held.enter_context(open(work_dir / LOCK_NAME, "a+"))
            out_lock = held.enter_context(open(site_dir.parent / f".{site_dir.name}.portal-lock", "a+"))
            for fd, what, holder in (
                *([(root_fd, f"数据目录 {data_root}", None)] if lock_data_root else []),
                (work_lock.fileno(), f"工作目录 {work_dir}", work_lock),
                (out_lock.fileno(), f"输出目录 {site_dir}", out_lock),
            ):
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    pid = _holder(Path(holder.name)) if holder else ""
                    raise BuildFailed(f"{what} 正在由另一个构建使用{pid}，请等它结束后再试") from None
            for handle in (work_lock, out_lock):
                handle.seek(0)
                handle.truncate()
                handle.write(f"{os.getpid()}\n")
                handle.flush()
            yield
    finally:
        os.close(root_fd)  # closing releases the lock


def _holder(lock_path: Path) -> str:
    try:
        pid = lock_path.read_text().strip()
    except OSError:
        return ""
    return f"（进程 {pid}）" if pid.isdigit() else ""
