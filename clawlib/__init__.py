"""clawlib: run fleets of AI-agent containers safely.

The headless library behind ``claw`` and ``clawtui``: Clawfile parsing and emission, image label
reading, drivers, and a thin edge to the Docker engine. It never prints and never imports a UI
toolkit; every error it raises on purpose is a :class:`ClawError`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from clawlib.errors import ClawError

if TYPE_CHECKING:
    from clawlib.api import (
        BuildInput,
        BuildResult,
        GeneratedDockerfile,
        InspectedImage,
        build_image,
        generate_dockerfile,
        inspect_image,
        resolve_build_input,
    )
    from clawlib.clawfile import Clawfile, ClawImageInfo, read_clawfile
    from clawlib.doctor import Check, DoctorReport, run_doctor
    from clawlib.lifecycle import ApplyReport, apply
    from clawlib.planner import Plan, PlanDiff, plan_pod
    from clawlib.pod import Pod, load_pod
    from clawlib.session import PodSession, PodStatus, open_pod

# Imported on first use, so that `import clawlib` (and every `import clawlib.x`, which imports
# this package first) costs only the error classes: the rest brings in pydantic, PyYAML and the
# whole pipeline, which `claw --version` does not need.
_LAZY = {
    "ApplyReport": "clawlib.lifecycle",
    "BuildInput": "clawlib.api",
    "BuildResult": "clawlib.api",
    "Check": "clawlib.doctor",
    "ClawImageInfo": "clawlib.clawfile",
    "Clawfile": "clawlib.clawfile",
    "DoctorReport": "clawlib.doctor",
    "GeneratedDockerfile": "clawlib.api",
    "InspectedImage": "clawlib.api",
    "Plan": "clawlib.planner",
    "PlanDiff": "clawlib.planner",
    "Pod": "clawlib.pod",
    "PodSession": "clawlib.session",
    "PodStatus": "clawlib.session",
    "apply": "clawlib.lifecycle",
    "build_image": "clawlib.api",
    "generate_dockerfile": "clawlib.api",
    "inspect_image": "clawlib.api",
    "load_pod": "clawlib.pod",
    "open_pod": "clawlib.session",
    "plan_pod": "clawlib.planner",
    "read_clawfile": "clawlib.clawfile",
    "resolve_build_input": "clawlib.api",
    "run_doctor": "clawlib.doctor",
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'clawlib' has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


__version__ = "0.1.0"

__all__ = [
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
    "PodSession",
    "PodStatus",
    "__version__",
    "apply",
    "build_image",
    "generate_dockerfile",
    "inspect_image",
    "load_pod",
    "open_pod",
    "plan_pod",
    "read_clawfile",
    "resolve_build_input",
    "run_doctor",
]
