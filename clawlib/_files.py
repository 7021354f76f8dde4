"""Writing generated files: atomically (temporary file, fsync, rename), in private directories."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from clawlib.errors import OutputWriteError

__all__ = ["make_private_dirs", "write_atomically"]


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
    directories are created private. Raises :class:`OutputWriteError`."""
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
