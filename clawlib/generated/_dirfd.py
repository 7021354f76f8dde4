"""File-system calls relative to directory descriptors, for the switch and the kept
generation: nothing here follows a symbolic link or leaves a file half-written where it stays."""

from __future__ import annotations

import errno
import os
import shutil
import stat
from contextlib import ExitStack, suppress
from dataclasses import dataclass

from ._disk import DIR_FLAGS, lstat_at

__all__ = ["NewFile", "make_dirs", "open_existing", "opened", "remove_any", "write_new"]


@dataclass(frozen=True, slots=True)
class NewFile:
    """A file of the new generation: its bytes, permission bits and, when it is not to be
    claw's own, its owner (user and group ids: the user a runner runs as)."""

    content: bytes
    mode: int = 0o644
    owner: tuple[int, int] | None = None


def open_existing(dir_fd: int, name: str) -> int | None:
    """A descriptor of the real directory ``name``, or None when it is missing or not one."""
    try:
        return os.open(name, DIR_FLAGS, dir_fd=dir_fd)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # a symbolic link
            return None
        raise


def opened(stack: ExitStack, dir_fd: int, name: str) -> int:
    """A descriptor of the real directory ``name``, closed when ``stack`` closes."""
    fd = os.open(name, DIR_FLAGS, dir_fd=dir_fd)
    stack.callback(os.close, fd)
    return fd


def make_dirs(base_fd: int, parts: list[str]) -> int:
    """A descriptor of the directory ``parts`` names below ``base_fd``, made private where it
    is missing (the caller closes it)."""
    fd = os.dup(base_fd)
    for part in parts:
        with suppress(FileExistsError):
            os.mkdir(part, 0o700, dir_fd=fd)
        inner = os.open(part, DIR_FLAGS, dir_fd=fd)
        os.close(fd)
        fd = inner
    return fd


def write_new(dir_fd: int, name: str, item: NewFile) -> None:
    """Create ``name`` (it must not exist), write, set its mode and owner, flush it to disk."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    fd = os.open(name, flags, 0o600, dir_fd=dir_fd)
    with os.fdopen(fd, "wb") as handle:
        handle.write(item.content)
        handle.flush()
        if item.owner is not None:
            os.fchown(handle.fileno(), *item.owner)
        os.fchmod(handle.fileno(), item.mode)
        os.fsync(handle.fileno())


def remove_any(dir_fd: int, name: str) -> None:
    """Remove ``name`` whatever it is (a directory with all it holds; a link, not its target);
    nothing when it is missing."""
    info = lstat_at(dir_fd, name)
    if info is None:
        return
    if stat.S_ISDIR(info.st_mode):
        shutil.rmtree(name, dir_fd=dir_fd)
    else:
        os.unlink(name, dir_fd=dir_fd)
