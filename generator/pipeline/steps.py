"""The numbered progress lines of a run (`[3/9] 生成页面`), and the time each step took."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Progress = Callable[[str], None]


def quiet(line: str) -> None:
    pass


class Steps:
    """Each step announced through `progress` as it starts, and timed."""

    def __init__(self, progress: Progress, total: int, done: int = 0) -> None:
        self.progress = progress
        self.total = total
        self.number = done
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, step: str, label: str) -> Iterator[None]:
        self.number += 1
        self.progress(f"[{self.number}/{self.total}] {label}")
        start = time.perf_counter()
        yield
        self.seconds[step] = time.perf_counter() - start
