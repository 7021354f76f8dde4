"""Finding docker compose v2: the ``docker compose`` plugin, else a ``docker-compose`` binary."""

from __future__ import annotations

import re
from dataclasses import dataclass

from clawlib.errors import ComposeNotFoundError

from ._process import ProcessRunner, SubprocessRunner

__all__ = ["ComposeCommand", "find_compose"]

_CANDIDATES: tuple[tuple[str, ...], ...] = (("docker", "compose"), ("docker-compose",))
_VERSION = re.compile(r"\bv?(\d+)\.(\d+)\.(\d+)[\w.+-]*")
_TIMEOUT = 20.0


@dataclass(frozen=True, slots=True)
class ComposeCommand:
    """A working compose v2: the argv prefix to run it with and its version."""

    argv: tuple[str, ...]
    version: str

    @property
    def name(self) -> str:
        """How the user would type it: ``docker compose`` or ``docker-compose``."""
        return " ".join(self.argv)


def find_compose(runner: ProcessRunner | None = None) -> ComposeCommand:
    """Try ``docker compose version``, then ``docker-compose version``; v2 or later only.

    Raises :class:`ComposeNotFoundError` saying what each attempt answered.
    """
    runner = runner or SubprocessRunner()
    tried: list[tuple[str, str]] = []
    for prefix in _CANDIDATES:
        result = runner.run((*prefix, "version"), timeout=_TIMEOUT)
        command = " ".join((*prefix, "version"))
        if not result.ok:
            reason = (result.stderr or result.stdout).strip().splitlines()
            tried.append((command, reason[0] if reason else f"exit status {result.returncode}"))
            continue
        match = _VERSION.search(result.stdout)
        if match is None:
            tried.append((command, f"unrecognised version output {result.stdout.strip()!r}"))
            continue
        if int(match.group(1)) < 2:
            tried.append((command, f"version {match.group(0)} is compose v1; v2 is required"))
            continue
        return ComposeCommand(prefix, match.group(0).removeprefix("v"))
    raise ComposeNotFoundError(tried)
