"""Argument parsing and dispatch for ``claw``; turns every ClawError into an exit status."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from clawlib import ClawError, __version__

from . import _build, _doctor, _inspect, _logs, _plan, _ps, _tui, _up
from ._output import print_error

__all__ = ["main"]

_COMMANDS = (_build, _inspect, _plan, _up, _ps, _logs, _doctor, _tui)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="claw",
        description="Run fleets of AI-agent containers safely.",
    )
    parser.add_argument("--version", action="version", version=f"claw {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in _COMMANDS:
        command.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``claw`` with ``argv`` (default: the process arguments); return the exit status."""
    args = _parser().parse_args(argv)
    try:
        status: int = args.run(args)
    except ClawError as exc:
        print_error(str(exc))
        return 1
    except KeyboardInterrupt:
        print_error("interrupted")
        return 130
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
