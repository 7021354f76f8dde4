"""Log and event streams on the real engine: order per container, tail without follow, a
container restarted, killed and started again, or crashing, while followed, a container removed
mid-stream, the engine going away (through a proxy that is shut down, so the
real engine keeps running for the other tests), container events of one project, and a prompt
close."""

from __future__ import annotations

import contextlib
import os
import selectors
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from clawlib.engine import (
    DockerView,
    EngineEvent,
    EventStream,
    LogEnded,
    LogExited,
    LogLine,
    LogRestarted,
    LogSource,
    LogStream,
    engine_host,
)
from clawlib.errors import EngineDisconnectedError, EngineUnavailableError
from tests.polling import wait_for

pytestmark = pytest.mark.docker

STUB = "claw-stub/openclaw:latest"
ENGINE_ENV = dict(os.environ)
"""The environment the docker CLI runs with, whatever a test later points DOCKER_HOST at."""

Run = Callable[..., LogSource]


def docker(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["docker", *args], capture_output=True, text=True, check=check, env=ENGINE_ENV
    )


@pytest.fixture
def project() -> str:
    return f"claw-test-streams-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def run(project: str, stub_images: None) -> Iterator[Run]:
    """Start a container of ``project`` (``docker run -d``); all are removed afterwards."""
    names: list[str] = []

    def start(
        service: str, *options: str, rate: int = 50, project_name: str = project
    ) -> LogSource:
        name = f"claw-test-{service}-{uuid.uuid4().hex[:10]}"
        names.append(name)
        done = docker(
            "run", "-d", "--name", name,
            "--label", f"com.docker.compose.project={project_name or project}",
            "--label", f"com.docker.compose.service={service}",
            "-e", f"STUB_LOG_RATE={rate}", "-e", f"CLAW_SERVICE={service}",
            *options,
        )  # fmt: skip
        return LogSource(done.stdout.strip(), name, service)

    yield start
    if names:
        docker("rm", "-f", *names, check=False)


@pytest.fixture
def view() -> Iterator[DockerView]:
    with DockerView() as engine_view:
        yield engine_view


def collect(
    stream: LogStream | EventStream, done: Callable[[list[Any]], bool], timeout: float = 15
) -> list[Any]:
    """Items until ``done(items)`` holds (bounded)."""
    items: list[Any] = []

    def read() -> bool:
        items.extend(stream.get_batch(timeout=0.2))
        return done(items)

    wait_for(read, timeout=timeout, interval=0, message=lambda: f"the items; got {items[-5:]}")
    return items


def lines_of(items: list[Any], source: LogSource) -> list[str]:
    return [i.text for i in items if isinstance(i, LogLine) and i.source == source]


def ended(items: list[Any], source: LogSource) -> list[str]:
    return [i.reason for i in items if isinstance(i, LogEnded) and i.source == source]


def test_lines_of_two_containers_arrive_in_order(run: Run, view: DockerView) -> None:
    first, second = run("first", STUB, rate=200), run("second", STUB, rate=200)
    with LogStream(view, [first, second]) as stream:
        items = collect(
            stream, lambda got: min(len(lines_of(got, s)) for s in (first, second)) >= 40
        )
    for source in (first, second):
        lines = lines_of(items, source)
        assert lines[0] == f"[gateway] {source.service}: listening (config none)"
        assert lines[1:] == [f"[gateway] {source.service}: tick {n}" for n in range(1, len(lines))]
        stamps = [i.timestamp for i in items if isinstance(i, LogLine) and i.source == source]
        known = [s for s in stamps if s is not None]
        assert known == stamps
        assert known == sorted(known)
        assert all(abs(datetime.now(UTC) - s) < timedelta(minutes=1) for s in known)
        assert all(i.stream == "stdout" for i in items if isinstance(i, LogLine))


SCRIPT = (
    'for i in 1 2 3 4 5 6 7 8 9 10; do echo "line $i"; done; sleep 0.2; '
    'echo "to stderr" >&2; sleep 0.2; printf "no newline"; exit 3'
)


