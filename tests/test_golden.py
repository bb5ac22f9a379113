"""Golden test: every file a small data root's build puts in content/, and the register, compared byte for byte
with committed expected output.

After reviewing an intended change of output, regenerate with `UPDATE_GOLDEN=1 make test`.
"""

from __future__ import annotations

import os
import shutil

from generator import cli

from .conftest import SMALL, TESTS

GOLDEN = TESTS / "golden" / "small"


def _files(root, suffixes=None):
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and (suffixes is None or p.suffix in suffixes)
    }


def test_generated_pages_match_golden(tmp_path):
    assert cli.main(["build", str(SMALL), "--out", str(tmp_path / "site"), "--work", str(tmp_path)]) == 0
    # Every file of content/: pages, alias pages, feeds, downloads, charts, code images; of qr/ the register.
    generated = _files(tmp_path / "content") | {
        f"qr/{name}": data for name, data in _files(tmp_path / "qr", (".csv",)).items()
    }
    if os.environ.get("UPDATE_GOLDEN"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for rel_path, text in generated.items():
            (GOLDEN / rel_path).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel_path).write_bytes(text)
    expected = _files(GOLDEN)
    assert sorted(generated) == sorted(expected)
    for rel_path, text in expected.items():
        assert generated[rel_path] == text, rel_path
