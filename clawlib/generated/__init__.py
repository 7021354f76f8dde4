"""A pod's generated files on disk: one guard for every path claw writes, reads that never follow
a symbolic link, and the journaled switch from one generation to the next."""

from ._dirfd import NewFile
from ._disk import DiskEntry, list_tree, open_dir, read_entry
from ._guard import (
    COMPOSE_FILE,
    PREVIOUS_DIR,
    RUNTIME_DIR,
    check_generated_path,
    is_runtime_path,
)
from ._kept import has_previous
from ._switch import restore_previous, settle, switch

__all__ = [
    "COMPOSE_FILE",
    "PREVIOUS_DIR",
    "RUNTIME_DIR",
    "DiskEntry",
    "NewFile",
    "check_generated_path",
    "has_previous",
    "is_runtime_path",
    "list_tree",
    "open_dir",
    "read_entry",
    "restore_previous",
    "settle",
    "switch",
]
