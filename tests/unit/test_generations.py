"""Crash consistency of the generated files: a process killed (SIGKILL) at any point of a write,
or a disk that fills at any point, leaves the old generation or the new one, whole.

The kill test forks a child that writes the next generation and kills itself at its N-th file
system call, for every N until the write completes; the parent then plans again (which finishes
or discards what the child left, as ``claw plan`` does) and compares the whole pod directory with
the old and the new generation, byte for byte and mode for mode.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import stat
import subprocess
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import clawlib.generated._dirfd as dirfd
from clawlib.errors import OutputWriteError
from clawlib.planner import Plan, plan_pod
from clawlib.pod import load_pod
from clawtui.cli import main

CLAWFILE = "FROM claw-base/busybox:latest\nCLAW_TYPE generic\nAGENT AGENTS.md\n"
POD = """
x-claw: {pod: crash}
services:
  worker:
    build: ./worker
    x-claw:
      agent: ./AGENTS.md
      persona: ./persona
      include:
        - {id: notes, file: ./notes.md, mode: reference}
  helper:
    build: ./worker
    x-claw: {agent: ./AGENTS.md, count: 2}
"""
# Functions the switch reaches the file system through; the child dies at the N-th call.
_CALLS = ("open", "replace", "rename", "unlink", "mkdir", "rmdir", "fsync", "fchmod")


def make_pod(directory: Path) -> Path:
    (directory / "worker").mkdir(parents=True)
    (directory / "worker" / "Clawfile").write_text(CLAWFILE)
    (directory / "AGENTS.md").write_text("# Worker\nversion A\n")
    (directory / "notes.md").write_text("notes A\n")
    (directory / "persona" / "memory").mkdir(parents=True)
    (directory / "persona" / "memory" / "facts.md").write_text("fact A\n")
    (directory / "persona" / "style.md").write_text("style A\n")
    (directory / "claw-pod.yml").write_text(textwrap.dedent(POD).lstrip())
    return directory


def next_generation(directory: Path) -> None:
    """Change the pod so that the next plan adds, changes and removes files."""
    (directory / "AGENTS.md").write_text("# Worker\nversion B\n")
    (directory / "persona" / "memory" / "facts.md").write_text("fact B\n")
    (directory / "persona" / "new.md").write_text("added in B\n")
    pod = (directory / "claw-pod.yml").read_text()
    pod = pod.replace(
        "      include:\n        - {id: notes, file: ./notes.md, mode: reference}\n", ""
    )
    (directory / "claw-pod.yml").write_text(pod.replace("count: 2", "count: 3"))


def plan_of(directory: Path) -> Plan:
    return plan_pod(load_pod(directory, environ={}), lambda ref: None)


def snapshot(directory: Path) -> dict[str, Any]:
    """Every entry under ``directory`` but the lock: kind, bytes, permission bits."""
    found: dict[str, Any] = {}
    for parent, names, files in os.walk(directory):
        for name in [*names, *files]:
            path = Path(parent, name)
            key = path.relative_to(directory).as_posix()
            if key == ".claw-runtime/.lock":
                continue
            info = path.lstat()
            if stat.S_ISREG(info.st_mode):
                found[key] = (path.read_bytes(), stat.S_IMODE(info.st_mode))
            else:
                found[key] = (stat.S_IFMT(info.st_mode), stat.S_IMODE(info.st_mode))
    return found


@pytest.fixture
def generations(tmp_path: Path) -> tuple[Path, dict[str, Any], dict[str, Any]]:
    """A pod at generation A (written), and snapshots of it at A and at B."""
    pod = make_pod(tmp_path / "a")
    plan_of(pod).write(keep_previous=True)
    next_generation(pod)  # the sources of B; the generated files still A's
    state_a = snapshot(pod)
    other = tmp_path / "b"
    shutil.copytree(pod, other, symlinks=True)
    assert plan_of(other).write(keep_previous=True).changed
    state_b = snapshot(other)
    shutil.rmtree(other)
    return pod, state_a, state_b


def killed_at(step: int, write: Callable[[], object]) -> bool:
    """Run ``write`` in a child killed at its ``step``-th file system call; whether it died."""
    pid = os.fork()
    if pid == 0:  # the child: count calls, die at the chosen one
        calls = [0]

        def counted(real: Callable[..., Any]) -> Callable[..., Any]:
            def call(*args: Any, **kwargs: Any) -> Any:
                calls[0] += 1
                if calls[0] == step:
                    os.kill(os.getpid(), signal.SIGKILL)
                return real(*args, **kwargs)

            return call

        for name in _CALLS:
            setattr(os, name, counted(getattr(os, name)))
        try:
            write()
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    return os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL


def test_killed_at_any_point_of_a_write_leaves_one_generation_whole(
    generations: tuple[Path, dict[str, Any], dict[str, Any]], tmp_path: Path
) -> None:
    pod, state_a, state_b = generations
    pristine = tmp_path / "pristine"
    shutil.copytree(pod, pristine, symlinks=True)
    plan = plan_of(pod)  # the same inputs at every step: the same plan
    outcomes = {"old": 0, "new": 0}
    step = 0
    while True:
        step += 1
        shutil.rmtree(pod)
        shutil.copytree(pristine, pod, symlinks=True)
        died = killed_at(step, lambda: plan.write(keep_previous=True))
        diff = plan.diff()  # what `claw plan` does next: it finishes or discards
        state = snapshot(pod)
        assert state in (state_a, state_b), f"killed at call {step}: a mix of generations"
        outcomes["new" if state == state_b else "old"] += 1
        assert diff.changed == (state == state_a)
        if not died:
            break
    # Killed at each of the write's calls: the early ones leave A, the late ones B.
    assert step > 50
    assert outcomes["old"] > 10
    assert outcomes["new"] > 10


def test_a_full_disk_at_any_point_of_staging_changes_nothing(
    generations: tuple[Path, dict[str, Any], dict[str, Any]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pod, state_a, state_b = generations
    pristine = tmp_path / "pristine"
    shutil.copytree(pod, pristine, symlinks=True)
    real = dirfd.write_new
    calls = [0]
    failing = [0]

    def fill_up(dir_fd: int, name: str, item: dirfd.NewFile) -> None:
        calls[0] += 1
        if calls[0] == failing[0]:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(dir_fd, name, item)

    monkeypatch.setattr(dirfd, "write_new", fill_up)
    while True:  # the disk fills at the 1st file written, the 2nd, ... the journal; then never
        failing[0] += 1
        calls[0] = 0
        shutil.rmtree(pod)
        shutil.copytree(pristine, pod, symlinks=True)
        plan = plan_of(pod)
        reason = ""
        try:
            plan.write(keep_previous=True)
        except OutputWriteError as exc:
            reason = exc.reason
        if not reason:
            assert snapshot(pod) == state_b
            break
        assert reason == "No space left on device"
        assert snapshot(pod) == state_a, f"full at write {failing[0]}: something changed"
    assert failing[0] > 10  # staged files, kept copies, the manifest, the journal


def test_leftovers_of_a_killed_write_are_removed_by_the_next_run(tmp_path: Path) -> None:
    pod = make_pod(tmp_path / "pod")
    plan = plan_of(pod)
    plan.write()
    runtime = pod / ".claw-runtime"
    for name in (".staging-0123456789ab", ".previous-x1y2z3", ".previous-old-4242"):
        (runtime / name / "files").mkdir(parents=True)
        (runtime / name / "files" / "0").write_text("left by a killed claw\n")
    (runtime / ".journal.5f5f5f5f5f5f").write_text("{}")
    assert not plan.diff().changed
    assert sorted(p.name for p in runtime.iterdir() if p.name.startswith(".")) == [
        ".lock",
        ".written.json",
    ]


def _mount_tmpfs(target: Path, size: str) -> bool:
    target.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(target)],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


def test_generate_on_a_really_full_disk_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    disk = tmp_path / "disk"
    if not _mount_tmpfs(disk, "256k"):
        pytest.skip("mounting a small tmpfs is not permitted here")
    try:
        pod = make_pod(disk / "pod")
        monkeypatch.setattr("clawlib.engine.LocalImages.get", lambda self, ref: None)
        monkeypatch.chdir(pod)
        assert main(["generate"]) == 0
        before = snapshot(pod)
        # The next generation copies a persona file that no longer fits on the disk.
        (pod / "persona" / "big.bin").write_bytes(b"x" * 150_000)
        with pytest.raises(OSError, match="No space left"):
            (pod / "filler").write_bytes(b"y" * 256_000)
        (pod / "filler").unlink()
        capsys.readouterr()
        assert main(["generate"]) == 1
        err = capsys.readouterr().err
        assert err.endswith(".claw-runtime: cannot write: No space left on device\n"), err
        after = snapshot(pod)
        del after["persona/big.bin"]
        assert after == before
    finally:
        os.chdir(tmp_path)
        subprocess.run(["umount", str(disk)], check=True)
