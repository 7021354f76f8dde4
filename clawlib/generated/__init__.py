"""A pod's generated files on disk: one guard for every path claw writes, reads that never follow
a symbolic link, and the journaled switch from one generation to the next."""

from ._dirfd import NewFile
from ._disk import DiskEntry, list_tree, open_dir, read_entry, walk_dirs
from ._guard import (
    COMPOSE_FILE,
    PREVIOUS_DIR,
    RUNTIME_DIR,
    check_generated_path,
    is_runtime_path,
)
from ._kept import has_previous
from ._switch import restore_previous, settle, switch
from ._written import WRITTEN, Written, in_any, read_written

__all__ = [
    "COMPOSE_FILE",
    "PREVIOUS_DIR",
    "RUNTIME_DIR",
    "WRITTEN",
    "DiskEntry",
    "NewFile",
    "Written",
    "check_generated_path",
    "has_previous",
    "in_any",
    "is_runtime_path",
    "list_tree",
    "open_dir",
    "read_entry",
    "read_written",
    "restore_previous",
    "settle",
    "switch",
    "walk_dirs",
]
