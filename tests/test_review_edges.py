"""Edges a red-team review found: what validate accepts builds, in bounded time, and nothing leaks."""

from __future__ import annotations

import shutil

import pytest

from generator import cli
from generator.contract import fields
from generator.render.markup import render_restricted_markdown
from generator.validate.lookalikes import facet_key, is_lookalike

from .conftest import MINIMAL


@pytest.mark.parametrize("text", ["[" * 50_000, "[a](" * 12_000, "![" * 25_000, "<" * 50_000])
def test_a_field_full_of_markup_characters_is_shown_as_written_without_parsing(text):
    # The engine would rescan at each of them (minutes for 50 000): such a field is plain text.
    expected = "<p>" + text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "</p>"
    assert str(render_restricted_markdown(text)) == expected.replace('"', "&quot;").replace("'", "&#x27;")


def test_lists_nested_hundreds_deep_are_shown_as_written_and_later_texts_still_render():
    assert str(render_restricted_markdown("- " * 500 + "x")).startswith("<p>- - - ")
    assert (
        str(render_restricted_markdown("段落 **强调**\n\n- 一"))
        == "<p>段落 <strong>强调</strong></p>\n<ul>\n<li>一</li>\n</ul>"
    )


@pytest.mark.parametrize("written", ["0999-05-01", "0001-01-01", "2106-02-08", "9999-12-31", "1899-12-31"])
def test_a_date_far_outside_the_data_s_span_is_refused(written):
    with pytest.raises(fields.FieldError) as refused:
        fields.parse_date(written)
    assert refused.value.expected == "1900–2099 年之间的日期"


@pytest.mark.parametrize("written", ["1900-01-01", "2099-12-31", "2021-11-15"])
def test_dates_in_the_span_are_read(written):
    assert fields.parse_date(written).isoformat() == written


def test_a_joiner_or_variation_selector_after_a_han_character_makes_no_new_facet():
    assert facet_key("青\u200d山区") == facet_key("青山区") == "青山区"
    assert facet_key("吃拿卡要\ufe01") == "吃拿卡要" and is_lookalike("吃拿卡要\ufe01")
    assert facet_key("👨\u200d👩") == "👨\u200d👩"  # in an emoji the joiner is part of what is shown


def test_the_published_register_quotes_a_label_a_spreadsheet_would_run(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(MINIMAL, data)
    codes = data / "2021-11" / "qrcodes.csv"
    codes.write_text(codes.read_text(encoding="utf-8").replace("东门", "=HYPERLINK(A1)"))
    assert cli.main(["build", str(data), "--out", str(tmp_path / "site"), "--work", str(tmp_path)]) == 0
    published = (tmp_path / "site" / "qr" / "register.csv").read_text(encoding="utf-8")
    kept = (tmp_path / "qr" / "register.csv").read_text(encoding="utf-8")
    assert ",'=HYPERLINK(A1)\n" in published and ",=HYPERLINK" not in published
    assert ",=HYPERLINK(A1)," in kept  # the work folder's truth, exact
