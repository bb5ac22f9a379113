"""Meta-tests: every CLI command has help with an example and is in the README; every template is used."""

from __future__ import annotations

import ast
import re

import pytest

from generator import cli
from generator.render import environment as render

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
        [p.read_text(encoding="utf-8") for p in sorted((REPO / "generator").rglob("*.py"))]
        + [(render.TEMPLATES_DIR / t).read_text(encoding="utf-8") for t in templates]
    )
    for name in templates:
        assert f'"{name}"' in sources, f"{name} is never used"
    for name in templates:
        text = (render.TEMPLATES_DIR / name).read_text(encoding="utf-8")
        assert not re.search(r"\|\s*safe\b", text), f"{name} marks something safe"


def _page_contexts() -> list[tuple[str, ast.ClassDef, list[str]]]:
    """Every page context of the render stage: a dataclass a template gets as `page`, by module."""
    found = []
    for path in sorted((REPO / "generator" / "render").glob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for node in ast.parse("\n".join(lines)).body:
            decorated = isinstance(node, ast.ClassDef) and any(
                "dataclass" in ast.unparse(d) for d in node.decorator_list
            )
            if decorated and node.name.endswith(("Page", "Context")):
                found.append((path.stem, node, lines))
    return found


def test_there_are_page_contexts_to_check():
    names = {node.name for _, node, _ in _page_contexts()}
    assert {"ProjectPage", "HomePage", "CasePage", "BulletinPage", "WithdrawnPage"} - names <= {"WithdrawnPage"}
    assert len(names) >= 15


@pytest.mark.parametrize("module, node, lines", _page_contexts(), ids=lambda v: getattr(v, "name", None))
def test_every_page_context_says_what_it_is_and_what_each_field_means(module, node, lines):
    docstring = ast.get_docstring(node)
    assert docstring and not docstring.startswith(node.name + "("), f"{module}.{node.name} has no docstring"
    for item in node.body:
        if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            name = item.target.id
            line = lines[item.lineno - 1]
            # Its help text: a comment on its line, or the docstring naming it.
            assert "#" in line or f"`{name}`" in docstring or name in docstring.split(), f"{node.name}.{name}"


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


# A path beside the repository, which a fresh clone does not have: the parent folder's shared/ (written
# with slashes, backslashes or as path parts joined in code), or the shared folder's spec/ and oc4ids/
# named without it. The examples below spell it SHARED so that this file does not name such a path itself.
_QUOTE = "[\"']?"
_SEP = rf"{_QUOTE}\s*[/\\,]\s*{_QUOTE}"
OUTSIDE_PATH = re.compile(rf"\.\.{_SEP}shared\b|\bshared{_SEP}(?:oc4ids|spec)\b|\bparent\s*/\s*{_QUOTE}shared\b")


def _lines_naming_paths_outside(rel_paths: list[str]) -> list[str]:
    found = []
    for rel_path in rel_paths:
        path = REPO / rel_path
        if not path.is_file():  # deleted in the work tree, still in the index
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        found.extend(
            f"{rel_path}:{number}: {line.strip()}"
            for number, line in enumerate(text.splitlines(), 1)
            if OUTSIDE_PATH.search(line)
        )
    return found


@pytest.mark.parametrize(
    "line",
    [
        'OC4IDS = Path(REPO).parent / "SHARED" / "oc4ids"',
        'SPEC = Path(REPO).parent / "SHARED"',
        "see ../SHARED/spec/export-format.md",
        "SPEC := $(CURDIR)/..\\SHARED",
        "that SHARED/spec/export-format.md allows",
        'schema = os.path.join(ROOT, "..", "SHARED", "oc4ids")',
    ],
)
def test_paths_outside_the_repository_are_recognised(line):
    assert OUTSIDE_PATH.search(line.replace("SHARED", "shared"))
    assert not OUTSIDE_PATH.search(line)


def test_no_tracked_file_but_markdown_refers_to_a_path_outside_the_repository():
    """The repository is self-contained: no test, tool, code or setting reads beside the clone (issue #11)."""
    import subprocess

    listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True)
    rel_paths = [p for p in listed.stdout.decode("utf-8").split("\0") if p and not p.endswith(".md")]
    assert "tests/test_meta.py" in rel_paths
    assert _lines_naming_paths_outside(rel_paths) == []
