"""The sign makers' print kit: real PDFs rendered by poppler, decoded by zxing-cpp, and damaged on purpose."""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
import subprocess
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import zxingcpp
from PIL import Image, ImageDraw, ImageFilter

from generator.publish import outdir
from generator import cli
from generator.codes import kit as signkit
from generator.codes import signs
from generator.codes import window_kit
from generator.codes import drawing as qr
from generator import pipeline
from generator.pipeline import check_export

from .conftest import CHROMIUM_ARGS, MINIMAL, SAMPLE, TESTS, overlay
from .qr_reading import DECODERS, damages

BASE_URL = "https://jd.example.org/"  # as in conftest.sample_build
SVG = "{http://www.w3.org/2000/svg}"


@dataclass(frozen=True)
class Kit:
    out: Path
    report: pipeline.KitReport
    rows: tuple[dict[str, str], ...]


def read_manifest(out: Path) -> tuple[dict[str, str], ...]:
    data = (out / signkit.MANIFEST_NAME).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM, for Excel"
    return tuple(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def decode(image: Image.Image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


def render_pdf_page(pdf: Path, dpi: float, page: int = 1) -> Image.Image:
    out = subprocess.run(
        [
            "pdftoppm",
            "-r",
            f"{dpi:.3f}",
            "-f",
            str(page),
            "-l",
            str(page),
            "-gray",
            "-singlefile",
            str(pdf),
        ],
        capture_output=True,
        check=True,
    ).stdout
    return Image.open(io.BytesIO(out))


def pdf_fonts(pdf: Path) -> list[list[str]]:
    """pdffonts' table: one row per font, [name, type, encoding, emb, sub, uni, object, generation]."""
    text = subprocess.run(["pdffonts", str(pdf)], capture_output=True, check=True, text=True).stdout
    return [line.split() for line in text.splitlines()[2:]]


@pytest.fixture(scope="session")
def kit(tmp_path_factory) -> Kit:
    """The whole sample's kit, made once."""
    root = tmp_path_factory.mktemp("signs")
    report = pipeline.make_kit(SAMPLE, root / "kit", root / "work", base_url=BASE_URL)
    return Kit(root / "kit", report, read_manifest(root / "kit"))


@pytest.fixture(scope="session")
def proof_pages(kit, tmp_path_factory) -> dict[int, list[str]]:
    """Every proof sheet rendered at 150 dpi by poppler, and what zxing-cpp reads on each page."""
    folder = tmp_path_factory.mktemp("proofs")
    subprocess.run(
        ["pdftoppm", "-r", "150", "-gray", str(kit.out / signkit.PROOFS_NAME), str(folder / "p")],
        check=True,
    )
    return {
        int(re.search(r"(\d+)\.pgm$", path.name).group(1)): decode(Image.open(path))
        for path in sorted(folder.glob("p-*.pgm"))
    }


def sample_rows(kit: Kit, count: int = 20) -> tuple[dict[str, str], ...]:
    """`count` codes spread evenly over the manifest: the same ones every run."""
    return kit.rows[:: len(kit.rows) // count][:count]


# What the kit holds ------------------------------------------------------------------------------


def test_kit_holds_every_current_code_with_its_files(kit):
    archive = check_export(SAMPLE, kit.out / "no-register.csv").archive
    expected = [c.code_id for c in archive.codes if c.is_current]
    assert [r["code_id"] for r in kit.rows] == expected
    assert len(expected) == 766
    names = {p.project.key: p.project.name for p in archive.projects}
    files = {p.relative_to(kit.out).as_posix() for p in kit.out.rglob("*") if p.is_file()}
    wanted = {signkit.MANIFEST_NAME, signkit.PROOFS_NAME, outdir.KIT_MARKER}
    for row in kit.rows:
        assert row["project_name"] == names[row["project_id"].casefold()]
        assert row["url"] == f"https://JD.EXAMPLE.ORG/Q/{row['code_id']}"
        assert row["short_url"] == f"jd.example.org/Q/{row['code_id']}"
        assert (row["qr_version"], row["error_level"]) == ("4", "H")
        wanted |= {row["master_svg"], row["master_pdf"]}
        wanted |= {row["panel_svg"], row["panel_pdf"]} - {""}
    # The service windows' codes: a desk card and a sticker each, in two PDFs, and their list.
    wanted |= {window_kit.DESK_CARDS_NAME, window_kit.STICKERS_NAME, window_kit.WINDOW_MANIFEST_NAME}
    assert kit.report.window_codes == 1110
    assert files == wanted
    # A board per code: a project with a sign at each gate or section has a board for each.
    assert all(row["panel_pdf"] == f"{signkit.PANELS_DIR}/{row['code_id']}.pdf" for row in kit.rows)
    assert all(row["panel_svg"] == f"{signkit.PANELS_DIR}/{row['code_id']}.svg" for row in kit.rows)
    assert len({row["project_id"] for row in kit.rows}) < len(kit.rows)  # the sample has such projects


@pytest.fixture(scope="session")
def site_pngs(kit, sample_build) -> dict[str, Image.Image]:
    """The site's own code images: the PNGs the real build of the sample wrote to qr/ (same base URL)."""
    qr_dir = sample_build.site_dir.parent / "qr"
    return {row["code_id"]: Image.open(qr_dir / f"{row['code_id']}.png") for row in kit.rows}


def test_masters_are_the_sites_own_symbols(kit, site_pngs):
    """Module for module, the SVG master's path is the site's PNG code image (qr/<CODE>.png of the real build)."""
    for row in kit.rows:
        site_png = site_pngs[row["code_id"]].convert("L")
        width = site_png.size[0]
        pixels = site_png.tobytes()
        size = width // 8 - 2 * qr.QUIET_ZONE  # the site draws 8 px a module
        site_dark = {
            (x, y)
            for y in range(size)
            for x in range(size)
            if pixels[((y + qr.QUIET_ZONE) * 8 + 4) * width + (x + qr.QUIET_ZONE) * 8 + 4] < 128
        }
        path = ET.parse(kit.out / row["master_svg"]).getroot().find(f"{SVG}path")
        master_dark = set()
        for x, y, n in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\3z", path.get("d")):
            master_dark |= {(int(x) + i, int(y)) for i in range(int(n))}
        assert master_dark == site_dark, row["code_id"]


def test_every_site_png_decodes_to_its_manifest_url(kit, site_pngs):
    for row in kit.rows:
        assert decode(site_pngs[row["code_id"]]) == [row["url"]], row["code_id"]


def test_every_code_decodes_from_the_proof_sheets_at_150_dpi(kit, proof_pages):
    expected: dict[int, list[str]] = {}
    for row in kit.rows:
        expected.setdefault(int(row["proof_page"]), []).append(row["url"])
    assert len(proof_pages) == kit.report.sheets == math.ceil(766 / signs.PER_SHEET)
    assert {page: sorted(urls) for page, urls in proof_pages.items()} == {
        page: sorted(urls) for page, urls in expected.items()
    }


@pytest.fixture(scope="session")
def fixed_sample(kit) -> tuple[dict[str, str], ...]:
    """Twelve codes spread over the kit: the ones every decoder reads in `make test`."""
    return sample_rows(kit, 12)


@pytest.mark.parametrize("decoder", sorted(DECODERS))
def test_three_decoders_read_the_fixed_sample_from_the_png(fixed_sample, site_pngs, decoder):
    for row in fixed_sample:
        assert DECODERS[decoder](site_pngs[row["code_id"]].convert("L")) == [row["url"]], row["code_id"]


@pytest.mark.parametrize("decoder", sorted(DECODERS))
def test_three_decoders_read_the_fixed_sample_from_the_proof_sheet_at_150_dpi(kit, fixed_sample, decoder):
    """Each label as a phone frames it: its slot of the page (wechat_qrcode without its CNN models reads
    one code an image)."""
    pages: dict[int, Image.Image] = {}
    for row in fixed_sample:
        page = int(row["proof_page"])
        if page not in pages:
            pages[page] = render_pdf_page(kit.out / signkit.PROOFS_NAME, 150, page)
        image = pages[page]
        row_index, column = divmod(kit.rows.index(row) % signs.PER_SHEET, signs.SHEET_COLUMNS)
        width, height = image.width / signs.SHEET_COLUMNS, image.height / signs.SHEET_ROWS
        box = (
            round(column * width),
            round(row_index * height),
            round((column + 1) * width),
            round((row_index + 1) * height),
        )
        assert DECODERS[decoder](image.crop(box)) == [row["url"]], row["code_id"]


@pytest.mark.parametrize("damage", list(damages(8, qr.QUIET_ZONE)))
@pytest.mark.parametrize("decoder", sorted(DECODERS))
def test_the_chosen_level_survives_the_degradation_suite(fixed_sample, site_pngs, decoder, damage):
    """What chose level H (codes/drawing.py): every decoder reads every damaged code of the fixed sample."""
    damaged = damages(8, qr.QUIET_ZONE)[damage]  # the site's PNGs are 8 px a module
    for row in fixed_sample[:4]:
        assert DECODERS[decoder](damaged(site_pngs[row["code_id"]].convert("L"))) == [row["url"]], row["code_id"]


def test_the_payload_keeps_the_scheme_in_lower_case_bytes_and_the_rest_alphanumeric():
    assert qr.payload_segments("https://JD.EXAMPLE.ORG/Q/BT000101") == [
        ("https://", "byte"),
        ("JD.EXAMPLE.ORG/Q/BT000101", "alphanumeric"),
    ]
    # An id first published in lower case keeps its spelling, in bytes; so does a path's.
    assert qr.payload_segments("https://JD.EXAMPLE.ORG/Q/bt-01") == [
        ("https://", "byte"),
        ("JD.EXAMPLE.ORG/Q/", "alphanumeric"),
        ("bt-01", "byte"),
    ]
    assert qr.payload_segments("https://JD.EXAMPLE.ORG/jd/Q/BT01") == [
        ("https://JD.EXAMPLE.ORG/jd/Q/", "byte"),
        ("BT01", "alphanumeric"),
    ]
    symbol = qr.make_symbol("https://JD.EXAMPLE.ORG/Q/BT000101")
    assert (symbol.version, symbol.error) == (4, "H")
    with pytest.raises(ValueError):
        qr.payload_segments("HTTPS://JD.EXAMPLE.ORG/Q/BT000101")


@pytest.mark.parametrize("decoder", sorted(DECODERS))
def test_boards_decode_and_name_who_answers_for_the_project(kit, decoder):
    """A 工程公示牌 rendered whole at 25 dpi (a photograph of the board from a few metres): the code
    reads with every decoder, and the board holds the project's people and numbers."""
    archive = check_export(SAMPLE, kit.out / "no-register.csv").archive
    projects = {r.project.key: r.project for r in archive.projects}
    # Six boards, two of them of one project with several codes: each shows its own code and place.
    several = next(key for key, n in Counter(row["project_id"] for row in kit.rows).items() if n > 1)
    boards = [row for row in kit.rows if row["project_id"] == several][:2]
    boards += kit.rows[:: len(kit.rows) // 4][:4]
    for row in boards:
        pdf = kit.out / row["panel_pdf"]
        assert DECODERS[decoder](render_pdf_page(pdf, 25)) == [row["url"]], row["project_id"]
        if decoder != "zxing-cpp":
            continue
        text = re.sub(
            r"\s+", "", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
        )
        p = projects[row["project_id"].casefold()]
        for shown in (p.name, p.owner, p.contractor or "未填报", p.supervisor or "未填报", p.department, "12388"):
            assert re.sub(r"\s+", "", shown) in text, (row["project_id"], shown)
        place = re.sub(r"\s+", "", f"（{row['label']}）") if row["label"] else ""
        assert f"编号{row['code_id']}{place}" in text and row["short_url"] in text
        box = re.search(rb"/MediaBox \[ 0 0 ([\d.]+) ([\d.]+) \]", pdf.read_bytes())
        assert (round(float(box.group(1)) * 25.4 / 72), round(float(box.group(2)) * 25.4 / 72)) == (1200, 900)


def test_board_svg_holds_the_sites_symbol_and_room_for_a_second_script(kit):
    row = next(row for row in kit.rows if row["panel_svg"])
    board = ET.parse(kit.out / row["panel_svg"]).getroot()
    master = ET.parse(kit.out / row["master_svg"]).getroot()
    assert board.find(f"{SVG}path").get("d") == master.find(f"{SVG}path").get("d")
    assert (board.get("width"), board.get("height")) == ("1200.0mm", "900.0mm")
    bands = board.find(f"{SVG}g[@id='second-script']")
    assert len(bands) == 1 + 5, "under the name and under each of the five lines"


def test_board_size_is_a_setting(tmp_path):
    from generator.codes import panel
    from generator.errors import SettingsInvalid
    from generator.settings import load_settings

    (tmp_path / "mkdocs.yml").write_text(
        "extra:\n  board:\n    width_mm: 1500\n    height_mm: 1000\n", encoding="utf-8"
    )
    assert load_settings(tmp_path).board_mm == (1500.0, 1000.0)
    (tmp_path / "mkdocs.yml").write_text("extra:\n  board:\n    width_mm: 12\n", encoding="utf-8")
    with pytest.raises(SettingsInvalid, match="extra.board.width_mm"):
        load_settings(tmp_path)
    code = signs.sign_code("BT0001", "BT-1", "工程", "", "2021-11", "https://X/Q/")
    layout = panel.panel_layout(code, (("建设单位", "某公司"),), 1500, 1000)
    assert (layout.width, layout.height) == (1500, 1000)
    assert layout.symbol_side <= 1500 * 0.38 and layout.module % signs.MODULE_STEP_MM == 0


def test_proof_sheets_label_every_code(kit):
    text = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(kit.out / signkit.PROOFS_NAME), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    flat = re.sub(r"\s+", "", text)
    for row in kit.rows[: signs.PER_SHEET]:
        assert row["project_name"] in flat
        assert row["code_id"] in flat and row["short_url"] in flat
    assert flat.count(re.sub(r"\s+", "", signs.SLOGAN)) == signs.PER_SHEET
    assert flat.count(signs.KEEP_CLEAR_NOTE) >= signs.PER_SHEET


def test_masters_are_full_sign_size(kit):
    for row in kit.rows:
        module = float(row["module_mm"])
        modules = 4 * int(row["qr_version"]) + 17
        assert modules * module >= 500, "the symbol itself is at least 50 cm wide"
        side = (modules + 2 * qr.QUIET_ZONE) * module
        svg = ET.parse(kit.out / row["master_svg"]).getroot()
        assert float(svg.get("width").removesuffix("mm")) >= side
        assert svg.find(f"{SVG}path").get("transform") == f"translate({4 * module} {4 * module}) scale({module})"
        # The page box in points (1 mm = 72/25.4 pt), read from the PDF itself.
        box = re.search(rb"/MediaBox \[ 0 0 ([\d.]+) ([\d.]+) \]", (kit.out / row["master_pdf"]).read_bytes())
        assert float(box.group(1)) * 25.4 / 72 >= side - 0.01
    info = subprocess.run(
        ["pdfinfo", str(kit.out / kit.rows[0]["master_pdf"])],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    width_pt = float(re.search(r"Page size:\s+([\d.]+) x", info).group(1))
    first = kit.rows[0]
    side = (4 * int(first["qr_version"]) + 17 + 2 * qr.QUIET_ZONE) * float(first["module_mm"])
    assert width_pt * 25.4 / 72 >= side - 0.01


def test_master_pdf_scans(kit):
    for row in sample_rows(kit, 5):
        # 8 px a module: the master's own vector symbol, rasterised by poppler.
        image = render_pdf_page(kit.out / row["master_pdf"], 8 * 25.4 / float(row["module_mm"]))
        assert decode(image) == [row["url"]]


def test_svg_master_scans_in_a_real_browser(kit, tmp_path):
    """Chromium draws the SVG master (viewBox, transform, fills) the way a sign maker's software would."""
    from playwright.sync_api import sync_playwright

    rows = sample_rows(kit, 3)
    page_html = tmp_path / "view.html"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 400, "height": 520})
            for row in rows:
                svg_uri = (kit.out / row["master_svg"]).as_uri()
                page_html.write_text(f'<body style="margin:0"><img src="{svg_uri}" style="width:400px">')
                page.goto(page_html.as_uri())
                shot = Image.open(io.BytesIO(page.screenshot()))
                assert decode(shot) == [row["url"]], row["code_id"]
        finally:
            browser.close()


def test_every_pdf_embeds_a_chinese_font(kit):
    proofs = pdf_fonts(kit.out / signkit.PROOFS_NAME)
    for pdf in [kit.out / signkit.PROOFS_NAME] + [kit.out / r["master_pdf"] for r in sample_rows(kit, 5)]:
        fonts = pdf_fonts(pdf)
        assert fonts, pdf
        assert all(f[3] == "yes" and f[4] == "yes" for f in fonts), f"every font embedded as a subset: {fonts}"
        assert all("WenQuanYi" in f[0] for f in fonts)
    assert proofs
    # All 766 masters, read directly: an embedded TrueType program and the CJK font's name.
    for row in kit.rows:
        data = (kit.out / row["master_pdf"]).read_bytes()
        assert b"/FontFile2" in data and b"WenQuanYiMicroHei" in data, row["code_id"]
        assert b"/Helvetica" not in data, "no unembedded base-14 font"


# Damage: blur, rotation, perspective, a low-resolution camera, a covering patch -------------------


def _perspective(image: Image.Image, narrowing: float) -> Image.Image:
    """The sign seen from below and to one side: its top edge `narrowing` shorter than its bottom."""
    w, h = image.size
    pad = w // 10
    target = [
        (pad + narrowing * w / 2, pad),
        (pad + w - narrowing * w / 2, pad),
        (pad + w, pad + h),
        (pad, pad + h),
    ]
    source = [(0, 0), (w, 0), (w, h), (0, h)]
    rows, values = [], []
    for (x, y), (u, v) in zip(target, source):
        rows += [[x, y, 1, 0, 0, 0, -u * x, -u * y], [0, 0, 0, x, y, 1, -v * x, -v * y]]
        values += [u, v]
    coefficients = np.linalg.solve(np.array(rows, float), np.array(values, float))
    return image.transform(
        (w + 2 * pad, h + 2 * pad),
        Image.PERSPECTIVE,
        tuple(coefficients),
        Image.BICUBIC,
        fillcolor=255,
    )


def _patch(image: Image.Image, modules: int, centre: tuple[float, float], fill: int) -> Image.Image:
    """A square covering 15 % of the symbol's area, centred at `centre` (fractions of the symbol)."""
    ppm = image.size[0] / (modules + 2 * qr.QUIET_ZONE)
    side = math.sqrt(0.15) * modules * ppm
    cx = (qr.QUIET_ZONE + centre[0] * modules) * ppm
    cy = (qr.QUIET_ZONE + centre[1] * modules) * ppm
    covered = image.copy()
    ImageDraw.Draw(covered).rectangle([cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2], fill=fill)
    return covered


# Where a bracket, bolt or sticker could land away from the three finder corners: the middle of
# each edge and the one corner without a finder. (A patch this big over the very centre, or a white
# one at the bottom edge, defeats a few of the sample's symbols: level H corrects 11 of each block's
# 35 codewords. That is why the sheets' keep-clear outline covers the whole symbol.)
PATCHES = {
    "top-edge": ((0.5, 0.25), (0, 128)),
    "right-edge": ((0.75, 0.5), (0, 128, 255)),
    "bottom-edge": ((0.5, 0.75), (0, 128)),
    "left-edge": ((0.25, 0.5), (0, 128, 255)),
    "finderless-corner": ((0.78, 0.78), (0, 128, 255)),
}


@pytest.fixture(scope="session")
def sign_photos(kit) -> list[tuple[dict[str, str], Image.Image]]:
    """20 masters rendered by poppler at 8 px a module: the sign as a camera would see it, before damage."""
    return [
        (row, render_pdf_page(kit.out / row["master_pdf"], 8 * 25.4 / float(row["module_mm"])))
        for row in sample_rows(kit)
    ]


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda im, n: im.filter(ImageFilter.GaussianBlur(0.35 * 8)), id="blur-0.35-module"),
        pytest.param(
            lambda im, n: im.rotate(23, expand=True, fillcolor=255, resample=Image.BICUBIC),
            id="rotate-23",
        ),
        pytest.param(lambda im, n: _perspective(im, 0.3), id="perspective-30pct"),
        pytest.param(
            lambda im, n: im.resize((round(im.size[0] * 2.5 / 8), round(im.size[1] * 2.5 / 8)), Image.BOX),
            id="downscale-2.5px-per-module",
        ),
    ],
)
def test_sample_codes_survive_damage(sign_photos, damage):
    for row, photo in sign_photos:
        modules = 4 * int(row["qr_version"]) + 17
        assert decode(damage(photo, modules)) == [row["url"]], row["code_id"]