def test_tail_without_and_with_follow(run: Run, view: DockerView) -> None:
    done = run("script", "--entrypoint", "/bin/sh", STUB, "-c", SCRIPT)
    assert docker("wait", done.name).stdout.strip() == "3"
    with LogStream(view, [done], follow=False, tail=3) as stream:
        items = list(stream)
    assert [(i.text, i.stream) for i in items if isinstance(i, LogLine)] == [
        ("line 10", "stdout"),
        ("to stderr", "stderr"),
        ("no newline", "stdout"),
    ]
    assert ended(items, done) == ["end of log"]
    with LogStream(view, [done], tail=1) as stream:
        # Following, a stopped container's log is not over: it says so, and waits.
        got = collect(stream, lambda got: any(isinstance(i, LogExited) for i in got))
        assert [i.text if isinstance(i, LogLine) else i for i in got] == [
            "no newline",
            LogExited(done, 3, got[-1].finished_at),
        ]
        assert stream.get_batch(timeout=0.5) == []
        assert not stream.finished


def runs(items: list[Any]) -> list[list[str]]:
    """The lines of each run: split at the restart markers."""
    split: list[list[str]] = [[]]
    for item in items:
        if isinstance(item, LogRestarted):
            split.append([])
        elif isinstance(item, LogLine):
            split[-1].append(item.text)
    return split


def ticks(lines: list[str], service: str, *, fresh: bool) -> None:
    """A run of the stub: (from its start) listening, then ticks counting up without a gap."""
    if fresh:
        assert lines[0].startswith(f"[gateway] {service}: listening"), lines[:3]
        lines = lines[1:]
    if lines and not lines[-1].split()[-1].isdigit():  # stopped: its last words
        assert "down" in lines[-1], lines[-3:]
        lines = lines[:-1]
    numbers = [int(line.rsplit(" ", 1)[1]) for line in lines]
    assert lines == [f"[gateway] {service}: tick {n}" for n in numbers]
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers))), numbers


def test_a_restarted_killed_and_started_container_is_followed_on(
    run: Run, view: DockerView
) -> None:
    source = run("again", STUB, rate=50)
    with LogStream(view, [source], tail=0) as stream:
        items = collect(stream, lambda got: len(lines_of(got, source)) >= 5)
        docker("restart", "-t", "1", source.name)
        items += collect(stream, lambda got: len(runs(got)) == 2 and len(runs(got)[1]) >= 5)
        docker("kill", source.name)
        items += collect(stream, lambda got: any(isinstance(i, LogExited) for i in got))
        time.sleep(0.5)
        docker("start", source.name)
        items += collect(stream, lambda got: len(runs(got)) == 2 and len(runs(got)[1]) >= 5)
    markers = [i for i in items if isinstance(i, LogRestarted)]
    assert [m.source for m in markers] == [source, source]
    assert [m.previous for m in markers] == [None, None]
    # killed, then started: the stop was seen, with its code
    assert markers[1].exit_code == 137
    assert markers[1].describe().startswith("restarted ")
    assert markers[1].describe().endswith(", exit code 137")
    assert [i.reason for i in items if isinstance(i, LogExited)][
        -1
    ] == "container exited (code 137)"
    first, second, third = runs(items)
    ticks(first, "again", fresh=False)
    ticks(second, "again", fresh=True)
    ticks(third, "again", fresh=True)
    lines = [i for i in items if isinstance(i, LogLine)]
    assert len({(i.timestamp, i.text) for i in lines}) == len(lines)  # nothing repeated
    stamps = [i.timestamp for i in lines]
    known = [stamp for stamp in stamps if stamp is not None]
    assert known == stamps
    assert known == sorted(known)
    for marker in markers:  # the marker sits between the runs
        # (a run's first line can be stamped before the engine notes its start: the boundary
        # is the end of the run before)
        index = items.index(marker)
        end = marker.finished_at
        assert end is not None
        assert marker.started_at is not None
        assert marker.started_at > end
        before = [i.timestamp for i in items[:index] if isinstance(i, LogLine) and i.timestamp]
        after = [i.timestamp for i in items[index:] if isinstance(i, LogLine) and i.timestamp]
        assert all(stamp <= end for stamp in before)
        assert all(stamp > end for stamp in after)


