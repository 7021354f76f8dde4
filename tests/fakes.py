"""Recording fakes for the engine seams (ProcessRunner, the SDK client, the streamed bodies)."""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from clawlib.engine import CommandResult, ContainerRecord, DockerView
from clawlib.errors import ContainerNotFoundError, EngineUnavailableError


@dataclass
class FakeRunner:
    """Answers commands from a table keyed by argv; records every call with its env."""

    answers: Mapping[tuple[str, ...], CommandResult | tuple[int, str, str]] = field(
        default_factory=dict
    )
    streamed: dict[tuple[str, ...], tuple[int, list[str]]] = field(default_factory=dict)
    calls: list[tuple[tuple[str, ...], Mapping[str, str] | None]] = field(default_factory=list)
    inputs: list[str | None] = field(default_factory=list)
    """The standard input of each ``run`` call, in order."""
    image_id: str | None = None
    """Written to the ``--iidfile`` of a successful streamed ``docker build``, like docker does."""

    def _answer(self, argv: tuple[str, ...]) -> CommandResult:
        answer = self.answers.get(argv)
        if answer is None:
            return CommandResult(argv, 127, "", f"{argv[0]}: command not found")
        if isinstance(answer, CommandResult):
            return answer
        code, out, err = answer
        return CommandResult(argv, code, out, err)

    def run(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        timeout: float | None = None,
        input: str | None = None,
    ) -> CommandResult:
        args = tuple(argv)
        self.calls.append((args, env))
        self.inputs.append(input)
        return self._answer(args)

    def stream(
        self,
        argv: Sequence[str],
        on_line: Callable[[str], None],
        *,
        env: Mapping[str, str] | None = None,
    ) -> CommandResult:
        args = tuple(argv)
        self.calls.append((args, env))
        for prefix, (code, lines) in self.streamed.items():
            if args[: len(prefix)] == prefix:
                for line in lines:
                    on_line(line)
                if code == 0 and self.image_id and "--iidfile" in args:
                    Path(args[args.index("--iidfile") + 1]).write_text(self.image_id)
                return CommandResult(args, code, "\n".join(lines), "")
        return CommandResult(args, 127, "", f"{args[0]}: command not found")


@dataclass
class FakeImage:
    id: str
    tags: list[str]
    labels: dict[str, str]
    attrs: dict[str, Any] = field(default_factory=lambda: {"Created": "2026-01-01T00:00:00Z"})


def _refused() -> Exception:
    import requests

    return requests.exceptions.ConnectionError(
        "('Connection aborted.', ConnectionRefusedError(111, 'Connection refused'))"
    )


@dataclass
class FakeImages:
    known: dict[str, FakeImage]
    down: bool = False

    def get(self, ref: str) -> FakeImage:
        from docker.errors import ImageNotFound

        if self.down:
            raise _refused()
        try:
            return self.known[ref]
        except KeyError:
            raise ImageNotFound(f"No such image: {ref}") from None


@dataclass
class FakeSdkClient:
    """Stands in for docker.DockerClient: version() and images.get()."""

    images: FakeImages = field(default_factory=lambda: FakeImages({}))
    down: bool = False

    def __post_init__(self) -> None:
        self.images.down = self.down

    def version(self) -> dict[str, str]:
        if self.down:
            raise _refused()
        return {"Version": "20.10.24", "ApiVersion": "1.41", "Os": "linux", "Arch": "amd64"}

    def close(self) -> None:
        pass


FAKE_HOST = "unix:///fake/docker.sock"


def log_frame(stamp: str, text: str | bytes, stream: int = 1) -> bytes:
    """One frame of the engine's multiplexed log, with its timestamp, as the engine sends it."""
    data = text.encode() if isinstance(text, str) else text
    payload = stamp.encode() + b" " + data
    return struct.pack(">BxxxL", stream, len(payload)) + payload


def chunked(*payloads: bytes, end: bool = True) -> bytes:
    """``payloads`` in HTTP chunked transfer encoding, with the terminating chunk if ``end``."""
    body = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in payloads)
    return body + (b"0\r\n\r\n" if end else b"")


def container_state(
    ref: str,
    state: str,
    exit_code: int = 0,
    *,
    started: datetime | None = None,
    finished: datetime | None = None,
    name: str | None = None,
    project: str = "p",
    service: str = "s",
    number: int = 1,
) -> ContainerRecord:
    return ContainerRecord(
        id=ref, name=name or ref, project=project, service=service, number=number, image="i",
        state=state, exit_code=exit_code, started_at=started, finished_at=finished,
    )  # fmt: skip