@pytest.mark.parametrize("place", PATCHES)
def test_sample_codes_survive_a_15_percent_patch_away_from_the_finders(sign_photos, place):
    centre, fills = PATCHES[place]
    for row, photo in sign_photos:
        modules = 4 * int(row["qr_version"]) + 17
        for fill in fills:
            assert decode(_patch(photo, modules, centre, fill)) == [row["url"]], (
                row["code_id"],
                fill,
            )


# --only-new, determinism, refusals ----------------------------------------------------------------


def test_only_new_writes_just_the_newest_releases_first_codes(tmp_path, capsys):
    out = tmp_path / "new"
    assert cli.main(["signs", str(SAMPLE), "--out", str(out), "--only-new", "--work", str(tmp_path)]) == 0
    assert "新增标牌文件包" in capsys.readouterr().out
    releases = check_export(SAMPLE, tmp_path / "none.csv").archive.releases
    earlier = {c.code_id for release in releases[:-1] for c in release.codes}
    expected = sorted(c.code_id for c in releases[-1].codes if c.code_id not in earlier)
    rows = read_manifest(out)
    assert [r["code_id"] for r in rows] == expected
    assert "BT048402" in expected, "a second sign for an existing project, new in 2021-11"
    assert {r["first_release"] for r in rows} == {"2021-11"}
    assert sorted(p.stem for p in (out / signkit.MASTERS_DIR).glob("*.pdf")) == expected
    assert sorted(p.stem for p in (out / signkit.MASTERS_DIR).glob("*.svg")) == expected


