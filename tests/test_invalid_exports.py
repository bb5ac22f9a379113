"""One folder per invalid export under tests/invalid/, each with the exact messages expected.

Each case is tests/data/minimal with the case's files laid over it. Set
UPDATE_EXPECTED=1 to rewrite expected.txt after reviewing a change of wording.
"""

from __future__ import annotations

import os

import pytest

from generator import cli

from .conftest import MINIMAL, TESTS, overlay

CASES = sorted(p for p in (TESTS / "invalid").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_invalid_export_reports_every_problem(case, tmp_path, capsys):
    data_root = overlay(MINIMAL, case, tmp_path / "data")
    args_file = case / "args.txt"
    extra = args_file.read_text().split() if args_file.exists() else []
    exit_code = cli.main(["validate", str(data_root), "--work", str(tmp_path), *extra])
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    problems, summary = lines[:-1], lines[-1]
    expected_file = case / "expected.txt"
    if os.environ.get("UPDATE_EXPECTED"):
        expected_file.write_text("\n".join(problems) + "\n", encoding="utf-8")
    assert exit_code == 1
    assert summary.startswith("校验未通过")
    assert problems == expected_file.read_text(encoding="utf-8").splitlines()
