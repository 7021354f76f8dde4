"""``claw tui [-f POD | POD]``: open the terminal UI."""

from __future__ import annotations

from typing import Any

from clawtui.__main__ import add_arguments, open_pod

__all__ = ["register"]


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "tui",
        help="open the terminal UI on a pod",
        description="Open the terminal UI on a pod directory or claw-pod.yml (default: here).",
    )
    add_arguments(parser)
    parser.set_defaults(run=lambda args: open_pod(parser, args))
