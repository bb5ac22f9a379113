"""Meta-tests: every CLI command has help with an example and is in the README; every template is used."""

from __future__ import annotations

import re

import pytest

from generator import cli, render

from .conftest import REPO


def _commands():
    parser = cli._parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return sorted(action.choices)


@pytest.mark.parametrize("command", _commands())
def test_command_has_help_with_example_and_is_in_readme(command, capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main([command, "--help"])
    assert stop.value.code == 0
    assert "例：portal " + command in capsys.readouterr().out
    assert f"portal {command}" in (REPO / "README.md").read_text(encoding="utf-8")


def test_every_page_template_is_used_and_none_trusts_data_with_safe():
    templates = sorted(p.name for p in render.TEMPLATES_DIR.glob("*.j2"))
    sources = "\n".join(
        [p.read_text(encoding="utf-8") for p in sorted((REPO / "generator").glob("*.py"))]
        + [(render.TEMPLATES_DIR / t).read_text(encoding="utf-8") for t in templates]
    )
    for name in templates:
        assert f'"{name}"' in sources, f"{name} is never used"
    for name in templates:
        text = (render.TEMPLATES_DIR / name).read_text(encoding="utf-8")
        assert not re.search(r"\|\s*safe\b", text), f"{name} marks something safe"


def test_page_contexts_document_their_fields():
    import dataclasses

    source = (REPO / "generator" / "render.py").read_text(encoding="utf-8")
    for name, obj in vars(render).items():
        if dataclasses.is_dataclass(obj) and obj.__module__ == render.__name__:
            assert obj.__doc__ and not obj.__doc__.startswith(name + "("), f"{name} has no docstring"
    assert "class ProjectPage" in source


def test_code_is_ruff_clean():
    """ruff for lint and format, as STYLE.md asks: CI keeps the tree clean."""
    import subprocess
    import sys

    folders = ["generator", "tests", "tools", "bench"]
    ruff = [sys.executable, "-m", "ruff"]
    lint = subprocess.run([*ruff, "check", *folders], cwd=REPO, capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout
    formatted = subprocess.run([*ruff, "format", "--check", *folders], cwd=REPO, capture_output=True, text=True)
    assert formatted.returncode == 0, formatted.stdout
