"""Three independent QR decoders and the damage a sign suffers, shared by the tests and bench/codes.py.

zxing-cpp (the library most Android scanners build on), ZBar (many open-source
and Linux scanners) and OpenCV's `wechat_qrcode` (the engine WeChat
open-sourced; run without its CNN models, which no registry carries, so it
uses OpenCV's own detector) each read a grey image and return the texts they
found. The damage is what a printed sign meets at a fence: out of focus,
held at an angle, seen obliquely, photographed from far (few pixels per
module) and partly covered.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

Decoder = Callable[[Image.Image], list[str]]


def read_zxing(image: Image.Image) -> list[str]:
    import zxingcpp

    return [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


def read_zbar(image: Image.Image) -> list[str]:
    from pyzbar import pyzbar

    return [r.data.decode("utf-8") for r in pyzbar.decode(image.convert("L"), symbols=[pyzbar.ZBarSymbol.QRCODE])]


_wechat: list[object] = []


def read_wechat(image: Image.Image) -> list[str]:
    import cv2

    if not _wechat:  # built once: the detector is reused between images
        _wechat.append(cv2.wechat_qrcode_WeChatQRCode())
    texts, _ = _wechat[0].detectAndDecode(np.asarray(image.convert("L")))  # type: ignore[attr-defined]
    return list(texts)


DECODERS: dict[str, Decoder] = {"zxing-cpp": read_zxing, "zbar": read_zbar, "wechat_qrcode": read_wechat}


def png_image(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png)).convert("L")


def at_module_size(image: Image.Image, module_px_now: float, module_px: float) -> Image.Image:
    """The image scaled so one module covers `module_px` pixels (a photograph taken from further away)."""
    factor = module_px / module_px_now
    size = (max(1, round(image.width * factor)), max(1, round(image.height * factor)))
    return image.resize(size, Image.Resampling.BILINEAR)


def blurred(image: Image.Image, module_px: float) -> Image.Image:
    """Out of focus by a Gaussian of 0.35 module: edges soft, modules still apart."""
    return image.filter(ImageFilter.GaussianBlur(radius=0.35 * module_px))


def rotated(image: Image.Image, degrees: float = 17.0) -> Image.Image:
    return image.rotate(degrees, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255)


def skewed(image: Image.Image, ratio: float = 0.25) -> Image.Image:
    """Seen from the side: a perspective that shortens one edge by `ratio` of the width."""
    w, h = image.size
    cut = ratio * h
    # Maps the output quad (a trapezoid) back to the source rectangle.
    coefficients = _perspective([(0, 0), (w, cut / 2), (w, h - cut / 2), (0, h)], [(0, 0), (w, 0), (w, h), (0, h)])
    return image.transform((w, h), Image.Transform.PERSPECTIVE, coefficients, Image.Resampling.BILINEAR, fillcolor=255)


def covered(image: Image.Image, quiet_px: float, share: float = 0.15) -> Image.Image:
    """A patch over `share` of the symbol's area (mud, a cable tie, a sticker), on the data region.

    It sits low and right of the centre: away from the three finder patterns, which no level
    of error correction replaces, and over data and error-correction codewords only.
    """
    out = image.copy()
    symbol = image.width - 2 * quiet_px
    side = symbol * share**0.5
    x0 = quiet_px + symbol * 0.55 - side / 2
    y0 = quiet_px + symbol * 0.6 - side / 2
    ImageDraw.Draw(out).rectangle([x0, y0, x0 + side, y0 + side], fill=0)
    return out


def _perspective(out_quad: list[tuple[float, float]], in_quad: list[tuple[float, float]]) -> list[float]:
    rows = []
    for (x, y), (u, v) in zip(out_quad, in_quad, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    targets = [c for point in in_quad for c in point]
    return list(np.linalg.solve(np.array(rows, dtype=float), np.array(targets, dtype=float)))


def damages(module_px: float, quiet_modules: int) -> dict[str, Callable[[Image.Image], Image.Image]]:
    """Each damage of the suite, as a function of a clean image drawn at `module_px` per module."""
    quiet_px = quiet_modules * module_px
    return {
        "clean": lambda im: im,
        "blur": lambda im: blurred(im, module_px),
        "rotation 17°": rotated,
        "skew 25 %": skewed,
        "2.5 px/module": lambda im: at_module_size(im, module_px, 2.5),
        "15 % covered": lambda im: covered(im, quiet_px),
        "2.5 px/module, blurred": lambda im: blurred(at_module_size(im, module_px, 2.5), 2.5),
        "skew and covered": lambda im: skewed(covered(im, quiet_px)),
    }
