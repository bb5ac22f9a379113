"""Golden test: the generated Markdown of a small data root, compared with committed expected output.

After reviewing an intended change of output, regenerate with `UPDATE_GOLDEN=1 make test`.
"""

from __future__ import annotations

import os
import shutil

from generator import cli

from .conftest import SMALL, TESTS

GOLDEN = TESTS / "golden" / "small"


def _text_files(root):
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.suffix in (".md", ".csv")
    }


def test_generated_pages_match_golden(tmp_path):
    assert cli.main(["build", str(SMALL), "--out", str(tmp_path / "site"), "--work", str(tmp_path)]) == 0
    generated = _text_files(tmp_path / "content") | {
        f"qr/{name}": text for name, text in _text_files(tmp_path / "qr").items()
    }
    if os.environ.get("UPDATE_GOLDEN"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for rel_path, text in generated.items():
            (GOLDEN / rel_path).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel_path).write_text(text, encoding="utf-8")
    expected = _text_files(GOLDEN)
    assert sorted(generated) == sorted(expected)
    for rel_path, text in expected.items():
        assert generated[rel_path] == text, rel_path
