"""The QR images of a build: taken from a cache keyed by content, the missing ones drawn on every core.

Drawing a code (segno tries all eight masks in pure Python) costs more than
rendering its page, and a code's image never changes unless its payload, the
drawing settings or segno itself do. So each image is cached under the work
folder by the sha256 of exactly those three things, never by a file time: a
rebuild with the same codes draws nothing, and any change to what the image
depends on misses the cache by construction.

Missing codes are drawn, SVG and PNG, in a process pool started when the
export is found valid, so the other core draws while the pages render; the
drawn images go straight into the cache, and both the site's SVGs and the
print files are read from it, so nothing is held while mkdocs runs and the
pool is gone by then. The results are dicts by code id in the caller's order,
so the output does not depend on which worker finished first.
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
    """A build's images: the missing ones drawn in the background from the start and put in the cache,
    every one read from the cache when asked for."""

    def __init__(self, code_ids: list[str], base: str, cache_dir: Path, workers: int | None = None) -> None:
        self.code_ids = code_ids
        self.base = base
        self.cache_dir = cache_dir
        self.keys = {code_id: cache_key(base + code_id) for code_id in code_ids}
        try:
            cached = set(os.listdir(cache_dir))
        except OSError:
            cached = set()
        self.missing = [c for c in code_ids if f"{self.keys[c]}.qr" not in cached]
        self._pool: Executor | None = None
        self._futures: list[Future[list[CodeImage]]] = []
        workers = worker_count() if workers is None else workers
        if len(self.missing) >= POOL_THRESHOLD and workers > 1:
            # forkserver: workers start from a clean process, not a copy of one that may hold threads.
            context = multiprocessing.get_context("forkserver")
            self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
            self._futures = [self._pool.submit(_draw, batch, base) for batch in _batches(self.missing)]

    def svgs(self) -> dict[str, bytes]:
        """Every code's SVG by code id, in the caller's order."""
        self._put_drawn_in_cache()
        return {code_id: self._image(code_id).svg for code_id in self.code_ids}

    def result(self) -> dict[str, CodeImage]:
        """Every image by code id, in the caller's order."""
        self._put_drawn_in_cache()
        return {code_id: self._image(code_id) for code_id in self.code_ids}

    def _put_drawn_in_cache(self) -> None:
        # Nothing is held between the site's SVGs and the print files: at 10× the sample the
        # images are 80 MB, and the pool's workers would live on through mkdocs.
        if not self.missing:
            return
        if self._pool is None:
            drawn = _draw(self.missing, self.base)
        else:
            drawn = [image for future in self._futures for image in future.result()]
        self.close()
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        for image in drawn:
            self._store(image)
        self.missing = []

    def _image(self, code_id: str) -> CodeImage:
        """From the cache; an entry that cannot be read back is drawn again here and rewritten."""
        image = self._load(code_id)
        if image is None:
            image = codes.draw_code(code_id, self.base)
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            self._store(image)
        return image

    def _load(self, code_id: str) -> CodeImage | None:
        try:
            entry = (self.cache_dir / f"{self.keys[code_id]}.qr").read_bytes()
            header, body = entry.split(b"\n", 1)
            version_text, error, svg_text, png_text = header.decode("ascii").split()
            version, svg_size, png_size = int(version_text), int(svg_text), int(png_text)
        except (OSError, ValueError):
            return None
        svg, png = body[:svg_size], body[svg_size:]
        if len(svg) != svg_size or len(png) != png_size or not png.startswith(b"\x89PNG"):
            return None  # cut short, e.g. by a full disk
        return CodeImage(code_id, self.base + code_id, version, error, svg, png)

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


def _draw(code_ids: list[str], base: str) -> list[CodeImage]:
    return [codes.draw_code(code_id, base) for code_id in code_ids]
