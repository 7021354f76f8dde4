"""Setting up a kept generation the way an apply leaves one."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from clawlib.generated import NewFile, open_dir, read_entry, switch


def keep_current(root: Path, paths: Iterable[str]) -> None:
    """Make the versions of ``paths`` on disk now the kept generation of the pod at ``root``
    (as an apply that went on to rewrite them would have kept them)."""
    writes: dict[str, NewFile] = {}
    removes: list[str] = []
    with open_dir(root) as root_fd:
        for path in paths:
            entry = read_entry(root_fd, path)
            if entry.kind == "file" and entry.content is not None:
                writes[path] = NewFile(entry.content, entry.mode)
            else:
                removes.append(path)
    switch(root, writes, removes, keep_previous=True)
