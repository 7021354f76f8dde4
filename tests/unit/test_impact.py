"""What applying a plan does to the containers: assess_impact over plain values, and the one
compose call that gives it the config hashes."""

from __future__ import annotations

import dataclasses
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest
import yaml

from clawlib.engine import CommandResult, ComposeCommand, ComposeProject, ContainerRecord
from clawlib.errors import ComposeFailedError
from clawlib.lifecycle import (
    CONFIG_HASH_LABEL,
    IMAGE_LABEL,
    WORKING_DIR_LABEL,
    Impact,
    ServiceImpact,
    assess_impact,
    compose_hashes,
)
from clawlib.planner import FileChange, ImageBuild, Plan, PlanDiff, plan_pod
from clawlib.pod import load_pod
from tests.fakes import FakeRunner

POD = """
    x-claw:
      pod: tiny
    services:
      api:
        image: api:1
      worker:
        build: ./agents/worker
        x-claw:
          count: 2
          handles: {discord: {id: "111", username: bot}}
    """
WORKER_IMAGE = "claw-local/tiny-worker:latest"
HASHES = {"api": "h-api", "worker-0": "h-w0", "worker-1": "h-w1"}
IMAGES: dict[str, str | None] = {"api:1": "sha256:a", WORKER_IMAGE: "sha256:w"}
SAME = PlanDiff(())


@pytest.fixture
def plan(tmp_path: Path) -> Plan:
    (tmp_path / "claw-pod.yml").write_text(textwrap.dedent(POD).lstrip())
    agent = tmp_path / "agents" / "worker"
    agent.mkdir(parents=True)
    (agent / "Clawfile").write_text(
        "FROM claw-base/busybox:latest\nCLAW_TYPE generic\nAGENT AGENTS.md\n"
    )
    (tmp_path / "AGENTS.md").write_text("# Worker\n")
    planned = plan_pod(load_pod(tmp_path, environ={}), lambda ref: None)
    return dataclasses.replace(planned, images=())  # built already, unless a test says not


def container(
    service: str,
    *,
    config_hash: str | None = None,
    image_id: str | None = None,
    state: str = "running",
    group: str | None = None,
    number: int = 1,
    working_dir: str | None = None,
) -> ContainerRecord:
    labels = {
        CONFIG_HASH_LABEL: config_hash if config_hash is not None else HASHES.get(service, "?"),
        IMAGE_LABEL: image_id or ("sha256:a" if service == "api" else "sha256:w"),
    }
    if working_dir is not None:
        labels[WORKING_DIR_LABEL] = working_dir
    return ContainerRecord(
        id=f"id-{service}-{number}",
        name=f"tiny-{service}-{number}",
        project="tiny",
        service=service,
        number=number,
        image="api:1" if service == "api" else WORKER_IMAGE,
        state=state,
        claw_service=group if group is not None else ("worker" if "worker" in service else None),
        labels=labels,
    )


def everything() -> list[ContainerRecord]:
    return [container("api"), container("worker-0"), container("worker-1")]


def test_nothing_to_do_when_every_hash_and_image_matches(plan: Plan) -> None:
    impact = assess_impact(plan, SAME, everything(), HASHES, IMAGES)
    assert impact == Impact(
        "tiny",
        (
            ServiceImpact("api", "keep", (), ("tiny-api-1",)),
            ServiceImpact("worker-0", "keep", (), ("tiny-worker-0-1",)),
            ServiceImpact("worker-1", "keep", (), ("tiny-worker-1-1",)),
        ),
        planned=3,
        running=3,
    )
    assert impact.changes == ()
    assert impact.summary() == "Containers: 3 of 3 running; apply changes none."


def test_a_broadcast_environment_change_recreates_every_service_that_reads_it(
    plan: Plan,
) -> None:
    why = ("environment changed: CLAW_HANDLE_WORKER_DISCORD_USERNAME",)
    diff = PlanDiff(
        (FileChange(".claw-runtime/handles.env", "change", ""),),
        services_changed=("api", "worker-0", "worker-1"),
        service_reasons={"api": why, "worker-0": why, "worker-1": why},
    )
    running = [
        container("api", config_hash="old"),
        container("worker-0", config_hash="old"),
        container("worker-1", config_hash="old"),
    ]
    impact = assess_impact(plan, diff, running, HASHES, IMAGES)
    assert impact.recreated == ("api", "worker-0", "worker-1")
    assert [s.reasons for s in impact.services] == [why, why, why]
    assert impact.services[0].line() == (
        "~ api: recreate (environment changed: CLAW_HANDLE_WORKER_DISCORD_USERNAME)"
    )
    assert impact.summary() == "Containers: 3 of 3 running; apply recreates 3."


