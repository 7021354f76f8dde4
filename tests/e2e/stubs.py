"""What the stub runner images' real-engine tests share: docker as a process, and the check that
a stub stops at once on SIGTERM (as compose's stop and claw's restart expect)."""

from __future__ import annotations

import json
import subprocess
import time

from tests.polling import wait_for

__all__ = ["assert_stops_promptly", "docker"]


def docker(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=check)


def assert_stops_promptly(container: str, last_line: str) -> None:
    """Once ``container`` logs its first tick, ``docker stop`` ends it well within the grace
    period, with exit code 0 and ``last_line`` as its last log line."""
    wait_for(
        lambda: "tick" in docker("logs", container).stdout,
        timeout=20,
        interval=0.2,
        message="a tick in the log",
    )
    start = time.monotonic()
    docker("stop", "-t", "10", container)
    assert time.monotonic() - start < 5
    state = json.loads(docker("inspect", container).stdout)[0]["State"]
    assert (state["Status"], state["ExitCode"]) == ("exited", 0)
    assert docker("logs", container).stdout.splitlines()[-1] == last_line