def test_same_data_gives_the_same_bytes(kit, tmp_path):
    again = pipeline.make_kit(SAMPLE, kit.out, tmp_path, base_url=BASE_URL)
    assert (again.written, again.removed) == (0, 0), "a rerun into the same kit changes nothing"
    other = tmp_path / "other"
    pipeline.make_kit(SAMPLE, other, tmp_path, base_url=BASE_URL, only_new=True)
    for row in read_manifest(other):
        for name in (row["master_svg"], row["master_pdf"]):
            assert (
                hashlib.sha256((other / name).read_bytes()).digest()
                == hashlib.sha256((kit.out / name).read_bytes()).digest()
            )


def test_the_kit_is_the_same_after_a_site_build_in_the_same_process(tmp_path):
    """mkdocs gets the data's date through SOURCE_DATE_EPOCH, which reportlab reads too: the
    build must not leave it behind for the print files drawn after it."""
    before, after = tmp_path / "before", tmp_path / "after"
    pipeline.make_kit(MINIMAL, before, tmp_path / "w1", base_url=BASE_URL)
    pipeline.build(MINIMAL, tmp_path / "site", tmp_path / "w2", base_url=BASE_URL)
    pipeline.make_kit(MINIMAL, after, tmp_path / "w3", base_url=BASE_URL)
    names = sorted(p.relative_to(before).as_posix() for p in before.rglob("*.pdf"))
    assert names and names == sorted(p.relative_to(after).as_posix() for p in after.rglob("*.pdf"))
    for name in names:
        assert (before / name).read_bytes() == (after / name).read_bytes(), name


