"""``claw tui [-f POD | POD]``: open the terminal UI."""

from __future__ import annotations

import argparse

from clawtui.__main__ import add_arguments, open_pod

__all__ = ["configure"]


def configure(verb: str, parser: argparse.ArgumentParser) -> None:
    parser.description = "Open the terminal UI on a pod directory or claw-pod.yml (default: here)."
    add_arguments(parser)
    parser.set_defaults(run=lambda args: open_pod(parser, args))
