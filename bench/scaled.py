"""Scaled data roots for the benchmark: N times the bundled sample, made once and reused.

`tools/make_sample.py` is deterministic (one seeded generator, no clock), so a
root made earlier with the same scale and the same generator sources is the
same root: it is kept under a folder named by both and made again only when
either changes.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MAKE_SAMPLE = REPO / "tools" / "make_sample.py"
# Every source the sample is made from: a root is made again when any of them changes.
SAMPLE_SOURCES = (MAKE_SAMPLE, REPO / "tools" / "sample_windows.py")


def scaled_root(base_dir: Path, scale: int) -> Path:
    """The data root of `scale` times the sample under base_dir, made if missing."""
    if scale < 1:
        raise ValueError("scale must be at least 1")
    version = hashlib.sha256(b"".join(path.read_bytes() for path in SAMPLE_SOURCES)).hexdigest()[:12]
    root = base_dir / f"sample-x{scale}-{version}"
    base_dir.mkdir(parents=True, exist_ok=True)
    complete = base_dir / f"{root.name}.complete"  # beside the root: the reader owns what is inside
    if complete.exists():
        return root
    for stale in base_dir.glob(f"sample-x{scale}-*"):
        shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
    subprocess.run([sys.executable, str(MAKE_SAMPLE), "--out", str(root), "--scale", str(scale)], check=True)
    complete.write_text("made by bench/scaled.py\n", encoding="utf-8")
    return root
