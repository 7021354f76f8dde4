"""The one guard every generated path passes: what claw may write, and where.

claw writes three kinds of file inside a pod directory and nothing else: the compose file
(``compose.generated.yml``), the runtime tree (``.claw-runtime/…``), and the Dockerfiles it
generates from Clawfiles (``Dockerfile.generated``, ``Dockerfile.<x>.generated``). A path is
accepted only when it is relative, clean (no ``..``, ``.``, empty or over-long parts, no control
characters) and names one of those, so that no service name, driver or kept manifest can lead a
write onto the pod file, a Clawfile, or anything outside the pod directory.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from clawlib._files import path_too_long
from clawlib.errors import UnsafePathError

__all__ = [
    "COMPOSE_FILE",
    "PREVIOUS_DIR",
    "RUNTIME_DIR",
    "check_generated_path",
    "is_runtime_path",
]

COMPOSE_FILE = "compose.generated.yml"
"""The compose file docker compose runs, at the top of the pod directory."""
RUNTIME_DIR = ".claw-runtime"
"""The runtime tree: one directory per claw service, plus claw's own dot-entries."""
PREVIOUS_DIR = f"{RUNTIME_DIR}/.previous"
"""Where the generation replaced by the last apply is kept."""

_DOCKERFILE = re.compile(r"Dockerfile(\..+)?\.generated")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def check_generated_path(path: str, *, internal: bool = False) -> str:
    """``path`` (POSIX, relative to the pod directory) when claw may write it; raises
    :class:`UnsafePathError` saying why not.

    ``internal`` also admits claw's own bookkeeping under ``.claw-runtime/`` (entries whose name
    starts with a dot there: the kept generation, staging, the journal).
    """
    if not isinstance(path, str) or not path:
        raise UnsafePathError(repr(path), "an empty path")
    shown = path if not _CONTROL.search(path) else path.encode("unicode_escape").decode()
    if _CONTROL.search(path):
        raise UnsafePathError(shown, "a path with control characters in it")
    if path.startswith("/") or "\\" in path:
        raise UnsafePathError(shown, "not a path relative to the pod directory")
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise UnsafePathError(shown, 'a path must not hold "..", "." or empty parts')
    if path_too_long(path):
        raise UnsafePathError(shown, "a path too long for the file system")
    if path == COMPOSE_FILE or _DOCKERFILE.fullmatch(parts[-1]):
        return path
    if parts[0] == RUNTIME_DIR and len(parts) > 1:
        if parts[1].startswith(".") and not internal:
            raise UnsafePathError(shown, f"{RUNTIME_DIR}/.* is claw's own bookkeeping")
        return path
    raise UnsafePathError(
        shown,
        f"not a generated file (claw writes only {COMPOSE_FILE}, {RUNTIME_DIR}/… and "
        "Dockerfile*.generated)",
    )


def is_runtime_path(path: str) -> bool:
    """Whether ``path`` lies in the runtime tree, where claw makes and replaces directories."""
    return PurePosixPath(path).parts[:1] == (RUNTIME_DIR,) and path != RUNTIME_DIR
