"""Package shape: exports, import hygiene, and import cost."""

from __future__ import annotations

import ast
import graphlib
import importlib.util
import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import clawlib
import clawlib.engine
import clawtui.cli


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


def _loaded_after(code: str) -> set[str]:
    """The top-level packages and the ``clawtui.cli`` modules a fresh interpreter has loaded after
    running ``code``."""
    script = (
        "import sys\n"
        f"{code}\n"
        "names = {m.split('.')[0] for m in sys.modules}\n"
        "names |= {m for m in sys.modules if m.startswith('clawtui.cli.')}\n"
        "print('\\n' + ','.join(sorted(names)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return set(done.stdout.splitlines()[-1].split(","))


_HEAVY = {"docker", "pydantic", "rich", "textual", "yaml"}


def _claw(*argv: str) -> str:
    """Code that runs ``claw argv`` in the interpreter, as the console script does."""
    return (
        "from clawtui.cli import main\n"
        "try:\n"
        f"    main({list(argv)!r})\n"
        "except SystemExit:\n"
        "    pass\n"
    )


def test_import_clawlib_loads_its_errors_only() -> None:
    code = "import sys, clawlib; print(sorted(m for m in sys.modules if m.startswith('claw')))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['clawlib', 'clawlib.errors']"


@pytest.mark.parametrize("option", ["--version", "--help"])
def test_claw_version_and_help_import_neither_the_verbs_nor_their_libraries(option: str) -> None:
    loaded = _loaded_after(_claw(option))
    assert loaded & _HEAVY == set()
    assert {m for m in loaded if m.startswith("clawtui.cli.")} == {
        "clawtui.cli._main",
        "clawtui.cli._output",
    }


def test_a_verb_imports_its_own_module_only() -> None:
    loaded = _loaded_after(_claw("ps", "--help"))
    assert {"clawtui.cli._ps", "clawtui.cli._args"} <= loaded
    assert {"clawtui.cli._up", "clawtui.cli._logs", "clawtui.cli._tui"}.isdisjoint(loaded)
    assert {"textual", "rich"}.isdisjoint(loaded)


def test_no_command_line_module_loads_textual() -> None:
    """`claw tui` opens the app, importing it inside the function that runs the verb: the import
    contracts allow that one import (pyproject.toml), this checks it stays inside a function."""
    modules = sorted(
        module.name for module in pkgutil.walk_packages(clawtui.cli.__path__, "clawtui.cli.")
    )
    assert "clawtui.cli._tui" in modules
    loaded = _loaded_after(
        f"import importlib\nfor name in {modules!r}: importlib.import_module(name)"
    )
    assert {"textual", "rich"}.isdisjoint(loaded)


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


def test_the_proxy_contracts_name_every_other_clawlib_module() -> None:
    """The proxy's image carries ``clawlib/proxy/`` alone under a stub ``clawlib/__init__.py``
    (clawlib.images), and nothing else of clawlib imports it or aiohttp: both import contracts
    must name every other module of clawlib, including new ones."""
    pyproject = Path(clawlib.__file__).parents[1] / "pyproject.toml"
    contracts = tomllib.loads(pyproject.read_text())["tool"]["importlinter"]["contracts"]
    by_id = {contract["id"]: contract for contract in contracts}
    others = sorted(
        f"clawlib.{module.name}"
        for module in pkgutil.iter_modules(clawlib.__path__)
        if module.name != "proxy"
    )
    assert "clawlib.images" in others
    assert by_id["proxy-alone"]["source_modules"] == ["clawlib.proxy"]
    assert sorted(by_id["proxy-alone"]["forbidden_modules"]) == others
    users = by_id["proxy"]["source_modules"]
    assert sorted(m for m in users if m.startswith("clawlib")) == others
    assert by_id["proxy"]["forbidden_modules"] == ["aiohttp", "clawlib.proxy"]
