"""The QR codes: one permanent URL per code id, drawn with segno as SVG and PNG.

The payload names the code, not the project, so a sign keeps working whatever
happens to the project's page. Scheme and host are upper-cased: an all-uppercase
URL is encoded in QR alphanumeric mode, which fits version 3 (29×29) at error
level H and so scans from further away and survives more damage than the
lowercase form.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import segno

QUIET_ZONE = 4  # modules; the QR standard's minimum
SMALL_VERSION = 3


@dataclass(frozen=True)
class CodeImage:
    code_id: str
    url: str
    version: int
    error: str  # L M Q H
    svg: bytes
    png: bytes


def make_symbol(url: str) -> segno.QRCode:
    """Level H where the payload fits version 3, else Q if that fits, else H at a larger version."""
    for error in ("H", "Q"):
        try:
            return _fitting(url, error)
        except segno.DataOverflowError:
            continue
    return segno.make_qr(url, error="H", boost_error=False)


def version_of(symbol: segno.QRCode) -> int:
    """A QR code's version, 1–40: `make_qr` never makes a Micro QR code, whose versions are "M1"–"M4"."""
    version = symbol.version
    if not isinstance(version, int):  # pragma: no cover - segno.make_qr makes full QR codes only
        raise TypeError(f"a Micro QR code ({version}) where a QR code was made")
    return version


def _fitting(url: str, error: str) -> segno.QRCode:
    symbol = segno.make_qr(url, error=error, boost_error=False)
    if version_of(symbol) > SMALL_VERSION:
        raise segno.DataOverflowError("does not fit version 3")
    return symbol


def draw_code(code_id: str, base: str) -> CodeImage:
    symbol, svg = draw_svg(code_id, base)
    return CodeImage(code_id, base + code_id, version_of(symbol), symbol.error, svg, draw_png(symbol))


def draw_svg(code_id: str, base: str) -> tuple[segno.QRCode, bytes]:
    """The symbol and the SVG the site shows: the site needs it before mkdocs runs."""
    symbol = make_symbol(base + code_id)
    svg = io.BytesIO()
    # White background, never transparent: a scanner needs the contrast of the quiet zone.
    symbol.save(svg, kind="svg", scale=4, border=QUIET_ZONE, dark="#000", light="#fff", xmldecl=False, title=code_id)
    return symbol, svg.getvalue()


def draw_png(symbol: segno.QRCode) -> bytes:
    """The PNG for print (qr/): only needed once the site is built, so it can be drawn meanwhile."""
    png = io.BytesIO()
    symbol.save(png, kind="png", scale=8, border=QUIET_ZONE, dark="#000", light="#fff")
    return png.getvalue()
