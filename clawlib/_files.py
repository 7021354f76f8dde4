"""Reading input files safely, and writing single files atomically.

:func:`read_regular` is how claw reads every file it is given (a pod file, its ``.env``, a
Clawfile, a contract...): regular files only, never more than a bound. A named pipe would block
the reader forever, a device could be endless, and a 20 MB pod file would take a minute to parse.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

from clawlib.errors import OutputWriteError, UnreadableFileError
from clawlib.limits import MAX_INPUT_BYTES

__all__ = [
    "describe_mode",
    "make_private_dirs",
    "path_too_long",
    "read_regular",
    "write_atomically",
]

_NAME_MAX = 255  # bytes in one file name (Linux)
_PATH_MAX = 4000  # bytes in a relative path, leaving room for the directory it is relative to

_KINDS = {
    stat.S_IFDIR: "a directory",
    stat.S_IFIFO: "a named pipe",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFLNK: "a symbolic link",
}


def describe_mode(mode: int) -> str:
    """What a file of this ``st_mode`` is, in words: ``a named pipe``, ``a regular file``..."""
    if stat.S_ISREG(mode):
        return "a regular file"
    return _KINDS.get(stat.S_IFMT(mode), "not a regular file")


def path_too_long(path: str) -> bool:
    """Whether the relative ``path`` (``/``-separated) is longer than the file system takes,
    as a whole or in one of its names: claw says so rather than fail on ENAMETOOLONG."""
    return len(path.encode()) > _PATH_MAX or any(
        len(part.encode()) > _NAME_MAX for part in path.split("/")
    )


def read_regular(path: Path, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of the regular file at ``path`` (symbolic links followed), at most ``limit``.

    Anything else — missing, a directory, a named pipe, a device, larger than ``limit`` —
    raises :class:`UnreadableFileError` without blocking: the file is opened non-blocking and
    checked before a byte is read.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError as exc:
        raise UnreadableFileError(str(path), "no such file", missing=True) from exc
    except OSError as exc:
        raise UnreadableFileError(str(path), _reason(exc)) from exc
    if not stat.S_ISREG(info.st_mode):
        raise UnreadableFileError(
            str(path), f"{describe_mode(info.st_mode)}, not a regular file: claw reads files only"
        )
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise UnreadableFileError(str(path), _reason(exc)) from exc
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):  # replaced between the two looks
            raise UnreadableFileError(str(path), f"{describe_mode(info.st_mode)}, not a file")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise UnreadableFileError(
            str(path), f"larger than {_size(limit)}, the most claw reads from one input file"
        )
    return data


def _size(count: int) -> str:
    for unit, size in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if count % size == 0:
            return f"{count // size} {unit}"
    return f"{count} bytes"


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENAMETOOLONG:
        return "the path is too long for the file system"
    return f"cannot read: {exc.strerror or exc}"


def make_private_dirs(directory: Path) -> None:
    """Create ``directory`` and its missing parents, each readable by the owner only."""
    missing = []
    while not directory.exists():
        missing.append(directory)
        directory = directory.parent
    for item in reversed(missing):
        item.mkdir(mode=0o700)


def write_atomically(path: Path, content: bytes, mode: int = 0o644) -> None:
    """Write ``content`` to a temporary file beside ``path``, flush it to disk, then rename it
    over ``path``: a reader sees the old file or the new one, never half of one. Missing parent
    directories are created private. Raises :class:`OutputWriteError`.

    For one file outside a pod (``claw build``'s generated Dockerfile); a pod's generated files
    are written together by :mod:`clawlib.generated`.
    """
    try:
        make_private_dirs(path.parent)
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise OutputWriteError(str(path), exc.strerror or str(exc)) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise OutputWriteError(str(path), exc.strerror or str(exc)) from exc
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
