"""The house rules of generator/: stages import only earlier stages, only publish/ writes, modules stay small."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from .conftest import REPO

PACKAGE = REPO / "generator"
# The pipeline's stages in order; shared modules any stage may use; then what drives them.
STAGES = {"read": 1, "validate": 2, "model": 3, "render": 4, "codes": 5, "publish": 6, "pipeline": 7, "cli": 8}
SHARED = {"contract", "errors", "settings", "resources", "urls"}
# The model's record types: what validate makes of the rows, and what every later stage reads.
SHARED_MODULES = {"model.records"}
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
# Calls that change the file system: only publish/ makes them (and runs mkdocs). Path's methods by
# name; os and shutil's functions by module, since `replace` is also str's and dataclasses'.
WRITING_METHODS = {"write_text", "write_bytes", "mkdir", "unlink", "rmdir", "touch", "symlink_to", "hardlink_to"}
WRITING_FUNCTIONS = {
    "replace",
    "rename",
    "remove",
    "unlink",
    "rmdir",
    "mkdir",
    "makedirs",
    "rmtree",
    "copytree",
    "move",
}


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name or "__init__"] = path
    return found


def _part(module: str) -> str:
    return module.split(".")[0]


def _imports(path: Path) -> set[str]:
    """Every generator module the file imports, at its top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("generator"):
            assert node.level == 0, f"{path}: relative import"
            base = node.module.removeprefix("generator").lstrip(".")
            for alias in node.names:
                candidate = f"{base}.{alias.name}" if base else alias.name
                found.add(candidate if candidate in MODULES else base)
        elif isinstance(node, ast.Import):
            found.update(a.name.removeprefix("generator.") for a in node.names if a.name.startswith("generator."))
    return {name for name in found if name}


MODULES = _modules()


@pytest.mark.parametrize("module", sorted(MODULES))
def test_a_module_imports_only_earlier_stages_and_the_shared_modules(module):
    source = _part(module)
    for target in sorted(_imports(MODULES[module])):
        kind = _part(target)
        if kind in SHARED or target in SHARED_MODULES:
            assert source in SHARED or source in STAGES or source in ("__init__", "__main__"), target
            continue
        assert kind in STAGES or target == "cli", f"{module} imports {target}, which is in no stage"
        if source in SHARED:
            pytest.fail(f"shared module {module} imports the stage module {target}")
        if source == "__main__":
            assert target == "cli"
            continue
        # Only the command line drives the pipeline; the pipeline's own modules divide its work.
        assert kind not in ("pipeline", "cli") or source in ("cli", kind), f"{module} imports {target}"
        assert STAGES[kind] <= STAGES[source], f"{module} (stage {source}) imports the later {target}"


def test_modules_import_each_other_without_cycles():
    graph = {module: {t for t in _imports(path) if t in MODULES and t != module} for module, path in MODULES.items()}
    done: set[str] = set()

    def visit(module: str, trail: tuple[str, ...]) -> None:
        if module in trail:
            pytest.fail("import cycle: " + " → ".join((*trail[trail.index(module) :], module)))
        if module in done:
            return
        for target in sorted(graph[module]):
            visit(target, (*trail, module))
        done.add(module)

    for module in sorted(graph):
        visit(module, ())


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _part(m) != "publish"))
def test_only_publish_writes_files_and_runs_mkdocs(module):
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name, owner = node.func.attr, node.func.value
            by_module = isinstance(owner, ast.Name) and owner.id in ("os", "shutil") and name in WRITING_FUNCTIONS
            assert not by_module and name not in WRITING_METHODS, f"{module}:{node.lineno} calls {name}"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "open":
            modes = [a.value for a in node.args[1:2] if isinstance(a, ast.Constant)]
            modes += [k.value.value for k in node.keywords if k.arg == "mode" and isinstance(k.value, ast.Constant)]
            assert not any(set(str(m)) & set("wax+") for m in modes), f"{module}:{node.lineno} opens to write"
        if isinstance(node, ast.ImportFrom | ast.Import):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            assert not any(n.split(".")[0] in ("mkdocs", "properdocs") for n in names), f"{module} imports mkdocs"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_and_functions_stay_small_enough_to_hold_in_your_head(module):
    source = MODULES[module].read_text(encoding="utf-8")
    assert source.count("\n") <= MAX_MODULE_LINES, f"{module}: {source.count(chr(10))} lines"
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            assert length <= MAX_FUNCTION_LINES, f"{module}.{node.name}: {length} lines"


COUNT_ENVIRONMENTS = """
import collections, sys, jinja2
made = collections.Counter()
real_init = jinja2.Environment.__init__
def counting_init(self, *args, **kwargs):
    real_init(self, *args, **kwargs)
    loader = kwargs.get("loader")
    made[tuple(getattr(loader, "searchpath", ()))] += 1
jinja2.Environment.__init__ = counting_init
from generator import cli, resources
code = cli.main(sys.argv[1:])
ours = {path: n for path, n in made.items() if path and path[0].startswith(str(resources.TEMPLATES_DIR))}
print(sorted(ours.items()))
sys.exit(code)
"""


def test_each_kind_of_output_has_one_jinja_environment_built_once_per_build(tmp_path):
    import subprocess
    import sys

    from .conftest import SMALL

    run = subprocess.run(
        [sys.executable, "-c", COUNT_ENVIRONMENTS, "build", str(SMALL), "--out", str(tmp_path / "site")]
        + ["--work", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert run.returncode == 0, run.stderr
    made = ast.literal_eval(run.stdout.strip().splitlines()[-1])
    assert made, "no environment of ours was counted"
    assert all(count == 1 for _, count in made), made  # Markdown pages, XML feeds, SVG charts, terminal text
