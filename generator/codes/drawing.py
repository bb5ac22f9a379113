"""The QR codes: one permanent URL per code id, drawn with segno as SVG and PNG.

The payload names the code, not the project, so a sign keeps working whatever
happens to the project's page. It is written in segments: `https://` in lower
case as bytes, since some scanners (the Pixel camera app, older Firefox for
Android, several open-source readers) open no URL whose scheme is upper case;
then the host and the fixed path in upper case and the code id as first
published, in QR alphanumeric mode where the text is in that set (5.5 bits a
character instead of 8). Scheme and host are case-insensitive, so the URL is
the one the signs printed before held: those keep working.

Level H at the smallest version it fits (version 4, 33×33, for our hosts and
ids). The degradation suite (`bench/codes.py`, docs/codes.md) chose it: the
payload fits version 3 at level Q too, and 3-Q reads as well as 4-H blurred,
rotated 17°, skewed and at 2.5 px a module, but under a patch over 15 % of the
symbol none of the three decoders (zxing-cpp, ZBar, wechat_qrcode) read a 3-Q,
3-M or the old uppercase 3-H code (0 of 8), while they read 7 of 8 at 4-H, also
printed at the width of a version-3 symbol. Mud, a cable tie or a sticker on a
fence is the damage a sign meets most; the smaller modules cost nothing the
suite could find.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import segno
from segno import consts

QUIET_ZONE = 4  # modules; the QR standard's minimum
ERROR_LEVEL = "H"
# QR alphanumeric mode's character set (ISO/IEC 18004, table 5).
_ALPHANUMERIC = re.compile(r"[0-9A-Z $%*+\-./:]*")
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*://")


@dataclass(frozen=True)
class CodeImage:
    code_id: str
    url: str
    version: int
    error: str  # L M Q H
    svg: bytes
    png: bytes


def payload_segments(url: str) -> list[tuple[str, str]]:
    """The URL as (text, mode) segments: the lower-case scheme in bytes, then host and path, then the id.

    Neighbours of the same mode are joined: each segment costs a mode indicator and a count.
    """
    scheme = _SCHEME.match(url)
    if scheme is None:
        raise ValueError(f"a code's payload must start with a lower-case scheme: {url!r}")
    prefix, _, code_id = url[scheme.end() :].rpartition("/")
    parts = [scheme.group(), prefix + "/", code_id]
    segments: list[tuple[str, str]] = []
    for text in parts:
        mode = "alphanumeric" if _ALPHANUMERIC.fullmatch(text) else "byte"
        if segments and segments[-1][1] == mode:
            segments[-1] = (segments[-1][0] + text, mode)
        elif text:
            segments.append((text, mode))
    return segments


def make_symbol(url: str) -> segno.QRCode:
    """Level H at the smallest version the segmented payload fits (see the module's note)."""
    modes = {"alphanumeric": consts.MODE_ALPHANUMERIC, "byte": consts.MODE_BYTE}
    content = [(text, modes[mode]) for text, mode in payload_segments(url)]
    # segno's annotation names one text, but its encoder takes a list of (text, mode) segments.
    return segno.make_qr(content, error=ERROR_LEVEL, boost_error=False)  # type: ignore[arg-type]


def version_of(symbol: segno.QRCode) -> int:
    """A QR code's version, 1–40: `make_qr` never makes a Micro QR code, whose versions are "M1"–"M4"."""
    version = symbol.version
    if not isinstance(version, int):  # pragma: no cover - segno.make_qr makes full QR codes only
        raise TypeError(f"a Micro QR code ({version}) where a QR code was made")
    return version


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
