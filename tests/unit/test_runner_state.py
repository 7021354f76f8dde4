"""What a runner writes into its read-write runtime directories survives every apply; what claw
wrote there and no longer plans does not (:mod:`clawlib.generated._written`)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from clawlib.generated import WRITTEN, Written, open_dir, read_written, switch
from clawlib.generated._dirfd import NewFile
from clawlib.planner import Plan, plan_pod
from clawlib.pod import load_pod

FIXTURES = Path(__file__).parents[1] / "golden" / "fixtures"
HOME = ".claw-runtime/courier/nanobot-home"
SESSION = f"{HOME}/workspace/sessions/discord_1.jsonl"
JOBS = f"{HOME}/cron/jobs.json"
SKILL_POINT = f"{HOME}/workspace/skills/handle-discord/SKILL.md"


def no_images(ref: str) -> None:
    return None


def _plan(pod: Path) -> Plan:
    return plan_pod(load_pod(pod, environ={}), no_images)


def _changes(plan: Plan) -> list[tuple[str, str]]:
    return [(change.path, change.kind) for change in plan.diff().files]


@pytest.fixture
def pod(tmp_path: Path) -> Path:
    """The nanobot fixture pod, applied once, with what the runner and the engine write: a
    session in the mounted home and the skill's mount point."""
    pod = tmp_path / "nanobot-pod"
    shutil.copytree(FIXTURES / "nanobot-pod", pod)
    _plan(pod).write()
    (pod / SESSION).parent.mkdir(parents=True)
    (pod / SESSION).write_text('{"role": "user"}\n')
    (pod / SKILL_POINT).parent.mkdir(parents=True)
    (pod / SKILL_POINT).write_bytes(b"")
    return pod


def _drop_invocations(pod: Path) -> None:
    text = (pod / "claw-pod.yml").read_text()
    start = text.index("      invoke:\n")
    (pod / "claw-pod.yml").write_text(text[:start] + text[text.index("\n  warden:") :])
    clawfile = pod / "courier" / "Clawfile"
    lines = clawfile.read_text().splitlines(keepends=True)
    clawfile.write_text("".join(line for line in lines if not line.startswith("INVOKE")))


def test_what_the_runner_writes_in_its_home_is_not_stale(pod: Path) -> None:
    (pod / HOME / "memory.db").write_bytes(b"\x00state")
    assert _changes(_plan(pod)) == []
    _plan(pod).write()
    assert (pod / SESSION).read_text() == '{"role": "user"}\n'
    assert (pod / HOME / "memory.db").read_bytes() == b"\x00state"


def test_a_file_claw_wrote_in_a_runner_home_and_no_longer_plans_is_removed(pod: Path) -> None:
    assert (pod / JOBS).is_file()
    _drop_invocations(pod)
    plan = _plan(pod)
    assert (JOBS, "remove") in _changes(plan)
    plan.write()
    assert not (pod / JOBS).exists()
    assert (pod / SESSION).is_file()
    assert _changes(_plan(pod)) == []


def test_the_mount_point_of_a_skill_no_longer_planned_is_removed(pod: Path) -> None:
    """An empty SKILL.md left in nanobot's skills would be read as a skill."""
    record = _record(pod)
    assert record is not None
    assert SKILL_POINT in record.files
    text = (pod / "claw-pod.yml").read_text()
    start = text.index("      handles:\n")
    (pod / "claw-pod.yml").write_text(text[:start] + text[text.index("      invoke:\n") :])
    clawfile = pod / "courier" / "Clawfile"
    clawfile.write_text(clawfile.read_text().replace("HANDLE discord\n", ""))
    plan = _plan(pod)
    assert (SKILL_POINT, "remove") in _changes(plan)
    plan.write()
    assert not (pod / SKILL_POINT).exists()
    assert (pod / SESSION).is_file()


def test_the_state_of_a_runner_whose_service_left_the_pod_is_kept(pod: Path) -> None:
    text = (pod / "claw-pod.yml").read_text()
    (pod / "claw-pod.yml").write_text(
        text[: text.index("  courier:\n")] + text[text.index("  warden:\n") :]
    )
    plan = _plan(pod)
    diff = plan.diff()
    removed = {change.path for change in diff.files if change.kind == "remove"}
    assert f"{HOME}/config.json" in removed
    assert JOBS in removed
    assert SESSION not in removed
    assert diff.notes == (
        f"{HOME} holds the state of a runner no longer in the pod: claw keeps it (remove it "
        "yourself when it is no longer needed)",
    )
    plan.write()
    assert (pod / SESSION).is_file()
    assert not (pod / HOME / "config.json").exists()
    again = _plan(pod).diff()
    assert again.files == ()
    assert again.notes == diff.notes
    shutil.rmtree(pod / HOME)
    _plan(pod).write()
    record = _record(pod)
    assert record is not None
    assert HOME not in record.state_dirs


def test_without_a_record_nothing_in_a_runner_home_counts_as_claws(pod: Path) -> None:
    """A pod written before the record existed: claw cannot tell its files from the runner's
    there, so it keeps both; the next apply records what it writes."""
    (pod / WRITTEN).unlink()
    _drop_invocations(pod)
    assert [path for path, kind in _changes(_plan(pod)) if kind == "remove"] == []
    _plan(pod).write()
    assert (pod / JOBS).is_file()
    record = _record(pod)
    assert record is not None
    assert f"{HOME}/config.json" in record.files
    assert JOBS not in record.files
    assert HOME in record.state_dirs


@pytest.mark.parametrize(
    "files",
    [["claw-pod.yml"], [".claw-runtime/../claw-pod.yml"], ["/etc/passwd"], [3], "x"],
)
def test_a_hostile_record_claims_nothing(pod: Path, files: object) -> None:
    """A cloned repository may carry a record: one that names anything outside the runtime
    tree is not read at all, so nothing it names is removed."""
    (pod / WRITTEN).write_text(json.dumps({"version": 1, "files": files, "state_dirs": []}))
    assert _record(pod) is None
    assert (pod / "claw-pod.yml").is_file()
    assert _changes(_plan(pod)) == []


def test_a_switch_records_what_it_writes_and_removes(tmp_path: Path) -> None:
    a, b = ".claw-runtime/bot/a.md", ".claw-runtime/bot/b.md"
    switch(
        tmp_path, {a: NewFile(b"a\n"), b: NewFile(b"b\n"), "compose.generated.yml": NewFile(b"")}
    )
    assert _record(tmp_path) == Written(frozenset({a, b}))
    switch(tmp_path, {}, [b])
    assert _record(tmp_path) == Written(frozenset({a}))
    given = Written(frozenset({a}), frozenset({".claw-runtime/bot/home"}))
    switch(tmp_path, {}, written=given)
    assert _record(tmp_path) == given


def _record(pod: Path) -> Written | None:
    with open_dir(pod) as root_fd:
        return read_written(root_fd)
