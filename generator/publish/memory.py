"""Memory handed back to the system between the build's stages."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc


def return_freed_memory() -> None:
    """Hand the memory of the pages just written back to the system before mkdocs needs its own.

    CPython frees the pages' strings to the C allocator, which keeps them for reuse rather than
    returning them; glibc's malloc_trim returns them. Elsewhere this does nothing.
    """
    gc.collect()
    try:
        ctypes.CDLL(ctypes.util.find_library("c")).malloc_trim(0)
    except (OSError, AttributeError, TypeError):
        pass
