"""Running commands: argv lists (never a shell), captured or streamed line by line.

:class:`ProcessRunner` is the seam: the engine code takes one, the real one is
:class:`SubprocessRunner`, and unit tests pass a recording fake.
"""

from __future__ import annotations

import os
import subprocess
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

__all__ = ["CommandResult", "ProcessRunner", "SubprocessRunner"]

_NOT_FOUND = 127
TAIL_LINES = 40


@dataclass(frozen=True, slots=True)
class CommandResult:
    """How a command ended: its exit status and what it wrote (stdout, stderr)."""

    argv: tuple[str, ...]
    returncode: int
    stdout: str = ""
    stderr: str = ""

    @property
    def ok(self) -> bool:
        return self.returncode == 0


class ProcessRunner(Protocol):
    """Runs commands for the engine layer."""

    def run(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        timeout: float | None = None,
        input: str | None = None,
    ) -> CommandResult:
        """Run ``argv`` to completion and capture its output; ``input`` is its standard input
        (none: it reads nothing).

        A missing program gives return code 127 with the reason in ``stderr``; a time-out gives
        return code -9 with the reason in ``stderr``. Never raises for either.
        """
        ...

    def stream(
        self,
        argv: Sequence[str],
        on_line: Callable[[str], None],
        *,
        env: Mapping[str, str] | None = None,
    ) -> CommandResult:
        """Run ``argv``, passing each line of its combined output to ``on_line`` as it comes.

        The result's ``stdout`` holds the last lines of that output (for error messages).
        """
        ...


class SubprocessRunner:
    """The real :class:`ProcessRunner`, over :mod:`subprocess`."""

    def run(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        timeout: float | None = None,
        input: str | None = None,
    ) -> CommandResult:
        args = tuple(argv)
        try:
            done = subprocess.run(
                args,
                capture_output=True,
                text=True,
                errors="replace",
                env=_environ(env),
                timeout=timeout,
                input=input,
                stdin=subprocess.DEVNULL if input is None else None,
                check=False,
            )
        except FileNotFoundError:
            return CommandResult(args, _NOT_FOUND, "", f"{args[0]}: command not found")
        except subprocess.TimeoutExpired:
            return CommandResult(args, -9, "", f"{args[0]}: no answer within {timeout:g} s")
        return CommandResult(args, done.returncode, done.stdout, done.stderr)

    def stream(
        self,
        argv: Sequence[str],
        on_line: Callable[[str], None],
        *,
        env: Mapping[str, str] | None = None,
    ) -> CommandResult:
        args = tuple(argv)
        last: deque[str] = deque(maxlen=TAIL_LINES)
        try:
            process = subprocess.Popen(
                args,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                text=True,
                errors="replace",
                bufsize=1,
                env=_environ(env),
            )
        except FileNotFoundError:
            return CommandResult(args, _NOT_FOUND, "", f"{args[0]}: command not found")
        assert process.stdout is not None
        with process:
            for raw in process.stdout:
                line = raw.rstrip("\n")
                last.append(line)
                on_line(line)
        return CommandResult(args, process.returncode, "\n".join(last), "")


def _environ(extra: Mapping[str, str] | None) -> dict[str, str] | None:
    if not extra:
        return None
    return {**os.environ, **extra}