def test_invalid_export_writes_nothing(tmp_path, capsys):
    data_root = overlay(MINIMAL, TESTS / "invalid" / "duplicate-ids", tmp_path / "data")
    out = tmp_path / "kit"
    assert cli.main(["signs", str(data_root), "--out", str(out), "--work", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "未生成任何标牌文件" in err and "Traceback" not in err
    assert not out.exists()


def test_missing_font_is_a_clear_message(tmp_path, capsys):
    out = tmp_path / "kit"
    code = cli.main(
        [
            "signs",
            str(MINIMAL),
            "--out",
            str(out),
            "--work",
            str(tmp_path),
            "--font",
            "/nonexistent.ttc",
        ]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert "找不到中文字体文件 /nonexistent.ttc" in err and "fonts-wqy-microhei" in err
    assert not out.exists()


def test_cff_font_is_refused_with_a_reason(tmp_path, capsys):
    not_truetype = tmp_path / "fake.ttf"
    not_truetype.write_bytes(b"OTTO" + bytes(60))
    code = cli.main(
        [
            "signs",
            str(MINIMAL),
            "--out",
            str(tmp_path / "kit"),
            "--work",
            str(tmp_path),
            "--font",
            str(not_truetype),
        ]
    )
    assert code == 1
    assert "无法嵌入 PDF" in capsys.readouterr().err


def test_foreign_output_folder_is_left_alone(tmp_path, capsys):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    assert cli.main(["signs", str(MINIMAL), "--out", str(out), "--work", str(tmp_path)]) == 2
    assert "不是本工具写的标牌文件包" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_usage_errors_exit_2_and_help_has_an_example(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["signs", str(MINIMAL)])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        cli.main(["signs", "--help"])
    assert exc.value.code == 0
    assert "例：portal signs data/sample --out" in capsys.readouterr().out
    assert "portal signs" in (TESTS.parent / "README.md").read_text(encoding="utf-8")


def test_data_is_text_in_the_svg_and_the_manifest():
    code = signs.SignCode(
        "BT0001",
        "BT-1",
        '<b>&"工程"</b>',
        "=HYPERLINK(1)",
        "2021-11",
        "https://X/Q/BT0001",
        "x/Q/BT0001",
        1,
        "H",
        21,
        ((0, 0, 7),),
    )
    signs.load_font(signs.DEFAULT_FONT)
    layout = signs.master_layout(code)
    svg = ET.fromstring(signkit.render_master_svg(code, layout).encode("utf-8"))
    assert svg.find(f"{SVG}title").text == 'BT0001 标牌母版：<b>&"工程"</b>'
    assert any(t.text.startswith('<b>&"工程"</b>') for t in svg.iter(f"{SVG}text"))
    manifest = signkit.render_manifest((code,), {"BT0001": layout})
    row = next(csv.DictReader(io.StringIO(manifest.removeprefix("\ufeff"))))
    assert row["label"] == "'=HYPERLINK(1)"
    assert row["project_name"] == '<b>&"工程"</b>'


def test_characters_the_font_lacks_are_reported():
    signs.load_font(signs.DEFAULT_FONT)
    assert signs.missing_glyphs(["扫码监督", "工程𠀀甲"]) == "𠀀"  # U+20000, CJK extension B
