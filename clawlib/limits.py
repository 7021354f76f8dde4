"""The bounds claw puts on what it reads, so that no input can make it hang or exhaust memory.

Each limit is reported by name when it is exceeded, with the value found and the bound.
"""

from __future__ import annotations

__all__ = [
    "MAX_COUNT",
    "MAX_INPUT_BYTES",
    "MAX_PERSONA_BYTES",
    "MAX_PERSONA_FILES",
    "MAX_POD_FILE_BYTES",
    "MAX_YAML_DEPTH",
    "MAX_YAML_NODES",
]

MAX_INPUT_BYTES = 1024 * 1024
"""Largest file claw reads as input: its ``.env``, a Clawfile, a contract, an included file, a
skill, the generated files it compares with (1 MiB)."""

MAX_POD_FILE_BYTES = 256 * 1024
"""Largest pod file (256 KiB: some 2,000 services, ten times a 200-claw pod). Parsing YAML and
planning cost about 3 s per 256 KiB here, so a pod file at the limit plans in seconds."""

MAX_COUNT = 100
"""Most replicas of one claw service (``x-claw.count``)."""

MAX_PERSONA_FILES = 10_000
"""Most files in one persona directory."""

MAX_PERSONA_BYTES = 64 * 1024 * 1024
"""Largest total size of the files of one persona directory (64 MiB)."""

MAX_YAML_NODES = 1_000_000
"""Most nodes one YAML document may build, aliases expanded (against "billion laughs")."""

MAX_YAML_DEPTH = 200
"""Deepest nesting of YAML collections, aliases expanded."""