def test_a_crash_restarted_by_the_restart_policy_is_marked(run: Run, view: DockerView) -> None:
    script = 'echo "run at $(date +%s.%N)"; sleep 1; exit 3'
    source = run("crashing", "--restart", "always", "--entrypoint", "/bin/sh", STUB, "-c", script)
    with LogStream(view, [source], tail=0) as stream:
        items = collect(stream, lambda got: len(runs(got)) >= 3, timeout=30)
    markers = [i for i in items if isinstance(i, LogRestarted)]
    assert len(markers) >= 2
    # Seen restarting, or already running again: the exit code is known only in the first case.
    assert all(m.exit_code in (3, None) for m in markers)
    assert all(len(lines) == 1 and lines[0].startswith("run at ") for lines in runs(items)[1:-1])
    lines = [i for i in items if isinstance(i, LogLine)]
    assert len({i.text for i in lines}) == len(lines)


def test_a_container_gone_at_start(view: DockerView) -> None:
    gone = LogSource("0" * 64, "claw-test-never-existed", "never")
    with LogStream(view, [gone]) as stream:
        assert list(stream) == [LogEnded(gone, "container removed")]


def test_container_removed_mid_stream(run: Run, view: DockerView) -> None:
    doomed, survivor = run("doomed", STUB), run("survivor", STUB)
    with LogStream(view, [doomed, survivor], tail=0) as stream:
        collect(stream, lambda got: all(lines_of(got, s) for s in (doomed, survivor)))
        docker("rm", "-f", doomed.name)
        items = collect(stream, lambda got: bool(ended(got, doomed)))
        after = collect(stream, lambda got: len(lines_of(got, survivor)) >= 5)
    # `docker rm -f` kills, then removes: the log can end while the container is still there,
    # exited (said, and it is waited for), but its log ends only once it is gone.
    assert ended(items, doomed) == ["container removed"]
    assert [i.exit_code for i in items if isinstance(i, LogExited)] in ([], [137])
    assert ended(items + after, survivor) == []
    assert lines_of(after, doomed) == []


class SocketProxy:
    """Forwards every connection made to ``path`` to the engine's unix socket, until stop()
    closes the listener and every forwarded connection, as an engine going away would."""

    def __init__(self, path: Path, upstream: str) -> None:
        self.path = path
        self._upstream = upstream
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(str(path))
        self._listener.listen(64)
        self._wake, self._waker = socket.socketpair()
        self._peers: dict[socket.socket, socket.socket] = {}
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._serve, name="test-proxy", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        with selectors.DefaultSelector() as selector:
            selector.register(self._listener, selectors.EVENT_READ)
            selector.register(self._wake, selectors.EVENT_READ)
            while True:
                for key, _ in selector.select():
                    if key.fileobj is self._wake:
                        return
                    if key.fileobj is self._listener:
                        self._accept(selector)
                    elif key.fileobj in self._peers:  # not closed with its peer just now
                        self._forward(selector, key.fileobj)

    def _accept(self, selector: selectors.BaseSelector) -> None:
        client, _ = self._listener.accept()
        engine = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        engine.connect(self._upstream)
        with self._lock:
            self._peers[client], self._peers[engine] = engine, client
        selector.register(client, selectors.EVENT_READ)
        selector.register(engine, selectors.EVENT_READ)

    def _forward(self, selector: selectors.BaseSelector, source: socket.socket) -> None:
        try:
            data = source.recv(65536)
            if data:
                self._peers[source].sendall(data)
                return
        except OSError:
            pass
        with self._lock:
            other = self._peers.pop(source)
            self._peers.pop(other, None)
        for end in (source, other):
            selector.unregister(end)
            end.close()

    def stop(self) -> None:
        if not self._thread.is_alive():
            return
        with self._lock:
            ends = list(self._peers)
        for end in ends:  # wakes a forward blocked on a full buffer, too
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
        self._waker.send(b"x")
        self._thread.join(5)
        for end in [*self._peers, self._listener, self._wake, self._waker]:
            end.close()
        self._peers.clear()


