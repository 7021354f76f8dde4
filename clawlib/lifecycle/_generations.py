"""The previous generation: what the generated files were before the last apply changed them.

Before apply rewrites or removes generated files, the versions on disk of exactly those files are
kept under ``.claw-runtime/.previous/`` (with a manifest saying which did not exist), so that a
bad apply can be undone file for file. The kept copy is built beside the old one and swapped in
with renames: a crash leaves either the old or the new copy, never a mix.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from clawlib._files import make_private_dirs, write_atomically
from clawlib.compose import RUNTIME_DIR
from clawlib.errors import NoPreviousGenerationError, OutputWriteError

__all__ = ["PREVIOUS_DIR", "has_previous", "rollback", "save_previous"]

PREVIOUS_DIR = f"{RUNTIME_DIR}/.previous"
_MANIFEST = "manifest.json"


def save_previous(root: Path, paths: Iterable[str]) -> Path:
    """Keep the current version of each of ``paths`` (relative to ``root``) as the previous
    generation, replacing the one kept before. Returns where it is kept."""
    target = root / PREVIOUS_DIR
    try:
        _swap(_stage(root, paths), target)
    except OSError as exc:
        raise OutputWriteError(str(target), exc.strerror or str(exc)) from exc
    return target


def has_previous(root: Path) -> bool:
    """Whether a previous generation is kept for the pod in ``root``."""
    return (root / PREVIOUS_DIR / _MANIFEST).is_file()


def rollback(root: Path, *, swap: bool = True) -> tuple[str, ...]:
    """Put the previous generation back; the generation it replaces becomes the previous one
    (so a second rollback undoes the first), unless ``swap`` is false (apply undoing a write
    that failed half-way: what it replaces is not a generation worth keeping). Returns the paths
    restored or removed.

    The current versions are staged first and swapped in only after every file is restored:
    interrupted half-way, the kept generation is still whole and the rollback can be run again.
    """
    kept = root / PREVIOUS_DIR
    try:
        entries = json.loads((kept / _MANIFEST).read_text(encoding="utf-8"))["files"]
    except FileNotFoundError as exc:
        raise NoPreviousGenerationError(str(root / RUNTIME_DIR), "none is kept") from exc
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise NoPreviousGenerationError(str(kept), f"it is unreadable ({exc})") from exc
    try:
        staging = _stage(root, entries) if swap else None
        for path in sorted(entries):
            entry = entries[path]
            if entry.get("present"):
                content = (kept / "files" / PurePosixPath(path)).read_bytes()
                write_atomically(root / path, content, int(entry.get("mode", 0o644)))
            else:
                (root / path).unlink(missing_ok=True)
        if staging is not None:
            _swap(staging, kept)
    except OSError as exc:
        raise OutputWriteError(str(kept), exc.strerror or str(exc)) from exc
    return tuple(sorted(entries))


def _stage(root: Path, paths: Iterable[str]) -> Path:
    """A directory beside the kept generation holding the current versions of ``paths``."""
    parent = root / PREVIOUS_DIR
    make_private_dirs(parent.parent)
    staging = Path(tempfile.mkdtemp(prefix=".previous-", dir=parent.parent))
    entries: dict[str, dict[str, object]] = {}
    for path in sorted(set(paths)):
        source = root / path
        if not source.is_file():
            entries[path] = {"present": False}
            continue
        copy = staging / "files" / PurePosixPath(path)
        copy.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        shutil.copyfile(source, copy)
        entries[path] = {"present": True, "mode": source.stat().st_mode & 0o777}
    manifest = json.dumps({"files": entries}, indent=2, sort_keys=True) + "\n"
    (staging / _MANIFEST).write_text(manifest, encoding="utf-8")
    for item in staging.rglob("*"):
        if item.is_file():
            with item.open("rb") as handle:
                os.fsync(handle.fileno())
    return staging


def _swap(staging: Path, target: Path) -> None:
    """Rename ``staging`` to ``target``, removing the old ``target`` after the rename."""
    old = None
    if target.exists():
        old = target.with_name(f"{target.name}-old-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(target, old)
    os.replace(staging, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
