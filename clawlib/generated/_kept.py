"""The kept generation: the versions of the generated files that the last switch replaced.

It lives in ``.claw-runtime/.previous/``: ``files/<path>`` holds the copy of each path that
existed (each 0600), ``manifest.json`` lists every path with its mode and owner, or that it was
absent. A restore gives each runtime file back to its owner when claw runs as root (a runner
that is not root reads its files as their owner); the other files stay claw's.
A switch stages the new one beside its new files and swaps it in as it finishes; a rollback
reads it back. Its manifest passes :func:`~clawlib.generated.check_generated_path` like any
write: a cloned repository may carry one.
"""

from __future__ import annotations

import json
import os
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from clawlib.errors import NoPreviousGenerationError, UnsafePathError
from clawlib.limits import MAX_PERSONA_BYTES

from . import _dirfd
from ._dirfd import NewFile
from ._disk import lstat_at, open_dir, read_entry
from ._guard import PREVIOUS_DIR, RUNTIME_DIR, check_generated_path, is_runtime_path

__all__ = ["has_previous", "install_previous", "read_kept", "stage_previous"]

_MANIFEST = "manifest.json"


def has_previous(root: Path) -> bool:
    """Whether a generation is kept for the pod in ``root``."""
    try:
        with open_dir(root) as root_fd:
            return read_entry(root_fd, f"{PREVIOUS_DIR}/{_MANIFEST}").kind == "file"
    except OSError:
        return False


def read_kept(root: Path) -> tuple[dict[str, NewFile], list[str]]:
    """The kept generation of the pod at ``root``: the files to put back, and the paths that
    did not exist then (to remove). Raises :class:`NoPreviousGenerationError` when none is kept
    or it cannot be read."""
    writes: dict[str, NewFile] = {}
    removes: list[str] = []
    kept = root / PREVIOUS_DIR
    try:
        with open_dir(root) as root_fd:
            manifest = read_entry(root_fd, f"{PREVIOUS_DIR}/{_MANIFEST}")
            if manifest.kind != "file" or manifest.content is None:
                raise NoPreviousGenerationError(str(root / RUNTIME_DIR), "none is kept")
            entries = _manifest_entries(manifest.content)
            for path, entry in sorted(entries.items()):
                if not entry.get("present"):
                    removes.append(path)
                    continue
                found = read_entry(root_fd, f"{PREVIOUS_DIR}/files/{path}", MAX_PERSONA_BYTES)
                if found.kind != "file" or found.content is None:
                    raise NoPreviousGenerationError(str(kept), f"its copy of {path} is missing")
                owner = entry.get("owner")
                writes[path] = NewFile(
                    found.content,
                    int(entry.get("mode", 0o644)) & 0o777,
                    (owner[0], owner[1])
                    if owner and os.geteuid() == 0 and is_runtime_path(path)
                    else None,
                )
    except OSError as exc:
        raise NoPreviousGenerationError(str(kept), f"it is unreadable ({exc})") from exc
    return writes, removes


def _manifest_entries(content: bytes) -> dict[str, dict[str, Any]]:
    try:
        entries = json.loads(content)["files"]
        if not isinstance(entries, dict):
            raise TypeError("files is not a mapping")
        for path, entry in entries.items():
            check_generated_path(path)
            if not isinstance(entry, dict) or not isinstance(entry.get("mode", 0), int):
                raise TypeError(f"the entry of {path} is not a mapping with a numeric mode")
            owner = entry.get("owner")
            if owner is not None and not (
                isinstance(owner, list)
                and len(owner) == 2
                and all(type(i) is int and i >= 0 for i in owner)
            ):
                raise TypeError(f"the owner of {path} is not a user and a group id")
    except (ValueError, KeyError, TypeError, UnsafePathError) as exc:
        raise NoPreviousGenerationError(
            PREVIOUS_DIR, f"its manifest is unreadable ({exc})"
        ) from exc
    return entries


def stage_previous(root_fd: int, staging_fd: int, paths: list[str]) -> None:
    """Copy the versions of ``paths`` on disk now, with their manifest, into ``previous/`` of
    the staging directory ``staging_fd``, each flushed to disk."""
    os.mkdir("previous", 0o700, dir_fd=staging_fd)
    entries: dict[str, dict[str, Any]] = {}
    with ExitStack() as stack:
        previous_fd = _dirfd.opened(stack, staging_fd, "previous")
        for path in sorted(paths):
            found = read_entry(root_fd, path, MAX_PERSONA_BYTES)
            if found.kind != "file" or found.content is None:
                entries[path] = {"present": False}
                continue
            parent = _dirfd.make_dirs(previous_fd, ["files", *path.split("/")[:-1]])
            try:
                _dirfd.write_new(parent, path.rsplit("/", 1)[-1], NewFile(found.content, 0o600))
                os.fsync(parent)
            finally:
                os.close(parent)
            entries[path] = {"present": True, "mode": found.mode, "owner": found.owner}
        manifest = json.dumps({"files": entries}, indent=2, sort_keys=True) + "\n"
        _dirfd.write_new(previous_fd, _MANIFEST, NewFile(manifest.encode(), 0o600))
        os.fsync(previous_fd)


def install_previous(runtime_fd: int, staging_fd: int) -> None:
    """Swap the staged kept generation in (the one it replaces goes into the staging directory,
    to be deleted with it); nothing when it is already in place. Can run again after a crash."""
    if lstat_at(staging_fd, "previous") is None:
        return  # already in place
    kept = PREVIOUS_DIR.rsplit("/", 1)[-1]
    if lstat_at(runtime_fd, kept) is not None:
        _dirfd.remove_any(staging_fd, "old-previous")
        os.rename(kept, "old-previous", src_dir_fd=runtime_fd, dst_dir_fd=staging_fd)
    os.rename("previous", kept, src_dir_fd=staging_fd, dst_dir_fd=runtime_fd)