@dataclass(eq=False)
class FakeBody:
    """A scripted streamed body over a real socket pair, so that ``select`` and abort behave as
    with the engine. Once opened, the engine's side has sent ``pieces`` (framing removed) and
    then ends the body (``complete`` says how), or with ``hold`` stays open like a quiet
    followed log until the body is aborted or :meth:`end` is called."""

    pieces: list[bytes]
    complete: bool = True
    hold: bool = False
    aborted: threading.Event = field(default_factory=threading.Event)
    closed: bool = False
    opened: bool = False

    def open(self) -> FakeBody:
        """Start playing the engine: send the pieces (what a test sends fits the socket)."""
        self._ours, self._engine = socket.socketpair()
        self._ends_complete, self.complete = self.complete, False
        self._engine.sendall(b"".join(self.pieces))
        if not self.hold:
            self.end()
        self.opened = True
        return self

    def send(self, data: bytes) -> None:
        """More bytes from the engine's side of a held body."""
        self._engine.sendall(data)

    def end(self) -> None:
        """The engine's side closes: the reader sees the end after what was sent."""
        self._engine.shutdown(socket.SHUT_WR)

    def unread(self) -> int:
        """Bytes sent and not read yet."""
        try:
            return len(self._ours.recv(1 << 20, socket.MSG_PEEK | socket.MSG_DONTWAIT))
        except BlockingIOError:
            return 0

    def fileno(self) -> int:
        return self._ours.fileno()

    def ready(self) -> bool:
        return self.aborted.is_set()

    def read(self) -> bytes:
        return self.read_available()

    def read_available(self) -> bytes:
        try:
            data = b"" if self.aborted.is_set() else self._ours.recv(65536)
        except OSError:
            data = b""
        if not data:
            self.complete = self._ends_complete and not self.aborted.is_set()
        return data

    def abort(self) -> None:
        self.aborted.set()
        with contextlib.suppress(OSError):
            self._ours.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self._ours.close()
        self._engine.close()
        self.closed = True


class FakeEngineView(DockerView):
    """A DockerView whose log and event bodies and container checks are scripted per
    container; every open is recorded with its parameters."""

    def __init__(
        self,
        logs: dict[str, list[FakeBody | Exception]] | None = None,
        states: dict[str, list[ContainerRecord | Exception]] | None = None,
        events: list[FakeBody | Exception] | None = None,
        *,
        down: bool = False,
        listings: list[tuple[ContainerRecord, ...]] | None = None,
        projects: dict[str, tuple[int, int]] | None = None,
    ) -> None:
        super().__init__(client_factory=FakeSdkClient)
        self.projects = projects or {}
        """What :meth:`projects_at` answers for any directory."""
        self.bodies = logs or {}
        self.states = states or {}
        self.event_bodies = events or []
        self.down = down
        self.listings = listings or []
        """What each call of :meth:`containers` answers in turn (the last one repeats)."""
        self.listed: list[str] = []
        self.checked: list[str] = []
        self.log_calls: list[tuple[str, bool, int | None, str | None]] = []
        self.event_calls: list[tuple[dict[str, list[str]], str | None]] = []

    def ping(self) -> None:
        if self.down:
            raise EngineUnavailableError(FAKE_HOST, "connection refused")

    def containers(self, project: str) -> tuple[ContainerRecord, ...]:
        self.listed.append(project)
        if self.down:
            raise EngineUnavailableError(FAKE_HOST, "connection refused")
        if not self.listings:
            return ()
        return self.listings.pop(0) if len(self.listings) > 1 else self.listings[0]

    def projects_at(self, directory: str) -> dict[str, tuple[int, int]]:
        if self.down:
            raise EngineUnavailableError(FAKE_HOST, "connection refused")
        return dict(self.projects)

    def log_body(
        self, container_id: str, *, follow: bool, tail: int | None, since: str | None
    ) -> FakeBody:
        self.log_calls.append((container_id, follow, tail, since))
        script = self.bodies.get(container_id) or [ContainerNotFoundError(container_id)]
        answer = script.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer.open()

    def check_container(self, ref: str) -> ContainerRecord:
        self.checked.append(ref)
        script = self.states.get(ref) or [ContainerNotFoundError(ref)]
        answer = script.pop(0) if len(script) > 1 else script[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    def event_body(self, *, filters: Mapping[str, Sequence[str]], since: str | None) -> FakeBody:
        self.event_calls.append(({k: list(v) for k, v in filters.items()}, since))
        answer = self.event_bodies.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer.open()
