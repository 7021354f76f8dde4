"""Watching for the pod view: the stamp that tells its plan is out of date, and the engine
watcher that keeps its containers current."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from clawlib.errors import EngineDisconnectedError, EngineUnavailableError
from clawtui.watch import (
    ContainersChanged,
    EngineConnected,
    EngineLost,
    EngineReport,
    EngineWatcher,
    engine_problem,
    inputs_stamp,
)
from tests.tui.fake_backend import HOST, FakeBackend, event, record


def touch(path: Path, when: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x")
    os.utime(path, ns=(when, when))


def test_newest_input_and_count_leaving_out_what_claw_writes(tmp_path: Path) -> None:
    touch(tmp_path / "claw-pod.yml", 1_000)
    touch(tmp_path / "agents" / "a" / "Clawfile", 2_000)
    touch(tmp_path / "agents" / "a" / "AGENTS.md", 3_000)
    for written in (
        "compose.generated.yml",
        "agents/a/Dockerfile.generated",
        ".claw-runtime/a/CLAWDAPUS.md",
        ".git/index",
        "node_modules/x.js",
    ):
        touch(tmp_path / written, 9_000)
    assert inputs_stamp(tmp_path) == (3_000, 3)
    touch(tmp_path / "agents" / "a" / "extra.md", 2_500)  # a new file, older than the newest
    assert inputs_stamp(tmp_path) == (3_000, 4)
    assert inputs_stamp(tmp_path, limit=1) == (1_000, 1)  # bounded: the pod file is first
    assert inputs_stamp(tmp_path, limit=2)[1] == 2
    assert inputs_stamp(tmp_path / "missing") == (0, 0)


# The engine watcher.


class Reports:
    """The watcher's reports, as they come (from its thread)."""

    def __init__(self) -> None:
        self._queue: queue.Queue[EngineReport] = queue.Queue()

    def __call__(self, report: EngineReport) -> None:
        self._queue.put(report)

    def next(self, timeout: float = 5.0) -> EngineReport:
        return self._queue.get(timeout=timeout)

    def none_for(self, seconds: float) -> bool:
        try:
            self._queue.get(timeout=seconds)
        except queue.Empty:
            return True
        return False


ASSISTANT = record("assistant")
REVIEWER = record("reviewer", claw_type="generic")
REFUSED = str(EngineUnavailableError(HOST, "connection refused"))


@pytest.fixture
def engine() -> FakeBackend:
    fake = FakeBackend()
    fake.add(REVIEWER, ASSISTANT, record("other", project="elsewhere"))
    return fake


@contextmanager
def running(watcher: EngineWatcher) -> Iterator[EngineWatcher]:
    """``watcher`` run on a thread of its own; stopped and joined after."""
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    try:
        yield watcher
    finally:
        watcher.stop()
        thread.join(2)
    assert not thread.is_alive(), "the watcher did not stop"


def states(report: EngineReport) -> list[tuple[str, str, int | None]]:
    assert isinstance(report, EngineConnected | ContainersChanged)
    return [(c.name, c.state, c.exit_code) for c in report.containers]


def test_the_watcher_lists_once_then_folds_the_events_in(engine: FakeBackend) -> None:
    reports = Reports()
    with running(EngineWatcher(engine, "demo", reports, event_wait=0.01)):
        assert reports.next() == EngineConnected((ASSISTANT, REVIEWER))  # the project's only
        engine.emit(event("die", REVIEWER, exit_code=3))
        changed = reports.next()
        assert isinstance(changed, ContainersChanged)
        assert states(changed) == [
            ("demo-assistant-1", "running", 0),
            ("demo-reviewer-1", "exited", 3),
        ]
        # A container it has not seen is inspected; one gone before that is left out.
        gone, web = record("gone"), record("notes-web", claw_type=None)
        engine.emit(event("start", gone))
        engine.add(web)
        engine.emit(event("start", web))
        assert [name for name, _, _ in states(reports.next())] == [
            "demo-assistant-1",
            "demo-notes-web-1",
            "demo-reviewer-1",
        ]
        assert ("container", gone.id) in engine.calls
        engine.emit(event("start", record("x", project="elsewhere")))  # not this project's
        assert reports.none_for(0.1)
    assert engine.calls.count(("containers", "demo")) == 1
    assert engine.event_feeds[0].closed


def test_the_watcher_backs_off_while_the_engine_is_away_and_starts_again(
    engine: FakeBackend,
) -> None:
    engine.engine_up = False
    reports = Reports()
    watcher = EngineWatcher(
        engine, "demo", reports, retry_first=0.01, retry_max=0.04, event_wait=0.01
    )
    with running(watcher):
        lost = [reports.next() for _ in range(4)]
        assert lost == [EngineLost(REFUSED, wait) for wait in (0.01, 0.02, 0.04, 0.04)]
        engine.engine_up = True
        report = reports.next()
        while isinstance(report, EngineLost):
            report = reports.next()
        assert report == EngineConnected((ASSISTANT, REVIEWER))
        # The stream breaks: said at once, listed again at once, the wait from the start.
        engine.disconnect()
        broken = reports.next()
        reset = EngineDisconnectedError(HOST, "connection reset")
        assert broken == EngineLost(str(reset), 0.01)
        assert reports.next() == EngineLost(REFUSED, 0.01)


def test_stopping_the_watcher_ends_its_wait(engine: FakeBackend) -> None:
    engine.engine_up = False
    reports = Reports()
    watcher = EngineWatcher(engine, "demo", reports, retry_first=60)
    started = time.monotonic()
    with running(watcher):
        assert reports.next() == EngineLost(REFUSED, 60)
    assert time.monotonic() - started < 3
    assert watcher.stopped


def test_engine_problem(engine: FakeBackend) -> None:
    assert engine_problem(engine) is None
    engine.engine_up = False
    assert engine_problem(engine) == REFUSED


def test_the_watcher_and_the_state_need_no_ui_toolkit() -> None:
    code = "import sys, clawtui.state, clawtui.watch; print('textual' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