@pytest.fixture
def proxy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SocketProxy]:
    scheme, _, upstream = engine_host().partition("://")
    if scheme != "unix":
        pytest.skip("the proxy forwards to a unix-socket engine only")
    forwarder = SocketProxy(tmp_path / "docker.sock", upstream)
    monkeypatch.setenv("DOCKER_HOST", f"unix://{forwarder.path}")
    yield forwarder
    forwarder.stop()


def test_engine_gone_mid_follow(run: Run, proxy: SocketProxy) -> None:
    chatty = run("chatty", STUB, rate=20)
    with DockerView() as view, LogStream(view, [chatty]) as stream:
        before = collect(stream, lambda got: len(got) >= 3)
        proxy.stop()
        start = time.monotonic()
        with pytest.raises(EngineDisconnectedError) as caught:
            collect(stream, lambda got: False, timeout=5)
        assert time.monotonic() - start < 5
    assert all(isinstance(i, LogLine) for i in before)
    assert caught.value.host == f"unix://{proxy.path}"
    assert caught.value.reason == "connection refused"
    assert stream.finished


def test_engine_unreachable_at_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/none.sock")
    with DockerView() as view:
        with pytest.raises(EngineUnavailableError, match="no such file or directory"):
            view.logs([LogSource("x", "x", "x")]).start()
        with pytest.raises(EngineUnavailableError, match="no such file or directory"):
            view.events().start()


def seen(events: list[EngineEvent], source: LogSource) -> list[tuple[str, Any]]:
    return [
        (e.kind, e.exit_code if e.kind == "die" else e.health)
        for e in events
        if e.container_id == source.container_id
    ]


def test_container_events_of_one_project(run: Run, view: DockerView, project: str) -> None:
    with EventStream(view, project=project) as stream:
        run("elsewhere", STUB, project_name=f"{project}-other")
        healthy = run(
            "healthy", "--health-cmd", "openclaw health --json", "--health-interval", "1s", STUB
        )
        failing = run("failing", "--entrypoint", "/bin/sh", STUB, "-c", "sleep 0.5; exit 3")
        events = collect(
            stream,
            lambda got: (
                ("health_status", "healthy") in seen(got, healthy)
                and ("die", 3) in seen(got, failing)
            ),
        )
        docker("rm", "-f", healthy.name)
        events += collect(stream, lambda got: ("destroy", None) in seen(got, healthy))
    assert {e.project for e in events} == {project}
    assert {e.service for e in events} == {"healthy", "failing"}
    assert seen(events, failing)[:3] == [("create", None), ("start", None), ("die", 3)]
    kinds = seen(events, healthy)
    assert kinds[:2] == [("create", None), ("start", None)]
    assert ("health_status", "healthy") in kinds
    assert kinds[-3:] == [("kill", None), ("die", 137), ("destroy", None)]
    assert all(e.name in (healthy.name, failing.name) for e in events)


def test_close_is_prompt_with_blocked_and_waiting_readers(run: Run, view: DockerView) -> None:
    flood = run("flood", STUB, rate=0)
    quiet = run("quiet", "--entrypoint", "/bin/sh", STUB, "-c", "sleep 600")
    stream = LogStream(view, [flood, quiet], buffer_lines=100).start()
    collect(stream, lambda got: len(got) >= 1)
    assert f"claw-logs-{flood.name}-and-1-more" in [t.name for t in threading.enumerate()]
    time.sleep(0.2)  # the flood fills the buffer, its reader blocks; the quiet one waits
    start = time.monotonic()
    stream.close()
    assert time.monotonic() - start < 1
    pump = f"claw-logs-{flood.name}-and-1-more"
    assert [t.name for t in threading.enumerate() if t.name == pump] == []
    assert (stream.finished, stream.get_batch(timeout=0)) == (True, [])  # the buffer discarded
