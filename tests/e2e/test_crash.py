"""`claw up` killed (SIGKILL) in the middle of writing the generated files, on the real engine:
`claw plan` then shows the old generation or the new one, whole, and the next `claw up` brings
the pod to the new generation, healthy.

The kill is placed inside the write step, at the N-th file-system call of the switch, by a small
wrapper around the real command; the rest of `claw up` (engine checks, build, pull) runs as a
user runs it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.pods import write_pod
from tests.polling import wait_for

pytestmark = pytest.mark.docker

# Runs `claw ARGS...`, dying by SIGKILL at the KILL_AT-th file-system call inside the switch.
KILLED_UP = """
import os, signal, sys
import clawlib.generated._switch as switching
from clawtui.cli import main

step = int(os.environ["KILL_AT"])
calls = [0]
inside = [False]

def counted(real):
    def call(*args, **kwargs):
        if inside[0]:
            calls[0] += 1
            if calls[0] == step:
                os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)
    return call

for name in ("open", "replace", "rename", "unlink", "mkdir", "fsync", "fchmod"):
    setattr(os, name, counted(getattr(os, name)))

real_switch = switching.switch
def switch(*args, **kwargs):
    inside[0] = True
    try:
        return real_switch(*args, **kwargs)
    finally:
        inside[0] = False
switching.switch = switch
import clawlib.planner
clawlib.planner.switch = switch
sys.exit(main(sys.argv[1:]))
"""


def claw(pod: Path, *args: str, kill_at: int | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if kill_at is None:
        argv = [sys.executable, "-c", "import sys; from clawtui.cli import main; sys.exit(main())"]
    else:
        env["KILL_AT"] = str(kill_at)
        argv = [sys.executable, "-c", KILLED_UP]
    argv += list(args)
    return subprocess.run(
        argv, cwd=pod, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def planned_files(pod: Path) -> list[tuple[str, str]]:
    done = claw(pod, "plan", "--json")
    assert done.returncode in (0, 2), done.stderr
    return [(f["change"], f["path"]) for f in json.loads(done.stdout)["files"]]


def test_claw_up_killed_while_writing(project: str, tmp_path: Path) -> None:
    pod = write_pod(tmp_path / "pod", project)
    first = claw(pod, "up", "-d", "-y")
    assert first.returncode == 0, first.stderr
    # The next generation: a contract changes, so runtime files of alpha change.
    (pod / "alpha" / "AGENTS.md").write_text("# Alpha\n\nYou are alpha, version two.\n")
    old = planned_files(pod)
    assert old, "the change shows in the plan"
    outcomes = set()
    step = 1
    while True:  # killed at every 6th call of the write step, until claw up gets through
        done = claw(pod, "up", "-d", "-y", kill_at=step)
        if done.returncode == 0:
            break
        assert done.returncode == -signal.SIGKILL, (step, done.returncode, done.stderr)
        after = planned_files(pod)
        assert after in (old, []), f"killed at call {step}: a mix of generations: {after}"
        outcomes.add("new" if after == [] else "old")
        if after == []:  # the new generation is whole on disk: roll back to try again
            back = claw(pod, "rollback", "-y")
            assert back.returncode == 0, back.stderr
            assert planned_files(pod) == old
        step += 6
    assert outcomes == {"old", "new"}
    assert planned_files(pod) == []
    wait_for(
        lambda: claw(pod, "health").returncode == 0, timeout=60, interval=0.2, message="all healthy"
    )
    assert "version two" in (pod / ".claw-runtime" / "alpha" / "AGENTS.effective.md").read_text()
