"""Package shape: exports, import hygiene, and import cost."""

from __future__ import annotations

import ast
import graphlib
import importlib.util
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import clawlib
import clawlib.engine


def test_public_api() -> None:
    assert clawlib.__all__ == [
        "ApplyReport",
        "BuildInput",
        "BuildResult",
        "Check",
        "ClawError",
        "ClawImageInfo",
        "Clawfile",
        "DoctorReport",
        "GeneratedDockerfile",
        "InspectedImage",
        "Plan",
        "PlanDiff",
        "Pod",
        "__version__",
        "apply",
        "build_image",
        "generate_dockerfile",
        "inspect_image",
        "load_pod",
        "plan",
        "plan_pod",
        "read_clawfile",
        "resolve_build_input",
        "run_doctor",
    ]
    for name in clawlib.__all__:
        assert hasattr(clawlib, name), name


def _clawlib_modules() -> list[str]:
    return sorted(module.name for module in pkgutil.walk_packages(clawlib.__path__, "clawlib."))


def test_clawlib_never_loads_a_ui_toolkit_or_the_docker_sdk_at_import() -> None:
    modules = _clawlib_modules()
    assert "clawlib.clawfile._parser" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "bad = sorted({m.split('.')[0] for m in sys.modules}"
        " & {'textual', 'rich', 'clawtui', 'docker', 'requests'})\n"
        "print(','.join(bad))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def test_the_command_line_does_not_load_textual() -> None:
    code = "import sys, clawtui.cli; print('textual' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def _engine_imports() -> dict[str, set[str]]:
    """Each module of ``clawlib.engine`` → the modules of the package it imports anywhere: at
    the top, inside a function, or only for type checking (a cycle hidden in a function or a
    ``TYPE_CHECKING`` block becomes a real one as soon as someone tidies the import up)."""
    package = "clawlib.engine"
    files = {
        package if path.stem == "__init__" else f"{package}.{path.stem}": path
        for path in Path(clawlib.engine.__file__).parent.glob("*.py")
    }
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                relative = "." * node.level + (node.module or "")
                base = importlib.util.resolve_name(relative, package) if node.level else relative
                for alias in node.names:  # ``from . import _x`` imports the module _x
                    targets.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in files else base)
        graph[name] = {target for target in targets if target in files} - {name}
    return graph


def test_the_engine_modules_import_one_way() -> None:
    graph = _engine_imports()
    assert "clawlib.engine._feed" in graph["clawlib.engine._logs"]  # the parse sees imports
    assert "clawlib.engine._docker" in graph["clawlib.engine"]
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as exc:
        pytest.fail(f"clawlib.engine imports in a cycle: {' -> '.join(exc.args[1])}")
