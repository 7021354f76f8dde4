"""What the commands share for writing: printable text, error lines, JSON."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Collection, Mapping, Sequence
from typing import Any, TextIO

__all__ = ["print_error", "print_json", "print_output", "print_table", "printable"]

# C0 and C1 control characters (TAB kept): labels come from untrusted images, and an escape
# sequence printed raw could rewrite the user's terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` with control characters shown as escapes (``\\x1b``) instead of sent raw."""
    return _CONTROL.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


def print_error(message: str, stream: TextIO | None = None) -> None:
    """Print every line of ``message`` as ``error: <line>`` to standard error."""
    stream = stream or sys.stderr
    for line in message.splitlines() or [""]:
        print(f"error: {printable(line)}", file=stream)


def print_json(value: Any, stream: TextIO | None = None) -> None:
    """Print ``value`` as indented JSON with sorted keys."""
    print(
        json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False), file=stream or sys.stdout
    )


def print_table(
    rows: Sequence[Sequence[str]], stream: TextIO | None = None, *, right: Collection[int] = ()
) -> None:
    """Print ``rows`` (the first is the header) as columns two spaces apart, the columns
    numbered in ``right`` aligned to the right (numbers); the last column is not padded."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [
            cell.rjust(width) if index in right else cell.ljust(width)
            for index, (cell, width) in enumerate(zip(row, widths, strict=False))
        ]
        print(printable("  ".join([*cells, row[-1]]).rstrip()), file=stream or sys.stdout)


def print_output(line: str) -> None:
    """A line a command (docker, compose) printed, indented under claw's own, to stderr."""
    print(f"    {printable(line.strip())}", file=sys.stderr, flush=True)


def print_other_projects(others: Mapping[str, tuple[int, int]], verb: str) -> None:
    """Say, on standard error, which other compose projects run from the pod's directory (a
    ``claw up -p X`` earlier) and how to reach each: ``claw <verb> -p X``."""
    for project, (total, running) in others.items():
        containers = f"{total} container{'s' if total != 1 else ''}, {running} running"
        print(
            f"The pod's directory also has project {project} ({containers}): "
            f"claw {verb} -p {project}",
            file=sys.stderr,
        )