def test_the_hash_decides_not_the_file_diff(plan: Plan) -> None:
    """A service the diff calls changed whose containers already carry the new hash (the file
    was generated after they were created from it) is kept; one whose hash differs while the
    files match (an interpolated variable changed) is recreated."""
    diff = PlanDiff((), services_changed=("api",), service_reasons={"api": ("expose changed",)})
    running = [container("api"), container("worker-0", config_hash="old"), container("worker-1")]
    impact = assess_impact(plan, diff, running, HASHES, IMAGES)
    assert [(s.service, s.action, s.reasons) for s in impact.services] == [
        ("api", "keep", ()),
        ("worker-0", "recreate", ("definition changed since the container was created",)),
        ("worker-1", "keep", ()),
    ]


def test_without_hashes_the_diff_says_what_is_recreated(plan: Plan) -> None:
    diff = PlanDiff((), services_changed=("api",), service_reasons={"api": ("expose changed",)})
    impact = assess_impact(plan, diff, everything(), None, IMAGES, notes=("no hashes",))
    assert [(s.service, s.action, s.reasons) for s in impact.services] == [
        ("api", "recreate", ("expose changed",)),
        ("worker-0", "keep", ()),
        ("worker-1", "keep", ()),
    ]
    assert impact.notes == ("no hashes",)


def test_runtime_files_images_and_stopped_containers(plan: Plan) -> None:
    diff = PlanDiff(
        (
            FileChange(".claw-runtime/worker/AGENTS.md", "change", ""),
            FileChange(".claw-runtime/worker/skills/old.md", "remove", ""),
        )
    )
    running = [
        container("api", image_id="sha256:old", state="exited"),
        container("worker-0"),
        container("worker-1", state="exited"),
    ]
    impact = assess_impact(plan, diff, running, HASHES, IMAGES)
    runtime = ("runtime files changed: AGENTS.md, skills/old.md",)
    assert [(s.service, s.action, s.reasons) for s in impact.services] == [
        ("api", "recreate", ("image changed",)),
        ("worker-0", "recreate", runtime),
        ("worker-1", "recreate", runtime),
    ]
    assert impact.summary() == "Containers: 1 of 3 running; apply recreates 3."

    stopped = assess_impact(plan, SAME, running, HASHES, {**IMAGES, "api:1": "sha256:old"})
    assert [(s.service, s.action, s.reasons) for s in stopped.services] == [
        ("api", "start", ("not running: will be started",)),
        ("worker-0", "keep", ()),
        ("worker-1", "start", ("not running: will be started",)),
    ]
    assert stopped.summary() == "Containers: 1 of 3 running; apply starts 2."


def test_an_image_the_plan_builds_is_rebuilt_and_a_missing_one_pulled(plan: Plan) -> None:
    stale = ImageBuild("worker", WORKER_IMAGE, plan.directory, plan.directory, "stale")
    building = dataclasses.replace(plan, images=(stale,))
    impact = assess_impact(building, SAME, everything(), HASHES, {**IMAGES, "api:1": None})
    assert [(s.service, s.action, s.reasons) for s in impact.services] == [
        ("api", "recreate", ("image not in the local store: pulled first",)),
        ("worker-0", "recreate", ("image rebuilt",)),
        ("worker-1", "recreate", ("image rebuilt",)),
    ]
    rebuilt = assess_impact(plan, SAME, everything(), HASHES, {**IMAGES, WORKER_IMAGE: "sha256:x"})
    assert rebuilt.recreated == ("worker-0", "worker-1")
    assert rebuilt.services[1].reasons == ("image rebuilt",)


def test_scaling_creates_and_removes_replicas(plan: Plan) -> None:
    """From one worker (compose service ``worker``) to two (``worker-0``, ``worker-1``), and an
    old service the pod no longer has."""
    running = [
        container("api"),
        container("worker", group="worker"),
        container("gone", group=""),
    ]
    diff = PlanDiff((), services_added=("worker-0", "worker-1"), services_removed=("worker",))
    impact = assess_impact(plan, diff, running, HASHES, IMAGES)
    assert [(s.service, s.action, s.reasons, s.containers) for s in impact.services] == [
        ("api", "keep", (), ("tiny-api-1",)),
        ("worker-0", "create", ("scaled 1 → 2",), ()),
        ("worker-1", "create", ("scaled 1 → 2",), ()),
        ("gone", "remove", ("no longer in the pod",), ("tiny-gone-1",)),
        ("worker", "remove", ("scaled 1 → 2",), ("tiny-worker-1",)),
    ]
    assert impact.summary() == "Containers: 1 of 3 running; apply creates 2, removes 2."


