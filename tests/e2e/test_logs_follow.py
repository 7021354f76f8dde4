"""``claw logs --follow`` on a real pod, run as a process: where ``docker compose logs -f``
stops for good at a container that exits, it says so, waits (while every container it follows
is stopped, too) and goes on after a marker line when the container runs again."""

from __future__ import annotations

import itertools
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from clawlib.lifecycle import apply
from clawlib.planner import plan_pod
from clawlib.pod import load_pod
from tests.e2e.pods import docker, write_pod
from tests.polling import wait_for

pytestmark = pytest.mark.docker

ROOT = Path(__file__).resolve().parents[2]
CLAW = "import sys; from clawtui.cli import main; sys.exit(main(sys.argv[1:]))"
MARKER = re.compile(r"alpha-1 \| — restarted \d\d:\d\d:\d\d(, exit code \d+)? —")


class Output:
    """The lines a process prints, read by a thread as they come."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        assert process.stdout is not None
        self._out = process.stdout
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self._out:
            self.lines.append(line.rstrip("\n"))

    def wait(self, condition: str, test: object, timeout: float = 30) -> None:
        wait_for(
            lambda: test(list(self.lines)),  # type: ignore[operator]
            timeout=timeout,
            interval=0.1,
            message=lambda: f"{condition}; printed so far: {self.lines[-8:]}",
        )


def markers(lines: list[str]) -> list[int]:
    return [i for i, line in enumerate(lines) if MARKER.fullmatch(line)]


def new_run_after(lines: list[str], count: int) -> bool:
    """``count`` markers came, and after the last the new run's first lines."""
    found = markers(lines)
    if len(found) < count:
        return False
    after = lines[found[count - 1] + 1 :]
    return any("listening" in line for line in after) and any("tick" in line for line in after)


def test_claw_logs_follow_goes_on_after_a_restart(project: str, tmp_path: Path) -> None:
    pod = write_pod(tmp_path / "pod", project)
    assert apply(plan_pod(load_pod(pod, environ={}))).ok
    container = f"{project}-alpha-1"
    argv = ["logs", "--follow", "-f", str(pod), "--tail", "2", "--no-color", "alpha"]
    errors = tmp_path / "stderr"
    with (
        errors.open("w") as stderr,
        subprocess.Popen(
            [sys.executable, "-c", CLAW, *argv],
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        ) as process,
    ):
        try:
            output = Output(process)
            output.wait("the history and new lines", lambda got: len(got) >= 4)
            assert all(line.startswith("alpha-1 | ") for line in output.lines)

            docker("restart", "-t", "1", container)
            output.wait("a marker, then the new run", lambda got: new_run_after(got, 1))

            docker("stop", "-t", "1", container)
            output.wait(
                "the stop said",
                lambda got: bool(got) and got[-1].startswith("alpha-1 | (container exited"),
            )
            stopped = len(output.lines)
            time.sleep(2)
            assert process.poll() is None  # still following a container that is stopped
            assert len(output.lines) == stopped

            docker("start", container)
            output.wait("a second marker, then the new run", lambda got: new_run_after(got, 2))
            lines = list(output.lines)
            # Each run's lines once, in order: its start (the last two runs), ticks counting up.
            bounds = [0, *(i + 1 for i in markers(lines)), len(lines)]
            for number, (start, end) in enumerate(itertools.pairwise(bounds)):
                run = [line for line in lines[start:end] if "[gateway]" in line]
                if number:
                    assert "listening" in run[0], run[:3]
                    run = run[1:]
                ticks = [int(line.rsplit(" ", 1)[1]) for line in run if "tick" in line]
                assert ticks == list(range(ticks[0], ticks[0] + len(ticks))), ticks
        finally:
            process.send_signal(signal.SIGINT)
            try:
                code = process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                raise
    assert code == 0, errors.read_text()
    assert errors.read_text() == ""
