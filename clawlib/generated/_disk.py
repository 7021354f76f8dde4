"""The generated files as they are on disk, read without ever following a symbolic link.

Every look walks from the pod directory one name at a time (``openat`` with ``O_NOFOLLOW``), so a
link anywhere on the way — ``.claw-runtime`` itself, a service's directory, the file — is seen as
a link and never entered, even when a container swaps one in while claw reads (the runtime tree
is partly mounted read-write into untrusted containers). Named pipes and devices are never
opened: a pipe would block the reader for ever.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from clawlib._files import describe_mode
from clawlib.errors import UnsafePathError
from clawlib.limits import MAX_INPUT_BYTES

__all__ = ["DIR_FLAGS", "DiskEntry", "list_tree", "lstat_at", "open_dir", "read_entry", "walk_dirs"]

DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


@dataclass(frozen=True, slots=True)
class DiskEntry:
    """What is at a path: ``missing``; a regular ``file`` (its content and permission bits); a
    ``link``; or some ``other`` thing (a directory, a named pipe, a device).

    For ``link`` and ``other``, ``at`` is the path of the entry in the way (the path itself, or
    one of its parent directories) and ``detail`` says what it is (``a symbolic link to /x``).
    A file larger than the read limit has ``content`` None.
    """

    kind: Literal["missing", "file", "link", "other"]
    content: bytes | None = None
    mode: int = 0
    at: str = ""
    detail: str = ""
    owner: tuple[int, int] | None = None
    """A regular file's user and group ids."""

    @property
    def in_the_way(self) -> bool:
        """Something that is not a regular file stands at (or above) the path."""
        return self.kind in ("link", "other")


@contextmanager
def open_dir(root: Path) -> Iterator[int]:
    """A descriptor of the directory ``root`` (the pod directory, links allowed: the user named
    it), closed afterwards."""
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        yield fd
    finally:
        os.close(fd)


def walk_dirs(root_fd: int, parts: Sequence[str]) -> tuple[int | None, DiskEntry | None]:
    """A descriptor of the directory ``parts`` names under ``root_fd``, reached without following
    a link (the caller closes it); or None and why not (missing, a link, something else)."""
    if any(part in ("", ".", "..") or "/" in part for part in parts):
        raise UnsafePathError("/".join(parts), 'claw walks down only (no "..", "." or "//")')
    fd = os.dup(root_fd)
    for index, part in enumerate(parts):
        prefix = "/".join(parts[: index + 1])
        info = lstat_at(fd, part)
        if info is None or not stat.S_ISDIR(info.st_mode):
            why = DiskEntry("missing") if info is None else _entry(fd, part, prefix, info)
            os.close(fd)
            return None, why
        try:
            inner = os.open(part, DIR_FLAGS, dir_fd=fd)
        except OSError:  # replaced by a link or a file since the look
            os.close(fd)
            return None, DiskEntry("other", at=prefix, detail="changed while claw looked at it")
        os.close(fd)
        fd = inner
    return fd, None


def lstat_at(dir_fd: int, name: str) -> os.stat_result | None:
    """What ``name`` in the directory ``dir_fd`` is (a link itself, not what it points to), or
    None when nothing is there."""
    try:
        return os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return None


def _entry(dir_fd: int, name: str, path: str, info: os.stat_result) -> DiskEntry:
    """A link or some other thing that is not a regular file, as an entry in the way."""
    if stat.S_ISLNK(info.st_mode):
        try:
            target = os.readlink(name, dir_fd=dir_fd)
        except OSError:
            target = "?"
        return DiskEntry("link", at=path, detail=f"a symbolic link to {target}")
    return DiskEntry("other", at=path, detail=describe_mode(info.st_mode))


def _parts(path: str) -> list[str]:
    """The names of the relative POSIX ``path``; never ``..``, ``.`` or an empty one, so that a
    walk can only go down."""
    parts = path.split("/")
    if path.startswith("/") or "\0" in path or any(p in ("", ".", "..") for p in parts):
        raise UnsafePathError(path, 'claw reads only clean relative paths (no "..", "." or "//")')
    return parts


def read_entry(root_fd: int, path: str, limit: int = MAX_INPUT_BYTES) -> DiskEntry:
    """What is at ``path`` (relative, POSIX) under ``root_fd``; a regular file's content when it
    holds at most ``limit`` bytes. A path with ``..``, ``.`` or empty parts raises
    :class:`~clawlib.errors.UnsafePathError`."""
    parts = _parts(path)
    parent, why = walk_dirs(root_fd, parts[:-1])
    if parent is None:
        assert why is not None
        return why
    try:
        return _read_file(parent, parts[-1], path, limit)
    finally:
        os.close(parent)


def _read_file(dir_fd: int, name: str, path: str, limit: int) -> DiskEntry:
    info = lstat_at(dir_fd, name)
    if info is None:
        return DiskEntry("missing")
    if not stat.S_ISREG(info.st_mode):
        return _entry(dir_fd, name, path, info)
    try:
        fd = os.open(name, _FILE_FLAGS, dir_fd=dir_fd)
    except FileNotFoundError:
        return DiskEntry("missing")
    except OSError:
        return DiskEntry("other", at=path, detail="changed while claw looked at it")
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            return DiskEntry("other", at=path, detail=describe_mode(info.st_mode))
        data = handle.read(limit + 1)
    mode = stat.S_IMODE(info.st_mode)
    owner = (info.st_uid, info.st_gid)
    return DiskEntry("file", data if len(data) <= limit else None, mode, owner=owner)


def list_tree(
    root_fd: int, top: str, skip: Callable[[str], bool] = lambda path: False
) -> list[tuple[str, DiskEntry]]:
    """Every entry under the directory ``top`` that is not a directory (files, links, pipes...),
    sorted by path, without entering links; a directory for which ``skip`` is true is not
    entered. Regular files come without their content (``content`` None)."""
    found: list[tuple[str, DiskEntry]] = []
    start, _ = walk_dirs(root_fd, _parts(top))
    if start is None:
        return found
    pending = [(start, top)]
    while pending:
        fd, prefix = pending.pop()
        try:
            with os.scandir(fd) as entries:
                items = sorted(entries, key=lambda e: e.name)
            for item in items:
                path = f"{prefix}/{item.name}"
                info = item.stat(follow_symlinks=False)
                if stat.S_ISDIR(info.st_mode):
                    if skip(path):
                        continue
                    with suppress(OSError):
                        pending.append((os.open(item.name, DIR_FLAGS, dir_fd=fd), path))
                elif stat.S_ISREG(info.st_mode):
                    found.append((path, DiskEntry("file", None, stat.S_IMODE(info.st_mode))))
                else:
                    found.append((path, _entry(fd, item.name, path, info)))
        finally:
            os.close(fd)
    return sorted(found, key=lambda item: item[0])
