"""A runner that is not root gets its runtime directory: compose runs it as the driver's user
and claw, running as root, gives that user what it writes there (picoclaw, uid 1000)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from clawlib.generated import RUNTIME_DIR, WRITTEN
from clawlib.planner import Plan, plan_pod
from clawlib.pod import load_pod

FIXTURES = Path(__file__).parents[1] / "golden" / "fixtures"
SERVICE = f"{RUNTIME_DIR}/governed"
CONFIG = f"{SERVICE}/picoclaw-home/config.json"

root_only = pytest.mark.skipif(os.geteuid() != 0, reason="giving files away takes root")


def no_images(ref: str) -> None:
    return None


@pytest.fixture
def pod(tmp_path: Path) -> Path:
    pod = tmp_path / "picoclaw-pod"
    shutil.copytree(FIXTURES / "picoclaw-pod", pod)
    return pod


def _plan(pod: Path, monkeypatch: pytest.MonkeyPatch, user: tuple[int, int]) -> Plan:
    monkeypatch.setattr("clawlib.planner._effective_user", lambda: user)
    return plan_pod(load_pod(pod, environ={}), no_images)


def _owner(path: Path) -> tuple[int, int]:
    info = path.lstat()
    return info.st_uid, info.st_gid


def test_as_root_the_runtime_directory_goes_to_the_runner(
    pod: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = _plan(pod, monkeypatch, (0, 0))
    assert plan.compose.data["services"]["governed"]["user"] == "1000:1000"
    assert plan.owners == {SERVICE: (1000, 1000), f"{RUNTIME_DIR}/direct": (1000, 1000)}
    owned = {f.path: f.owner for f in plan.files if f.path.startswith(f"{SERVICE}/")}
    assert owned
    assert set(owned.values()) == {(1000, 1000)}
    assert {f.owner for f in plan.files if not f.path.startswith(RUNTIME_DIR)} == {None}
    assert not [w for w in plan.warnings if "runs as user" in w.detail]


@root_only
def test_applied_as_root_every_file_and_directory_claw_writes_there_is_the_runners(
    pod: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = _plan(pod, monkeypatch, (0, 0))
    plan.write()
    assert _owner(pod / RUNTIME_DIR) == (0, 0)
    assert _owner(pod / "compose.generated.yml") == (0, 0)
    below = [pod / SERVICE, *(pod / SERVICE).rglob("*")]
    assert {_owner(path) for path in below} == {(1000, 1000)}
    assert (pod / CONFIG).stat().st_mode & 0o777 == 0o600
    assert _plan(pod, monkeypatch, (0, 0)).diff().files == ()


@root_only
def test_a_file_given_back_to_root_is_a_change_the_next_apply_undoes(
    pod: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _plan(pod, monkeypatch, (0, 0)).write()
    os.chown(pod / CONFIG, 0, 0)
    plan = _plan(pod, monkeypatch, (0, 0))
    changes = plan.diff().files
    assert [(c.path, c.kind) for c in changes] == [(CONFIG, "change")]
    assert changes[0].diff.endswith("(owner 0:0 → 1000:1000)\n")
    plan.write()
    assert _owner(pod / CONFIG) == (1000, 1000)


@root_only
def test_a_link_in_the_runners_directory_is_replaced_not_followed(
    pod: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The runner can write in its home: a link it leaves where claw writes must not lead
    claw's chown (as root) anywhere else."""
    _plan(pod, monkeypatch, (0, 0)).write()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    workspace = pod / SERVICE / "picoclaw-home" / "workspace"
    shutil.rmtree(workspace)
    workspace.symlink_to(elsewhere)
    _plan(pod, monkeypatch, (0, 0)).write()
    assert _owner(elsewhere) == (0, 0)
    assert not workspace.is_symlink()
    assert _owner(workspace) == (1000, 1000)
    assert list(elsewhere.iterdir()) == []