def test_nothing_running_and_no_engine(plan: Plan) -> None:
    diff = PlanDiff((), services_added=("api",))
    down = assess_impact(plan, diff, [], HASHES, IMAGES)
    assert [(s.service, s.action, s.reasons) for s in down.services] == [
        ("api", "create", ("new service",)),
        ("worker-0", "create", ("no container yet",)),
        ("worker-1", "create", ("no container yet",)),
    ]
    assert down.summary() == "Containers: 0 of 3 running; apply creates 3."

    unknown = assess_impact(plan, SAME, None, notes=("the Docker engine does not answer",))
    assert unknown == Impact("tiny", known=False, notes=("the Docker engine does not answer",))
    assert unknown.summary() == "Containers: not known (the Docker engine does not answer)."


def test_compose_hashes_resolve_the_planned_env_files_then_hash(plan: Plan) -> None:
    """``config`` first (as up resolves the file: env files merged into the environment), then
    ``config --hash`` of what it printed; the handles file as planned, not as on disk."""
    command = ("docker", "compose", "-p", "tiny", "--project-directory", str(plan.directory))
    load = (*command, "-f", "-", "config")
    runner = FakeRunner(
        {
            load: (0, "name: tiny\nservices: {}\n", ""),
            (*load, "--hash", "*"): (0, "api h1\nworker-0 h2\nworker-1 h3\n", ""),
        }
    )
    compose = ComposeProject(
        ComposeCommand(("docker", "compose"), "2.40.3"),
        "tiny",
        plan.directory / "compose.generated.yml",
        runner,
    )
    assert compose_hashes(plan, compose) == {"api": "h1", "worker-0": "h2", "worker-1": "h3"}
    assert [call[0] for call in runner.calls] == [load, (*load, "--hash", "*")]
    assert runner.inputs[1] == "name: tiny\nservices: {}\n"
    sent = yaml.safe_load(runner.inputs[0] or "")
    handles = sent["services"]["api"]["env_file"]
    assert len(handles) == 1
    assert handles[0].startswith("/")
    assert handles[0].endswith(".env")
    assert sent["services"]["worker-0"]["env_file"] == handles
    assert not Path(handles[0]).exists()  # the scratch copy is gone
    rest = {k: v for k, v in sent["services"]["api"].items() if k != "env_file"}
    assert rest == {k: v for k, v in plan.compose.services["api"].items() if k != "env_file"}

    runner.answers = {load: (1, "", "env file not found")}
    with pytest.raises(ComposeFailedError) as caught:
        compose_hashes(plan, compose)
    assert caught.value.action == "config"
    assert caught.value.returncode == 1


def test_the_scratch_env_file_holds_the_planned_text(plan: Plan, tmp_path: Path) -> None:
    seen: list[bytes] = []

    class Reading(FakeRunner):
        def run(
            self,
            argv: Sequence[str],
            *,
            env: Mapping[str, str] | None = None,
            timeout: float | None = None,
            input: str | None = None,
        ) -> CommandResult:
            if input and "--hash" not in argv:
                path = yaml.safe_load(input)["services"]["api"]["env_file"][0]
                seen.append(Path(path).read_bytes())
            return CommandResult(tuple(argv), 0, "api h\n", "")

    compose = ComposeProject(
        ComposeCommand(("docker", "compose"), "2.40.3"),
        "tiny",
        plan.directory / "compose.generated.yml",
        Reading(),
    )
    compose_hashes(plan, compose)
    planned = next(f.content for f in plan.files if f.path == ".claw-runtime/handles.env")
    assert seen == [planned]
    assert b"CLAW_HANDLE_WORKER_DISCORD_USERNAME='bot'" in planned


def test_a_container_created_from_another_directory_says_so(plan: Plan) -> None:
    """The same pod in another directory: its bind mounts and build contexts are other paths,
    so compose's hash differs though the definitions read the same."""
    here = str(plan.directory.resolve())
    running = [
        container("api", config_hash="old", working_dir="/srv/elsewhere"),
        container("worker-0", config_hash="old", working_dir=here),
        container("worker-1"),
    ]
    impact = assess_impact(plan, SAME, running, HASHES, IMAGES)
    assert [(s.service, s.action, s.reasons) for s in impact.services] == [
        ("api", "recreate", ("created from another directory: /srv/elsewhere",)),
        ("worker-0", "recreate", ("definition changed since the container was created",)),
        ("worker-1", "keep", ()),
    ]
