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
import importlib
import os
import signal
import sys
from collections.abc import Sequence
from typing import TextIO

from clawlib import ClawError, __version__

from ._output import print_error

__all__ = ["main"]

# Each verb: the module of this package that implements it, and its line in `claw --help`. A
# verb's module is imported only when that verb is asked for: the implementations load pydantic,
# PyYAML and the Docker SDK, which `claw --version` and `claw --help` do without. The module's
# `configure(verb, parser)` gives the verb's parser its description, arguments and `run`.
_VERBS = {
    "build": ("_build", "build an image from a Clawfile (--proxy: the governance proxy's)"),
    "inspect": ("_inspect", "show the claw metadata of an image"),
    "plan": ("_plan", "show what claw would generate for a pod, as a diff"),
    "generate": ("_plan", "write the generated compose file and runtime files"),
    "up": (
        "_up",
        "apply the pod: build, write the generated files, start and verify the services",
    ),
    "down": ("_up", "stop and remove the pod's containers and networks"),
    "rollback": (
        "_up",
        "go back to the generated files kept before the last apply, and run them",
    ),
    "ps": ("_ps", "list the pod's containers: state, health, uptime, image, ports"),
    "health": (
        "_ps",
        "probe every container's health (exit status 1 if any is not healthy)",
    ),
    "logs": ("_logs", "show the logs of the pod's containers, merged"),
    "costs": ("_costs", "show what a governed pod's model requests cost, per agent and model"),
    "rotate-tokens": ("_tokens", "give governed claws new proxy tokens"),
    "doctor": ("_doctor", "check that this machine can build and run claws"),
    "tui": ("_tui", "open the terminal UI on a pod"),
}


def _parser(verb: str | None = None) -> argparse.ArgumentParser:
    """The parser of ``claw``, complete for ``verb`` only: the other verbs are bare names that
    take anything, enough to tell which verb the arguments ask for."""
    parser = argparse.ArgumentParser(
        prog="claw",
        description="Run fleets of AI-agent containers safely.",
    )
    parser.add_argument("--version", action="version", version=f"claw {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (module, help_text) in _VERBS.items():
        command = commands.add_parser(name, help=help_text, add_help=name == verb)
        if name == verb:
            importlib.import_module(f"{__package__}.{module}").configure(name, command)
    return parser


_PIPE_CLOSED = 128 + signal.SIGPIPE


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``claw`` with ``argv`` (default: the process arguments); return the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    # First which verb argparse picks (or --version, --help, a usage error), then its arguments.
    verb = _parser().parse_known_args(argv)[0].command
    args = _parser(verb).parse_args(argv)
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
