"""``claw tui [POD]``: open the terminal UI."""

from __future__ import annotations

import argparse
from typing import Any

from ._output import print_error

__all__ = ["register"]


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "tui",
        help="open the terminal UI on a pod",
        description="Open the terminal UI on a pod directory or claw-pod.yml (default: here).",
    )
    parser.add_argument("pod", nargs="?", default=".", metavar="POD")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from clawtui.app import PodNotFoundError, make_app  # imports Textual: only when wanted

    try:
        app = make_app(args.pod)
    except PodNotFoundError as exc:
        print_error(str(exc))
        return 1
    app.run()
    return app.return_code or 0