def test_as_the_runners_own_user_nothing_is_given(
    pod: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = _plan(pod, monkeypatch, (1000, 1000))
    assert plan.owners == {}
    assert {f.owner for f in plan.files} == {None}
    assert not [w for w in plan.warnings if "runs as user" in w.detail]


def test_as_another_user_the_plan_says_what_to_do(
    pod: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = _plan(pod, monkeypatch, (1001, 1002))
    assert plan.owners == {}
    found = [w for w in plan.warnings if "runs as user" in w.detail]
    assert [(w.yaml_path, w.detail) for w in found] == [
        (
            f"services.{name}",
            f"the picoclaw runner runs as user 1000:1000 and reads its files from "
            f"{RUNTIME_DIR}/{name}/, which claw (user 1001) cannot give to it: run claw as root "
            'or as user 1000, or set the service\'s user: "1001:1002"',
        )
        for name in ("direct", "governed")
    ]


def test_the_services_own_user_wins(pod: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (pod / "claw-pod.yml").read_text()
    (pod / "claw-pod.yml").write_text(
        text.replace("  governed:\n", '  governed:\n    user: "2000"\n', 1)
    )
    plan = _plan(pod, monkeypatch, (0, 0))
    assert plan.compose.data["services"]["governed"]["user"] == "2000"
    assert plan.owners[SERVICE] == (2000, 2000)
    (pod / "claw-pod.yml").write_text(
        text.replace("  governed:\n", "  governed:\n    user: picoclaw\n", 1)
    )
    plan = _plan(pod, monkeypatch, (0, 0))
    assert SERVICE not in plan.owners
    assert [w.detail for w in plan.warnings if "not numeric" in w.detail] == [
        f'user "picoclaw" is not numeric, so claw cannot give {SERVICE}/ to it: the picoclaw '
        'runner may not read its files (use "<uid>:<gid>")'
    ]


@root_only
def test_a_roll_back_gives_the_files_it_restores_back_to_the_runner(
    pod: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from clawlib.generated import restore_previous

    _plan(pod, monkeypatch, (0, 0)).write()
    contract = pod / SERVICE / "picoclaw-home" / "workspace" / "AGENTS.md"
    before = contract.read_text()
    (pod / "governed" / "AGENTS.md").write_text("# Governed\n\nA new contract.\n")
    _plan(pod, monkeypatch, (0, 0)).write(keep_previous=True)
    assert contract.read_text() != before
    restored = restore_previous(pod)
    assert str(contract.relative_to(pod)) in restored
    assert contract.read_text() == before
    assert _owner(contract) == (1000, 1000)


@root_only
def test_a_directory_claw_removes_from_first_is_given_as_well(
    pod: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One switch both removes a file from a directory and writes another there: the directory
    goes to the runner all the same."""
    _plan(pod, monkeypatch, (0, 0)).write()
    home = pod / SERVICE / "picoclaw-home"
    os.chown(home / "workspace", 0, 0)
    (pod / "governed" / "AGENTS.md").write_text("# Governed\n\nA new contract.\n")
    stale = home / "workspace" / "old.md"
    stale.write_text("written by claw once\n")
    record = json.loads((pod / WRITTEN).read_text())
    record["files"].append(str(stale.relative_to(pod)))
    (pod / WRITTEN).write_text(json.dumps(record))
    plan = _plan(pod, monkeypatch, (0, 0))
    assert {(c.path, c.kind) for c in plan.diff().files} >= {
        (str(stale.relative_to(pod)), "remove")
    }
    plan.write()
    assert not stale.exists()
    assert _owner(home / "workspace") == (1000, 1000)


@root_only
def test_a_kept_manifest_gives_away_only_runtime_files(
    pod: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cloned repository may carry a kept generation: its owners reach no file outside the
    runtime tree."""
    from clawlib.generated import PREVIOUS_DIR, restore_previous

    _plan(pod, monkeypatch, (0, 0)).write()
    kept = pod / PREVIOUS_DIR
    (kept / "files").mkdir(parents=True)
    (kept / "files" / "compose.generated.yml").write_text("services: {}\n")
    (kept / "manifest.json").write_text(
        json.dumps(
            {"files": {"compose.generated.yml": {"present": True, "mode": 420, "owner": [7, 7]}}}
        )
    )
    restore_previous(pod)
    assert (pod / "compose.generated.yml").read_text() == "services: {}\n"
    assert _owner(pod / "compose.generated.yml") == (0, 0)
