"""Argument parsing and dispatch for ``claw``; turns every ClawError into an exit status.

Exit statuses: what the command returns (0, or 2 for ``claw plan`` with changes), 1 for a
ClawError (printed as ``error:`` lines), 130 for Ctrl-C, and 141 when the reader of claw's output
went away (``claw plan | head -1``): the status a shell shows for a process killed by SIGPIPE,
which is what a C program would have been, so that a pipeline tells a cut-short output from a
failed command.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
from collections.abc import Sequence
from typing import TextIO

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


_PIPE_CLOSED = 128 + signal.SIGPIPE


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``claw`` with ``argv`` (default: the process arguments); return the exit status."""
    args = _parser().parse_args(argv)
    try:
        status = _run(args)
        # Flushed here rather than at exit, so that a closed pipe is caught below.
        sys.stdout.flush()
    except BrokenPipeError:
        return _reader_gone()
    return status


def _run(args: argparse.Namespace) -> int:
    try:
        status: int = args.run(args)
    except ClawError as exc:
        print_error(str(exc))
        return 1
    except KeyboardInterrupt:
        print_error("interrupted")
        return 130
    return status


def _reader_gone() -> int:
    """The reader of standard output went away. Python's documented recipe (the signal module's
    note on SIGPIPE): point standard output at /dev/null, so that the flush at exit does not fail
    again with a traceback; standard error too when it is the same closed pipe."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        _redirect(sys.stdout, devnull)
        try:
            sys.stderr.flush()
        except BrokenPipeError:
            _redirect(sys.stderr, devnull)
    finally:
        os.close(devnull)
    return _PIPE_CLOSED


def _redirect(stream: TextIO, fd: int) -> None:
    # No descriptor when the output is captured (tests): nothing to redirect then.
    with contextlib.suppress(AttributeError, OSError, ValueError):
        os.dup2(fd, stream.fileno())
