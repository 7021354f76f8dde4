"""docker compose v2: finding it (the ``docker compose`` plugin, else a ``docker-compose``
binary) and running the lifecycle commands of one project with it."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from clawlib.errors import ComposeFailedError, ComposeNotFoundError

from ._process import ProcessRunner, SubprocessRunner

__all__ = ["ComposeCommand", "ComposeProject", "blamed_services", "find_compose"]

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


class ComposeProject:
    """``docker compose -p PROJECT -f FILE …`` for one project: the lifecycle commands.

    Output lines are passed to ``on_line`` as compose prints them; a failure raises
    :class:`ComposeFailedError` naming the services compose's output blames, with the exit
    status and the tail of that output.
    """

    def __init__(
        self,
        command: ComposeCommand,
        project: str,
        file: Path,
        runner: ProcessRunner | None = None,
    ) -> None:
        self.command = command
        self.project = project
        self.file = file
        self.runner = runner or SubprocessRunner()

    def argv(self, *args: str) -> tuple[str, ...]:
        return (*self.command.argv, "-p", self.project, "-f", str(self.file), *args)

    def up(
        self,
        services: Sequence[str] = (),
        *,
        force_recreate: bool = False,
        build: bool = False,
        on_line: Callable[[str], None] = lambda line: None,
    ) -> None:
        """``up -d`` (every service and ``--remove-orphans``, or just ``services`` with
        ``--no-deps``), optionally ``--force-recreate`` and ``--build``."""
        args = ["up", "-d"]
        if force_recreate:
            args.append("--force-recreate")
        if build:
            args.append("--build")
        args += ["--no-deps", *services] if services else ["--remove-orphans"]
        self._stream("up", args, on_line)

    def config_hashes(self, text: str) -> dict[str, str]:
        """The config hash ``up`` would stamp (label ``com.docker.compose.config-hash``) on the
        containers of each service of the compose file ``text``, read in place of :attr:`file`
        (its relative paths and env files resolved against that file's directory).

        ``up`` hashes each service as it runs it, what its env files set merged into its
        environment, and ``config --hash`` alone does not merge them: so the file is resolved
        by ``config`` first (as ``up`` resolves it), then hashed. Raises
        :class:`ComposeFailedError` when compose cannot load it.
        """
        base = (
            *self.command.argv,
            "-p",
            self.project,
            "--project-directory",
            str(self.file.parent),
            "-f",
            "-",
            "config",
        )
        resolved = self.runner.run(base, input=text, timeout=_TIMEOUT)
        if resolved.ok:
            hashed = self.runner.run(
                (*base, "--hash", "*"), input=resolved.stdout, timeout=_TIMEOUT
            )
        else:
            hashed = resolved
        if not hashed.ok:
            output = hashed.stderr or hashed.stdout
            raise ComposeFailedError(
                hashed.argv,
                hashed.returncode,
                output,
                action="config",
                services=blamed_services(output, self.project),
            )
        hashes = {}
        for line in hashed.stdout.splitlines():
            name, _, digest = line.strip().rpartition(" ")
            if name and digest:
                hashes[name] = digest
        return hashes

    def down(
        self, *, volumes: bool = False, on_line: Callable[[str], None] = lambda line: None
    ) -> None:
        """``down --remove-orphans`` (and ``-v``: the project's named volumes too)."""
        self._stream("down", ["down", "--remove-orphans", *(["-v"] if volumes else [])], on_line)

    def stop(
        self, services: Sequence[str] = (), *, on_line: Callable[[str], None] = lambda line: None
    ) -> None:
        """``stop`` every service, or just ``services``."""
        self._stream("stop", ["stop", *services], on_line)

    def start(
        self, services: Sequence[str] = (), *, on_line: Callable[[str], None] = lambda line: None
    ) -> None:
        """``start`` the stopped containers of every service, or just ``services``."""
        self._stream("start", ["start", *services], on_line)

    def restart(
        self, services: Sequence[str] = (), *, on_line: Callable[[str], None] = lambda line: None
    ) -> None:
        """``restart`` every service, or just ``services``."""
        self._stream("restart", ["restart", *services], on_line)

    def _stream(self, action: str, args: Sequence[str], on_line: Callable[[str], None]) -> None:
        argv = self.argv(*args)
        result = self.runner.stream(argv, on_line)
        if result.returncode == 127 and "command not found" in result.stdout + result.stderr:
            raise ComposeNotFoundError([(self.command.name, "command not found")])
        if not result.ok:
            output = result.stdout or result.stderr
            raise ComposeFailedError(
                argv,
                result.returncode,
                output,
                action=action,
                services=blamed_services(output, self.project),
            )


_PROGRESS = re.compile(r"^\s*(?:[✘✔⠿]\s*)?(?:Container\s+)?(\S+)\s+Error\b")


def blamed_services(output: str, project: str) -> tuple[str, ...]:
    """The services compose's output blames, in first-mention order: progress lines such as
    `` web Error …`` or `` Container proj-web-1  Error …``, and container names
    (``proj-web-1``) in error lines."""
    found: list[str] = []
    containers = re.compile(rf"\b{re.escape(project)}[-_]([A-Za-z0-9][A-Za-z0-9_.-]*)[-_]\d+\b")

    def add(name: str) -> None:
        if name and name not in found:
            found.append(name)

    for line in output.splitlines():
        if "rror" not in line:
            continue
        progress = _PROGRESS.match(line)
        if progress:
            add(_service_of(progress.group(1), project) or progress.group(1))
            continue
        for match in containers.finditer(line):
            add(match.group(1))
    return tuple(found)


def _service_of(container: str, project: str) -> str | None:
    """``web`` for ``proj-web-1`` (or ``proj_web_1``) in ``project``; None otherwise."""
    for sep in ("-", "_"):
        prefix = project + sep
        if container.startswith(prefix):
            rest, _, number = container[len(prefix) :].rpartition(sep)
            if rest and number.isascii() and number.isdigit():
                return rest
    return None
