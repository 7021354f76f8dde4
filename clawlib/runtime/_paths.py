"""Files a pod names (contract, skills, includes, persona, Clawfiles): inside the pod directory,
or nothing.

Every check fails closed: a path that is absolute, climbs out with ``..``, holds a NUL, is too
long, is missing, is not a regular file (or directory), or is a symlink leading outside the pod
directory is refused with the reason. Files are read with
:func:`~clawlib._files.read_regular`: never a named pipe, never more than the input limit.
"""

from __future__ import annotations

import os
from pathlib import Path

from clawlib._files import path_too_long, read_regular
from clawlib.errors import InvalidValueError, UnreadableFileError

__all__ = ["find_pod_file", "pod_file", "read_pod_file"]


def pod_file(pod_dir: Path, relative: str, what: str, *, directory: bool = False) -> Path:
    """The real path of the regular file (or, with ``directory``, the directory) ``relative``
    names inside ``pod_dir``.

    ``what`` names the file in messages ("contract", "skill", ...). Raises
    :class:`InvalidValueError` saying what is wrong.
    """
    found = find_pod_file(pod_dir, relative, what, directory=directory)
    if found is None:
        looked = Path(_normalise(pod_dir.resolve() / relative.strip().removeprefix("file://")))
        raise InvalidValueError(f'{what} "{relative}" not found (looked for {looked})')
    return found


def find_pod_file(
    pod_dir: Path, relative: str, what: str, *, directory: bool = False
) -> Path | None:
    """As :func:`pod_file`, but None when nothing is at the path."""
    text = relative.strip()
    if not text:
        raise InvalidValueError(f"{what} path is empty")
    if text.startswith("file://"):
        text = text.removeprefix("file://")
    shown = relative.encode("unicode_escape").decode() if "\0" in relative else relative
    if "\0" in text:
        raise InvalidValueError(f'{what} "{shown}" holds a NUL character, which no path can')
    if path_too_long(text):
        raise InvalidValueError(f'{what} "{relative}" is a path too long for the file system')
    if Path(text).is_absolute():
        raise InvalidValueError(f'{what} "{relative}" must be a path relative to the pod directory')
    root = pod_dir.resolve()
    lexical = Path(_normalise(root / text))
    if not _inside(lexical, root):
        raise InvalidValueError(f'{what} "{relative}" is outside the pod directory')
    try:
        if not os.path.lexists(lexical):
            return None
        real = lexical.resolve()
        if not _inside(real, root):
            raise InvalidValueError(
                f'{what} "{relative}" is a symlink leading outside the pod directory (to {real})'
            )
        if not real.exists():
            raise InvalidValueError(f'{what} "{relative}" is a symlink to nothing ({real})')
        if directory and not real.is_dir():
            raise InvalidValueError(f'{what} "{relative}" is not a directory')
        if not directory and not real.is_file():
            raise InvalidValueError(f'{what} "{relative}" is not a regular file')
    except OSError as exc:
        raise InvalidValueError(f'{what} "{relative}" cannot be read: {exc.strerror}') from exc
    return real


def read_pod_file(pod_dir: Path, relative: str, what: str) -> tuple[Path, bytes]:
    """The real path and the bytes of the file ``relative`` names inside ``pod_dir`` (see
    :func:`pod_file`), at most :data:`~clawlib.limits.MAX_INPUT_BYTES`."""
    real = pod_file(pod_dir, relative, what)
    try:
        return real, read_regular(real)
    except UnreadableFileError as exc:
        raise InvalidValueError(f'{what} "{relative}": {exc.reason}') from exc


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
