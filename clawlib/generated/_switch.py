"""Switching the generated files to a new generation: whole, or not at all.

A switch is journaled, so that a process killed at any moment leaves the old generation or the
new one, never a mix:

1. Under an exclusive lock (``.claw-runtime/.lock``), a switch that a killed process left is
   finished first, and staging directories nobody will finish are removed.
2. The new files are written into a staging directory, ``.claw-runtime/.staging-…`` (which no
   container mounts: service names start with a letter or digit), each flushed to disk with its
   final mode, and the record of the generation (``.written.json``, see
   :mod:`~clawlib.generated._written`). With ``keep_previous``, the versions they replace are
   copied beside them with a manifest: the generation a rollback restores.
3. The journal ``.claw-runtime/.journal`` names the staging directory, every file to move in and
   every file to remove; it is written to a temporary file, flushed and renamed into place. That
   rename is the commit. Before it the old generation is untouched, and a failure (a full disk)
   only removes the staging directory; after it the switch will be finished, by this process or
   by the next claw that touches the pod.
4. Finishing: the kept generation is swapped in, stale files are removed, each staged file (the
   record last) is renamed over its target (a rename replaces a symbolic link instead of
   following it; in the runtime tree, a directory that is a link or a file is replaced by a real
   one), directories are flushed, then the journal is removed and the staging directory deleted.
   Every step can run again after a crash.

Every path passes :func:`~clawlib.generated.check_generated_path`, the journal's and the kept
manifest's too (a cloned repository may carry either).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import secrets
import stat
from collections.abc import Iterable, Iterator, Mapping
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path
from typing import Any

from clawlib.errors import OutputWriteError, UnsafePathError

from . import _dirfd
from ._dirfd import NewFile
from ._disk import DIR_FLAGS, lstat_at, open_dir, walk_dirs
from ._guard import RUNTIME_DIR, check_generated_path, is_runtime_path
from ._kept import install_previous, read_kept, stage_previous
from ._written import Written, install_written, read_written, stage_written

__all__ = ["restore_previous", "settle", "switch"]

_JOURNAL = ".journal"
_LOCK = ".lock"
_STAGING = re.compile(r"\.staging-[0-9a-f]{12}")
_LEFTOVERS = (".staging-", ".previous-", ".journal.")


def switch(
    root: Path,
    writes: Mapping[str, NewFile],
    removes: Iterable[str] = (),
    *,
    keep_previous: bool = False,
    written: Written | None = None,
    owners: Mapping[str, tuple[int, int]] | None = None,
) -> bool:
    """Write ``writes`` and remove ``removes`` (paths relative to the pod directory ``root``)
    as one step (see the module docstring). With ``keep_previous``, the versions of those paths
    on disk now become the kept generation (``.claw-runtime/.previous``). ``written`` is the
    record of the new generation; by default, the record on disk with ``writes`` added and
    ``removes`` taken out. ``owners`` gives directories of the runtime tree (and all below
    them) to a user and group: each directory on the way to a file written there is made
    theirs (each file says its own owner). Returns whether a generation was kept.

    Raises :class:`UnsafePathError` for a path claw may not write (nothing changes then), and
    :class:`OutputWriteError` when the disk refuses: before the commit nothing has changed;
    after it, the journal stays and the next claw finishes the switch.
    """
    removes = sorted(set(removes) - set(writes))
    for path in [*writes, *removes]:
        check_generated_path(path)
    owners = dict(sorted((owners or {}).items()))
    for path in owners:
        if not is_runtime_path(check_generated_path(path)):
            raise UnsafePathError(path, f"claw gives away only directories of {RUNTIME_DIR}")
    paths = sorted(writes)
    try:
        with ExitStack() as stack:
            root_fd = stack.enter_context(open_dir(root))
            runtime_fd = stack.enter_context(_runtime_dir(root_fd))
            stack.enter_context(_locked(runtime_fd))
            _recover(root, root_fd, runtime_fd)
            for path in paths:
                _check_target(root_fd, path)
            if written is None:
                written = (read_written(root_fd) or Written()).after(paths, removes)
            staging = _stage(root_fd, runtime_fd, writes, paths, removes, keep_previous, written)
            journal = {
                "version": 1,
                "staging": staging,
                "previous": keep_previous,
                "writes": {path: str(index) for index, path in enumerate(paths)},
                "removes": removes,
                "owners": {path: list(owner) for path, owner in owners.items()},
            }
            _commit(runtime_fd, journal)
            _finish(root, root_fd, runtime_fd, journal)
    except OSError as exc:
        raise OutputWriteError(str(root / RUNTIME_DIR), exc.strerror or str(exc)) from exc
    return keep_previous


def settle(root: Path) -> None:
    """Finish a switch a killed process left in the pod at ``root``, and remove its leftovers;
    nothing when there is none. Runs before claw reads the generated files."""
    try:
        with ExitStack() as stack:
            root_fd = stack.enter_context(open_dir(root))
            runtime_fd = _dirfd.open_existing(root_fd, RUNTIME_DIR)
            if runtime_fd is None:
                return
            stack.callback(os.close, runtime_fd)
            names = os.listdir(runtime_fd)
            if not any(name == _JOURNAL or name.startswith(_LEFTOVERS) for name in names):
                return
            stack.enter_context(_locked(runtime_fd))
            _recover(root, root_fd, runtime_fd)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise OutputWriteError(str(root / RUNTIME_DIR), exc.strerror or str(exc)) from exc


def restore_previous(root: Path) -> tuple[str, ...]:
    """Put the kept generation back as one switch; the generation it replaces is kept in turn
    (a second restore undoes the first). Returns the paths restored or removed.

    Raises :class:`NoPreviousGenerationError` when none is kept or it cannot be read.
    """
    settle(root)
    writes, removes = read_kept(root)
    switch(root, writes, removes, keep_previous=True)
    return tuple(sorted([*writes, *removes]))


# The steps ------------------------------------------------------------------------------------


def _check_target(root_fd: int, path: str) -> None:
    """Refuse, before anything changes, a target that could not be replaced: one outside the
    runtime tree whose directory is missing or not a real directory, or a directory with files
    in it."""
    parts = path.split("/")
    parent, why = walk_dirs(root_fd, parts[:-1])
    if parent is None:
        if is_runtime_path(path):
            return  # made, or put in place of a link, when the switch finishes
        assert why is not None
        where = why.at or "/".join(parts[:-1])
        raise UnsafePathError(
            path,
            f"{where} is {why.detail or 'missing'}: claw writes only into real directories of "
            "the pod",
        )
    try:
        info = lstat_at(parent, parts[-1])
        if info is None or not stat.S_ISDIR(info.st_mode):
            return
        inner = os.open(parts[-1], DIR_FLAGS, dir_fd=parent)
        try:
            empty = not os.listdir(inner)
        finally:
            os.close(inner)
    finally:
        os.close(parent)
    if not empty:
        raise UnsafePathError(path, "a directory with files in it, where claw would write a file")


def _stage(
    root_fd: int,
    runtime_fd: int,
    writes: Mapping[str, NewFile],
    paths: list[str],
    removes: list[str],
    keep_previous: bool,
    written: Written,
) -> str:
    """The staging directory, filled: ``files/<n>``, the record and, to keep, ``previous/``."""
    name = f".staging-{secrets.token_hex(6)}"
    os.mkdir(name, 0o700, dir_fd=runtime_fd)
    try:
        with ExitStack() as stack:
            staging_fd = _dirfd.opened(stack, runtime_fd, name)
            os.mkdir("files", 0o700, dir_fd=staging_fd)
            files_fd = _dirfd.opened(stack, staging_fd, "files")
            device = os.fstat(files_fd).st_dev
            for index, path in enumerate(paths):
                _check_device(root_fd, path, device)
                _dirfd.write_new(files_fd, str(index), writes[path])
            os.fsync(files_fd)
            stage_written(staging_fd, written)
            if keep_previous:
                stage_previous(root_fd, staging_fd, [*paths, *removes])
            os.fsync(staging_fd)
    except BaseException:
        _dirfd.remove_any(runtime_fd, name)
        raise
    return name


def _commit(runtime_fd: int, journal: Mapping[str, Any]) -> None:
    """Write the journal and rename it into place: the commit. A failure before the rename
    removes the journal's temporary file and the staging directory: nothing changed."""
    temp = f"{_JOURNAL}.{secrets.token_hex(6)}"
    text = json.dumps(journal, indent=2, sort_keys=True) + "\n"
    try:
        _dirfd.write_new(runtime_fd, temp, NewFile(text.encode(), 0o600))
        os.rename(temp, _JOURNAL, src_dir_fd=runtime_fd, dst_dir_fd=runtime_fd)
    except BaseException:
        with suppress(OSError):
            os.unlink(temp, dir_fd=runtime_fd)
        _dirfd.remove_any(runtime_fd, journal["staging"])
        raise
    os.fsync(runtime_fd)


