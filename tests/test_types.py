"""mypy passes on generator/ with the configuration in pyproject.toml: the stages meet at typed values."""

from __future__ import annotations

from .conftest import REPO


def test_generator_type_checks(tmp_path, monkeypatch):
    from mypy import api

    # From the repository, as `mypy` there runs: pyproject.toml names the files and the strictness.
    # A fresh cache each time, so that no result of an earlier configuration is reused.
    monkeypatch.chdir(REPO)
    report, errors, status = api.run(["--config-file", "pyproject.toml", "--cache-dir", str(tmp_path / "cache")])
    assert status == 0, f"mypy found errors:\n{report}{errors}"
    assert "Success: no issues found" in report
