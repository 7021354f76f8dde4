"""The stamp that tells the pod view its plan is out of date."""

from __future__ import annotations

import os
from pathlib import Path

from clawtui.watch import inputs_stamp


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