def _recover(root: Path, root_fd: int, runtime_fd: int) -> None:
    """Finish a committed switch; remove staging nobody will finish (the lock is held)."""
    journal = _read_journal(root, runtime_fd)
    if journal is not None:
        _finish(root, root_fd, runtime_fd, journal)
    for name in os.listdir(runtime_fd):
        if name.startswith(_LEFTOVERS):
            _dirfd.remove_any(runtime_fd, name)


def _finish(root: Path, root_fd: int, runtime_fd: int, journal: Mapping[str, Any]) -> None:
    staging: str = journal["staging"]
    staging_fd = _dirfd.open_existing(runtime_fd, staging)
    if staging_fd is not None:
        dirs: dict[str, int] = {}
        owners = {path: (o[0], o[1]) for path, o in journal.get("owners", {}).items()}
        try:
            if journal["previous"]:
                install_previous(runtime_fd, staging_fd)
            for path in journal["removes"]:
                _remove_file(root_fd, path, dirs, owners)
            files_fd = _dirfd.open_existing(staging_fd, "files")
            if files_fd is not None:
                try:
                    for path, index in sorted(journal["writes"].items()):
                        _move_in(root_fd, files_fd, index, path, dirs, owners)
                finally:
                    os.close(files_fd)
            install_written(runtime_fd, staging_fd)
            for fd in dirs.values():
                os.fsync(fd)
        except OSError as exc:
            raise OutputWriteError(
                str(root / RUNTIME_DIR),
                f"an interrupted write of the generated files cannot be finished "
                f"({exc.strerror or exc}); fix that and run claw again",
            ) from exc
        finally:
            for fd in dirs.values():
                os.close(fd)
            os.close(staging_fd)
    os.unlink(_JOURNAL, dir_fd=runtime_fd)
    os.fsync(runtime_fd)
    _dirfd.remove_any(runtime_fd, staging)


def _read_journal(root: Path, runtime_fd: int) -> dict[str, Any] | None:
    try:
        fd = os.open(_JOURNAL, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=runtime_fd)
    except FileNotFoundError:
        return None
    try:
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise ValueError("not a regular file")
            journal = json.loads(handle.read(16 * 1024 * 1024))
        if journal.get("version") != 1 or not _STAGING.fullmatch(str(journal.get("staging"))):
            raise ValueError("unknown version or staging directory")
        writes, removes = journal["writes"], journal["removes"]
        if not isinstance(writes, dict) or not isinstance(removes, list):
            raise ValueError("writes and removes are not a mapping and a list")
        for path, index in writes.items():
            check_generated_path(path)
            if not str(index).isdigit():
                raise ValueError(f"the staged name of {path} is not a number")
        for path in removes:
            check_generated_path(path)
        owners = journal.get("owners", {})
        if not isinstance(owners, dict):
            raise ValueError("owners is not a mapping")
        for path, owner in owners.items():
            if not is_runtime_path(check_generated_path(path)):
                raise ValueError(f"{path} is not in {RUNTIME_DIR}")
            if not (
                isinstance(owner, list)
                and len(owner) == 2
                and all(isinstance(i, int) and i >= 0 for i in owner)
            ):
                raise ValueError(f"the owner of {path} is not a user and a group id")
        journal["owners"] = {path: (owner[0], owner[1]) for path, owner in owners.items()}
        journal["previous"] = bool(journal.get("previous"))
    except (OSError, ValueError, KeyError, TypeError, AttributeError, UnsafePathError) as exc:
        raise OutputWriteError(
            str(root / RUNTIME_DIR / _JOURNAL),
            f"the journal of an interrupted write is unreadable ({exc}); claw will not guess "
            "what it meant: remove it and run claw again",
        ) from exc
    return dict(journal)


