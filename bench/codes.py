"""Every code of the sample read by three decoders, and the degradation suite behind the error level.

    python bench/codes.py [--out bench/results/codes.json] [--suite-codes 8]

1. Builds the sample and its print kit, then reads every code with zxing-cpp,
   ZBar and OpenCV's wechat_qrcode (tests/qr_reading.py): from the site's PNG
   (qr/<CODE>.png) and from its label on the proof sheet rendered at 150 dpi by
   poppler. A code counts as read when the decoder returns exactly its URL.
2. Draws the same payloads as candidates (segmented payload at 3-Q, 3-M and
   4-H, and the old all-uppercase payload at 3-H) and damages each image as a
   sign is damaged (tests/qr_reading.damages): blur, rotation, skew, 2.5 px a
   module, a 15 % patch, and two together. Each candidate is also drawn at the
   printed width of a version-3 symbol, as a sign of fixed size would hold it.
   The table counts the codes each decoder still reads: codes/drawing.py
   chose its level from it (docs/codes.md).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import segno  # noqa: E402
from PIL import Image  # noqa: E402

from generator import pipeline  # noqa: E402
from generator.codes import drawing, signs  # noqa: E402
from generator.codes import kit as signkit  # noqa: E402
from tests.qr_reading import DECODERS, at_module_size, damages, png_image  # noqa: E402

SCALE = 8  # px a module, as the site's PNGs
CANDIDATES = {
    "segmented 3-Q": ("Q", 3, True),
    "segmented 3-M": ("M", 3, True),
    "segmented 4-H (chosen)": ("H", 4, True),
    "uppercase HTTPS:// 3-H (before)": ("H", 3, False),
}


def read_every_code(work: Path) -> dict:
    kit_dir = work / "kit"
    pipeline.make_kit(REPO / "data" / "sample", kit_dir, work, base_url="https://jd.example.org/")
    with (kit_dir / signkit.MANIFEST_NAME).open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    pages_dir = work / "proofs"
    pages_dir.mkdir()
    subprocess.run(
        ["pdftoppm", "-r", "150", "-gray", str(kit_dir / signkit.PROOFS_NAME), str(pages_dir / "p")], check=True
    )
    pages = sorted(pages_dir.glob("p-*.pgm"), key=lambda p: int(p.stem.split("-")[-1]))
    read = {name: {"png": 0, "proof sheet 150 dpi": 0} for name in DECODERS}
    failures: list[str] = []
    for index, row in enumerate(rows):
        png = Image.open(work / "qr" / f"{row['code_id']}.png").convert("L")
        page = Image.open(pages[int(row["proof_page"]) - 1])
        slot_row, column = divmod(index % signs.PER_SHEET, signs.SHEET_COLUMNS)
        w, h = page.width / signs.SHEET_COLUMNS, page.height / signs.SHEET_ROWS
        label = page.crop((round(column * w), round(slot_row * h), round((column + 1) * w), round((slot_row + 1) * h)))
        for name, decode in DECODERS.items():
            for source, image in (("png", png), ("proof sheet 150 dpi", label)):
                if decode(image) == [row["url"]]:
                    read[name][source] += 1
                else:
                    failures.append(f"{name} {source} {row['code_id']}")
    return {"codes": len(rows), "read": read, "failures": failures}


def degradation_table(code_ids: list[str]) -> dict:
    table: dict[str, dict[str, dict[str, int]]] = {}
    for candidate, (error, version, segmented) in CANDIDATES.items():
        for code_id in code_ids:
            if segmented:
                url = "https://JD.EXAMPLE.ORG/Q/" + code_id
                content: object = [
                    (t, getattr(segno.consts, f"MODE_{m.upper()}")) for t, m in drawing.payload_segments(url)
                ]
            else:
                url = content = "HTTPS://JD.EXAMPLE.ORG/Q/" + code_id
            symbol = segno.make_qr(content, error=error, version=version, boost_error=False)
            out = io.BytesIO()
            symbol.save(out, kind="png", scale=SCALE, border=drawing.QUIET_ZONE)
            clean = png_image(out.getvalue())
            modules = symbol.symbol_size(border=0)[0]
            same_width_px = SCALE * 29 / modules  # a version-3 symbol's printed width
            for sizing, image, px in (
                ("same px a module", clean, SCALE),
                ("same printed width", at_module_size(clean, SCALE, same_width_px), same_width_px),
            ):
                for damage, apply in damages(px, drawing.QUIET_ZONE).items():
                    cell = table.setdefault(f"{candidate} · {sizing}", {}).setdefault(damage, {})
                    damaged = apply(image)
                    for name, decode in DECODERS.items():
                        cell[name] = cell.get(name, 0) + (decode(damaged) == [url])
    return {"codes": len(code_ids), "table": table}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "codes.json")
    parser.add_argument("--suite-codes", type=int, default=8, help="codes of the sample in the degradation suite")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-codes-"))
    try:
        shutil.copy(REPO / "mkdocs.yml", work / "mkdocs.yml")
        report = pipeline.build(REPO / "data" / "sample", work / "site", work, base_url="https://jd.example.org/")
        every = read_every_code(work)
        codes = [c.code_id for c in report.archive.codes if c.is_current]
        suite = degradation_table(codes[:: max(1, len(codes) // args.suite_codes)][: args.suite_codes])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"every code of the sample ({every['codes']}), read exactly:")
    for name, by_source in every["read"].items():
        print(f"  {name:14} " + ", ".join(f"{source} {n}/{every['codes']}" for source, n in by_source.items()))
    print(f"\ndegradation suite ({suite['codes']} codes; read by zxing-cpp / ZBar / wechat_qrcode):")
    for candidate, rows in suite["table"].items():
        print(f"  {candidate}")
        for damage, cell in rows.items():
            print(f"    {damage:24} " + " / ".join(str(cell[name]) for name in DECODERS))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"every_code": every, "degradation": suite}, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
