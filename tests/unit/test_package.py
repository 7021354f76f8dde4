"""Package shape: exports, import hygiene, and import cost."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import clawlib


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
