"""The record of what claw put in the runtime tree, so that it removes only its own files.

A runner writes into the runtime directories mounted read-write in its container (nanobot's
sessions in its home, openclaw's backups next to its config). Those files are the runner's:
claw must not call them stale and remove them at the next apply. So the tree's top holds
``.claw-runtime/.written.json``: every file of the current generation (the files claw wrote,
and the mount points it had the engine make for skills), and every directory a runner keeps its
state in. A file in such a directory is removed only when claw wrote it (an invocation store
after the last INVOKE is gone, a skill's mount point after the skill is); what the runner wrote
stays, even after its service leaves the pod (claw keeps the directory in the record until it
is gone from the disk).

A switch writes the record beside its staged files and renames it into place as it finishes,
so it changes with the files it describes. A pod written before the record existed has none:
then nothing in a runner's directories counts as claw's, and the next apply records it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass

from clawlib.errors import UnsafePathError

from . import _dirfd
from ._dirfd import NewFile
from ._disk import lstat_at, read_entry
from ._guard import RUNTIME_DIR, check_generated_path, is_runtime_path

__all__ = ["WRITTEN", "Written", "install_written", "read_written", "stage_written"]

WRITTEN = f"{RUNTIME_DIR}/.written.json"
"""The record, relative to the pod directory."""
_STAGED = "written.json"
_LIMIT = 16 * 1024 * 1024
"""Far above the record of the largest pod claw plans (2,000 services)."""


@dataclass(frozen=True, slots=True)
class Written:
    """What claw put in the runtime tree: its ``files`` (paths relative to the pod directory)
    and the ``state_dirs`` runners keep their state in."""

    files: frozenset[str] = frozenset()
    state_dirs: frozenset[str] = frozenset()

    def in_state_dir(self, path: str) -> bool:
        """Whether ``path`` lies in (or is) one of :attr:`state_dirs`."""
        return in_any(path, self.state_dirs)

    def after(self, writes: Iterable[str], removes: Iterable[str]) -> Written:
        """This record once ``writes`` are written and ``removes`` removed."""
        files = (self.files | {p for p in writes if is_runtime_path(p)}) - set(removes)
        return Written(frozenset(files), self.state_dirs)

    def text(self) -> bytes:
        data = {"files": sorted(self.files), "state_dirs": sorted(self.state_dirs), "version": 1}
        return (json.dumps(data, indent=2, sort_keys=True) + "\n").encode()


def in_any(path: str, dirs: Iterable[str]) -> bool:
    """Whether ``path`` is one of ``dirs`` or lies below one."""
    return any(path == d or path.startswith(f"{d}/") for d in dirs)


def read_written(root_fd: int) -> Written | None:
    """The record of the pod whose directory is ``root_fd``; None when there is none, or when
    it cannot be read or names a path outside the runtime tree (a cloned repository may carry
    a hostile one): then claw claims nothing in a runner's directories."""
    entry = read_entry(root_fd, WRITTEN, _LIMIT)
    if entry.kind != "file" or entry.content is None:
        return None
    try:
        data = json.loads(entry.content)
        if data.get("version") != 1:
            return None
        files, dirs = data["files"], data["state_dirs"]
        if not isinstance(files, list) or not isinstance(dirs, list):
            return None
        for path in [*files, *dirs]:
            if not isinstance(path, str) or not is_runtime_path(check_generated_path(path)):
                return None
    except (ValueError, KeyError, TypeError, AttributeError, UnsafePathError):
        return None
    return Written(frozenset(files), frozenset(dirs))


def stage_written(staging_fd: int, written: Written) -> None:
    """Write ``written`` into the staging directory ``staging_fd``, flushed to disk."""
    _dirfd.write_new(staging_fd, _STAGED, NewFile(written.text(), 0o600))


def install_written(runtime_fd: int, staging_fd: int) -> None:
    """Rename the staged record into place; nothing when it is already there (the step can run
    again after a crash)."""
    if lstat_at(staging_fd, _STAGED) is None:
        return
    name = WRITTEN.split("/", 1)[1]
    os.replace(_STAGED, name, src_dir_fd=staging_fd, dst_dir_fd=runtime_fd)