def _remove_file(
    root_fd: int, path: str, dirs: dict[str, int], owners: Mapping[str, tuple[int, int]]
) -> None:
    parts = path.split("/")
    parent = _parent(root_fd, parts[:-1], dirs, owners, create=False)
    if parent is None:
        return
    info = lstat_at(parent, parts[-1])
    if info is not None and not stat.S_ISDIR(info.st_mode):
        os.unlink(parts[-1], dir_fd=parent)


def _move_in(
    root_fd: int,
    files_fd: int,
    index: str,
    path: str,
    dirs: dict[str, int],
    owners: Mapping[str, tuple[int, int]],
) -> None:
    if lstat_at(files_fd, index) is None:
        return  # moved in before the crash
    parts = path.split("/")
    parent = _parent(root_fd, parts[:-1], dirs, owners, create=True)
    assert parent is not None
    info = lstat_at(parent, parts[-1])
    if info is not None and stat.S_ISDIR(info.st_mode):
        os.rmdir(parts[-1], dir_fd=parent)  # empty: checked before the commit
    os.replace(index, parts[-1], src_dir_fd=files_fd, dst_dir_fd=parent)


def _parent(
    root_fd: int,
    parts: list[str],
    dirs: dict[str, int],
    owners: Mapping[str, tuple[int, int]],
    *,
    create: bool,
) -> int | None:
    """The directory ``parts`` names, reached without following links (cached in ``dirs``),
    given to its owner in ``owners`` (by the descriptor: never through a link).

    With ``create``, in the runtime tree, a missing directory is made and a link or a file in
    its place is replaced by one; elsewhere the directory must already be real.
    """
    key = "/".join(parts)
    if key in dirs:
        return dirs[key]
    if not parts:
        fd = os.dup(root_fd)
    else:
        above = _parent(root_fd, parts[:-1], dirs, owners, create=create)
        if above is None:
            return None
        name = parts[-1]
        info = lstat_at(above, name)
        if info is None or not stat.S_ISDIR(info.st_mode):
            if not create:
                return None  # nothing of ours to remove below it
            if not (parts[0] == RUNTIME_DIR and len(parts) > 1):
                raise UnsafePathError(key, "not a real directory: claw does not write there")
            if info is not None:
                os.unlink(name, dir_fd=above)
            os.mkdir(name, 0o700, dir_fd=above)
        fd = os.open(name, DIR_FLAGS, dir_fd=above)
    dirs[key] = fd
    owner = next(
        (o for path, o in owners.items() if key == path or key.startswith(f"{path}/")), None
    )
    if owner is not None:
        info = os.fstat(fd)
        if (info.st_uid, info.st_gid) != owner:
            os.fchown(fd, *owner)
    return fd


# The runtime directory and its lock ----------------------------------------------------------


@contextmanager
def _runtime_dir(root_fd: int) -> Iterator[int]:
    """``.claw-runtime`` as a real directory (made, or put in place of a link or a file)."""
    info = lstat_at(root_fd, RUNTIME_DIR)
    if info is not None and not stat.S_ISDIR(info.st_mode):
        os.unlink(RUNTIME_DIR, dir_fd=root_fd)
        info = None
    if info is None:
        os.mkdir(RUNTIME_DIR, 0o700, dir_fd=root_fd)
    fd = os.open(RUNTIME_DIR, DIR_FLAGS, dir_fd=root_fd)
    try:
        yield fd
    finally:
        os.close(fd)


@contextmanager
def _locked(runtime_fd: int) -> Iterator[None]:
    fd = os.open(
        _LOCK, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600, dir_fd=runtime_fd
    )
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _check_device(root_fd: int, path: str, device: int) -> None:
    """A rename cannot cross file systems: a target directory elsewhere is refused before the
    commit."""
    parent, _ = walk_dirs(root_fd, path.split("/")[:-1])
    if parent is None:
        return  # made in the runtime tree, on its file system
    try:
        if os.fstat(parent).st_dev != device:
            raise OutputWriteError(
                path, f"its directory is on another file system than {RUNTIME_DIR}"
            )
    finally:
        os.close(parent)
