"""Files a pod names (contract, skills, includes, persona): inside the pod directory, or nothing.

Every check fails closed: a path that is absolute, climbs out with ``..``, is missing, is not a
regular file, or is a symlink leading outside the pod directory is refused with the reason.
"""

from __future__ import annotations

from pathlib import Path

from clawlib.errors import InvalidValueError

__all__ = ["pod_file"]


def pod_file(pod_dir: Path, relative: str, what: str, *, directory: bool = False) -> Path:
    """The real path of the regular file (or, with ``directory``, the directory) ``relative``
    names inside ``pod_dir``.

    ``what`` names the file in messages ("contract", "skill", ...). Raises
    :class:`InvalidValueError` saying what is wrong.
    """
    text = relative.strip()
    if not text:
        raise InvalidValueError(f"{what} path is empty")
    if text.startswith("file://"):
        text = text.removeprefix("file://")
    if Path(text).is_absolute():
        raise InvalidValueError(f'{what} "{relative}" must be a path relative to the pod directory')
    root = pod_dir.resolve()
    lexical = Path(_normalise(root / text))
    if not _inside(lexical, root):
        raise InvalidValueError(f'{what} "{relative}" is outside the pod directory')
    if not lexical.exists():
        raise InvalidValueError(f'{what} "{relative}" not found (looked for {lexical})')
    real = lexical.resolve()
    if not _inside(real, root):
        raise InvalidValueError(
            f'{what} "{relative}" is a symlink leading outside the pod directory (to {real})'
        )
    if directory and not real.is_dir():
        raise InvalidValueError(f'{what} "{relative}" is not a directory')
    if not directory and not real.is_file():
        raise InvalidValueError(f'{what} "{relative}" is not a regular file')
    return real


def _normalise(path: Path) -> str:
    parts: list[str] = []
    for part in path.parts:
        if part == "..":
            if len(parts) > 1:
                parts.pop()
        elif part != ".":
            parts.append(part)
    return str(Path(*parts))


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents
