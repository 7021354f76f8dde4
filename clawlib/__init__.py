"""clawlib: run fleets of AI-agent containers safely.

The headless library behind ``claw`` and ``clawtui``: Clawfile parsing and emission, image label
reading, drivers, and a thin edge to the Docker engine. It never prints and never imports a UI
toolkit; every error it raises on purpose is a :class:`ClawError`.
"""

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
from clawlib.errors import ClawError

__version__ = "0.1.0"

__all__ = [
    "BuildInput",
    "BuildResult",
    "Check",
    "ClawError",
    "ClawImageInfo",
    "Clawfile",
    "DoctorReport",
    "GeneratedDockerfile",
    "InspectedImage",
    "__version__",
    "build_image",
    "generate_dockerfile",
    "inspect_image",
    "read_clawfile",
    "resolve_build_input",
    "run_doctor",
]
