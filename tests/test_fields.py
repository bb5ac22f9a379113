"""Cell parsers: every normalisation the contract names, and refusals with what was expected."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from generator.contract import fields
from generator.validate.privacy import find_private_number
from generator.contract.schema import PROJECTS


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("1234.5", Decimal("1234.5")),
        ("1,234.5", Decimal("1234.5")),
        ("１，２３４．５", Decimal("1234.5")),
        ("\u3000 12500 \u3000", Decimal("12500")),
        (12500, Decimal("12500")),
        (0.1, Decimal("0.1")),
        ("0", Decimal("0")),
    ],
)
def test_decimal_accepts(raw, expected):
    assert fields.parse_decimal(raw) == expected


@pytest.mark.parametrize("raw", ["12 000,5", "1,23,4", "-1", "abc", "1.2.3", "1e5", "NaN", True])
def test_decimal_refuses(raw):
    with pytest.raises(fields.FieldError):
        fields.parse_decimal(raw)


@pytest.mark.parametrize(
    "raw",
    [
        "2021-11-05",
        "2021/11/5",
        "2021.11.05",
        "2021年11月5日",
        "２０２１－１１－０５",
        " 2021/11/05 ",
        datetime(2021, 11, 5, 14, 30),
        date(2021, 11, 5),
    ],
)
def test_date_accepts_every_written_form(raw):
    assert fields.parse_date(raw) == date(2021, 11, 5)


@pytest.mark.parametrize("raw", ["2021-11-31", "2021-13-01", "2021/11-05", "21-11-05", "11/05/2021", "明年"])
def test_date_refuses(raw):
    with pytest.raises(fields.FieldError):
        fields.parse_date(raw)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("85", 85),
        ("85%", 85),
        ("８５％", 85),
        ("0.85", Decimal("0.85")),
        (fields.SheetPercent(0.85), 85),
        ("100", 100),
        ("0", 0),
        ("12.5%", Decimal("12.5")),
    ],
)
def test_percent(raw, expected):
    assert fields.parse_percent(raw) == Decimal(expected)


@pytest.mark.parametrize("raw", ["101", "-1", "85%%", fields.SheetPercent(1.2)])
def test_percent_refuses(raw):
    with pytest.raises(fields.FieldError):
        fields.parse_percent(raw)


@pytest.mark.parametrize("raw", ["0472-5123456", "12388", "+86 (472) 512 3456", "１２３４５"])
def test_phone_accepts(raw):
    assert fields.parse_phone(raw)


@pytest.mark.parametrize("raw", ["12", "0472-512345６x", "1" * 21, "tel:12388"])
def test_phone_refuses(raw):
    with pytest.raises(fields.FieldError):
        fields.parse_phone(raw)


def test_tel_uri_keeps_digits_and_plus():
    assert fields.tel_uri("+86 (472) 512-3456") == "tel:+864725123456"


@pytest.mark.parametrize("raw", ["BT-0001", "abc", "A" * 32])
def test_id_accepts(raw):
    assert fields.parse_id(raw) == raw


@pytest.mark.parametrize("raw", ["ab", "A" * 33, "BT_0001", "BT 0001", "项目1", "../x"])
def test_id_refuses(raw):
    with pytest.raises(fields.FieldError):
        fields.parse_id(raw)


@pytest.mark.parametrize(
    "header, key",
    [
        ("总投资(万元)", "total_investment"),
        ("总投资（万元）", "total_investment"),
        ("TOTAL_INVESTMENT", "total_investment"),
        (" 项目编号 ", "project_id"),
        ("形象进度(％)", "progress"),
        ("备注", None),
    ],
)
def test_headers_in_either_language_and_bracket_width(header, key):
    assert PROJECTS.key_for_header(header) == key


@pytest.mark.parametrize("status, expected", [("在建", "在建"), ("building", "在建"), ("Completed", "竣工")])
def test_status_in_either_language(status, expected):
    assert PROJECTS.column("status").parse(status) == expected


@pytest.mark.parametrize(
    "text, kind",
    [
        ("联系13812345678", "手机号码"),
        ("138 1234 5678", "手机号码"),
        ("138-1234-5678", "手机号码"),
        ("+86 13812345678", "手机号码"),
        ("+8613812345678", "手机号码"),
        ("１３８１２３４５６７８", "手机号码"),
        ("11010519491231002X", "身份证号码"),
        ("身份证号11010519491231002x。", "身份证号码"),
        ("编号213812345678", None),  # part of a longer run of digits
        ("12812345678", None),  # 12 is no mobile prefix
        ("110105194912310021", None),  # wrong check digit
        ("0472-5123456", None),
        ("", None),
        # Any dash, dot, slash or space between any groups is the same number to a reader.
        ("举报人电话138–1234–5678", "手机号码"),
        ("138‐1234‐5678", "手机号码"),
        ("138‑1234‑5678", "手机号码"),
        ("138—1234—5678", "手机号码"),
        ("138−1234−5678", "手机号码"),
        ("138ー1234ー5678", "手机号码"),
        ("138.1234-5678", "手机号码"),
        ("身份证110105‐19491231‐002X", "身份证号码"),
        ("110105-1949-1231-002X", "身份证号码"),
        ("110105.19491231.002X", "身份证号码"),
        ("110105/19491231/002X", "身份证号码"),
        ("110105  19491231  002X", "身份证号码"),
        ("坐标109.8212345,40.66", None),
        # Line breaks, tabs, runs of spaces, and Markdown a reader does not see between the digits.
        ("举报人电话 **138**1234-5678 已核实。", "手机号码"),
        ("孙某明手机139\n2345\n6789", "手机号码"),
        ("另一号码 137\\-1234\\-5678", "手机号码"),
        ("联系 [136](https://example.org)12345678", "手机号码"),
        ("[链接](https://x.example/13812345678)", "手机号码"),
        ("135    1234    5678", "手机号码"),
        ("联系人158\t1234\t5678", "手机号码"),
        ("投资 12,500 万元，2021年", None),
        ("2021-11-15 13:00", None),
    ],
)
def test_private_numbers(text, kind):
    assert find_private_number(text) == kind
