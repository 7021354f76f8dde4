"""When the plan on screen is out of date: a cheap stamp of the files a plan reads.

A plan reads the pod file and what it names — Clawfiles, contracts, included files, persona
directories — all of them under the pod's directory in practice. The stamp is the newest
modification time and the number of files there, leaving out what claw itself writes (the
generated compose file and Dockerfiles, ``.claw-runtime/``) and hidden directories. It is taken
every couple of seconds, so it stops after a bounded number of files.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["inputs_stamp"]

_LIMIT = 5000
_SKIPPED = frozenset({"compose.generated.yml", "node_modules", "__pycache__"})


def inputs_stamp(directory: Path, limit: int = _LIMIT) -> tuple[int, int]:
    """(newest modification time in ns, number of files) of the pod's own files under
    ``directory``, over at most ``limit`` files."""
    newest = count = 0
    pending = [str(directory)]
    while pending and count < limit:
        try:
            entries = list(os.scandir(pending.pop()))
        except OSError:
            continue
        for entry in sorted(entries, key=lambda e: e.name):
            name = entry.name
            if name.startswith(".") or name in _SKIPPED or name.endswith(".generated"):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)
                    continue
                modified = entry.stat(follow_symlinks=False).st_mtime_ns
            except OSError:
                continue
            count += 1
            newest = max(newest, modified)
            if count >= limit:
                break
    return newest, count
