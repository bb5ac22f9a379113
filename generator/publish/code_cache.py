"""The QR images of a build: taken from a cache keyed by content, the missing ones drawn on every core.

Drawing a code (segno tries all eight masks in pure Python) costs more than
rendering its page, and a code's image never changes unless its payload, the
drawing settings or segno itself do. So each image is cached under the work
folder by the sha256 of exactly those three things, never by a file time: a
rebuild with the same codes draws nothing, and any change to what the image
depends on misses the cache by construction.

Missing codes are drawn in a process pool started before the pages are
rendered, so the second core draws while the first renders. Only the SVGs are
drawn then, since the pages need them; the PNGs, for print only, are drawn in
the pool while mkdocs runs. The result is a dict by code id, assembled in the
caller's order, so the output does not depend on which worker finished first.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from pathlib import Path
from typing import TypeVar

import segno

from generator.codes import drawing as codes
from generator.codes.drawing import CodeImage

CACHE_FORMAT = 1  # bump when the entry layout below changes
BATCH = 48  # codes per task: large enough that pickling and scheduling stay small beside drawing
POOL_THRESHOLD = 2 * BATCH  # fewer missing codes than this are drawn in-process: a pool would cost more


PNG_NICENESS = 10
T = TypeVar("T")

# The drawing settings (error levels, scales, colours, quiet zone) live in codes.py: its source
# is part of the key, so no setting can change without missing the cache.
DRAWING_SOURCE = hashlib.sha256(Path(codes.__file__).read_bytes()).hexdigest()


def cache_key(url: str) -> str:
    """The sha256 of everything an image depends on: payload, drawing settings, segno version."""
    basis = {"format": CACHE_FORMAT, "payload": url, "drawing": DRAWING_SOURCE, "segno": segno.__version__}
    return hashlib.sha256(json.dumps(basis, sort_keys=True).encode("utf-8")).hexdigest()


def worker_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class PendingCodes:
    """A build's images: the missing ones drawn in the background from the start, the cached ones read when asked."""

    def __init__(self, code_ids: list[str], base: str, cache_dir: Path, workers: int | None = None) -> None:
        self.base = base
        self.cache_dir = cache_dir
        self.images: dict[str, CodeImage] = {}
        self.keys = {code_id: cache_key(base + code_id) for code_id in code_ids}
        try:
            cached = set(os.listdir(cache_dir))
        except OSError:
            cached = set()
        self.missing = [c for c in code_ids if f"{self.keys[c]}.qr" not in cached]
        self.cached = [c for c in code_ids if f"{self.keys[c]}.qr" in cached]
        self._pool: Executor | None = None
        self._svg_futures: list[Future[list[tuple[str, segno.QRCode, bytes]]]] = []
        self._png_futures: list[Future[list[tuple[str, bytes]]]] = []
        self._drawn: list[tuple[str, segno.QRCode, bytes]] | None = None  # (code id, symbol, svg)
        workers = worker_count() if workers is None else workers
        if len(self.missing) >= POOL_THRESHOLD and workers > 1:
            # forkserver: workers start from a clean process, not a copy of one that may hold threads.
            context = multiprocessing.get_context("forkserver")
            self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
            self._svg_futures = [self._pool.submit(_draw_svgs, batch, base) for batch in _batches(self.missing)]

    def _load(self, code_id: str) -> bool:
        try:
            entry = (self.cache_dir / f"{self.keys[code_id]}.qr").read_bytes()
            header, body = entry.split(b"\n", 1)
            version_text, error, svg_text, png_text = header.decode("ascii").split()
            version, svg_size, png_size = int(version_text), int(svg_text), int(png_text)
        except (OSError, ValueError):
            return False
        svg, png = body[:svg_size], body[svg_size:]
        if len(svg) != svg_size or len(png) != png_size or not png.startswith(b"\x89PNG"):
            return False  # cut short, e.g. by a full disk
        self.images[code_id] = CodeImage(code_id, self.base + code_id, version, error, svg, png)
        return True

    def svgs(self) -> dict[str, bytes]:
        """Every code's SVG by code id; the PNGs of the drawn ones are then drawn in the background."""
        if self._drawn is None:
            # An entry that cannot be read back is drawn again here and rewritten.
            damaged = [code_id for code_id in self.cached if not self._load(code_id)]
            self.cached = []
            drawn = _draw_svgs(damaged, self.base)
            if self._pool is None:
                drawn += _draw_svgs(self.missing, self.base)
            else:
                drawn += [item for future in self._svg_futures for item in future.result()]
                symbols = [(code_id, symbol) for code_id, symbol, _ in drawn]
                self._png_futures = [self._pool.submit(_draw_pngs, batch, True) for batch in _batches(symbols)]
                # Nothing more is submitted: each worker ends, and frees its memory, once it is done.
                self._pool.shutdown(wait=False)
            self._drawn = drawn
            self.missing = []
        return {code_id: image.svg for code_id, image in self.images.items()} | {
            code_id: svg for code_id, _, svg in self._drawn
        }

    def result(self) -> dict[str, CodeImage]:
        """Every image by code id; drawn ones are added to the cache."""
        self.svgs()
        drawn = self._drawn or []  # svgs() has drawn them
        if self._png_futures:
            pngs = dict(item for future in self._png_futures for item in future.result())
        else:
            pngs = dict(_draw_pngs([(code_id, symbol) for code_id, symbol, _ in drawn]))
        self.close()
        if drawn:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
        for code_id, symbol, svg in drawn:
            image = CodeImage(code_id, self.base + code_id, codes.version_of(symbol), symbol.error, svg, pngs[code_id])
            self.images[code_id] = image
            self._store(image)
        self._drawn, self._png_futures = [], []
        return self.images

    def _store(self, image: CodeImage) -> None:
        path = self.cache_dir / f"{self.keys[image.code_id]}.qr"
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        header = f"{image.version} {image.error} {len(image.svg)} {len(image.png)}\n".encode("ascii")
        temporary.write_bytes(header + image.svg + image.png)
        os.replace(temporary, path)  # a reader never sees half an entry

    def prune(self) -> int:
        """Remove entries no code of this build uses (a changed base URL leaves them behind)."""
        wanted = {f"{key}.qr" for key in self.keys.values()}
        removed = 0
        if self.cache_dir.is_dir():
            for path in self.cache_dir.iterdir():
                if path.name not in wanted:
                    path.unlink()
                    removed += 1
        return removed

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> PendingCodes:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _batches(items: list[T]) -> list[list[T]]:
    return [items[i : i + BATCH] for i in range(0, len(items), BATCH)]


def _draw_svgs(code_ids: list[str], base: str) -> list[tuple[str, segno.QRCode, bytes]]:
    return [(code_id, *codes.draw_svg(code_id, base)) for code_id in code_ids]


def _draw_pngs(symbols: list[tuple[str, segno.QRCode]], in_pool: bool = False) -> list[tuple[str, bytes]]:
    # In the pool these run while mkdocs does, which is what the build waits for: the worker gives way.
    if in_pool and os.nice(0) < PNG_NICENESS:
        os.nice(PNG_NICENESS - os.nice(0))
    return [(code_id, codes.draw_png(symbol)) for code_id, symbol in symbols]
