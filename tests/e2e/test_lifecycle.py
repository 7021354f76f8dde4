"""The whole cycle on the real engine: plan → apply → ps → logs → health → change → apply →
down, and the faults an operator meets (a missing image, a crash-looping container)."""

from __future__ import annotations

import contextlib
import json
import re
import uuid
from pathlib import Path
from typing import Any

import pytest

from clawlib.clawfile import ClawImageInfo
from clawlib.engine import DockerView, LogLine, LogSource, LogStream
from clawlib.errors import ContainerNotFoundError, ImagePullError
from clawlib.lifecycle import apply
from clawlib.planner import plan_pod
from clawlib.pod import load_pod
from clawlib.session import PodSession
from clawtui.cli import main
from tests.e2e.pods import CLAWFILE, docker, leftovers, remove_project, write_pod
from tests.polling import wait_for

pytestmark = pytest.mark.docker


def cli_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any]:
    capsys.readouterr()
    status = main(list(args))
    return status, json.loads(capsys.readouterr().out)


def test_full_cycle(project: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pod = write_pod(tmp_path / "pod", project)
    first = apply(plan_pod(load_pod(pod, environ={})))
    assert first.ok, first.failures
    assert first.project == project
    assert sorted(first.built) == [
        f"claw-local/{project}-alpha:latest",
        f"claw-local/{project}-beta:latest",
    ]
    assert {(s.service, s.action, s.claw_type) for s in first.services} == {
        ("alpha", "created", "openclaw"),
        ("beta", "created", "openclaw"),
        ("web", "created", None),
    }

    def ps() -> dict[str, dict[str, Any]]:
        status, rows = cli_json(capsys, "ps", "-f", str(pod), "--json")
        assert status == 0
        return {row["service"]: row for row in rows}

    wait_for(
        lambda: all(r["health"] == "healthy" for r in ps().values()),
        timeout=20,
        interval=0.2,
        message="all healthy",
    )
    rows = ps()
    assert sorted(rows) == ["alpha", "beta", "web"]
    for service in ("alpha", "beta"):
        assert rows[service]["state"] == "running"
        assert rows[service]["claw_type"] == "openclaw"
        assert rows[service]["container"] == f"{project}-{service}-1"
        assert rows[service]["health_detail"] == "status ok"
    assert rows["web"]["claw_type"] is None

    # Logs: merged, each line prefixed by its container; following gives new lines of both.
    capsys.readouterr()
    assert main(["logs", "-f", str(pod), "--tail", "3", "alpha", "beta"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == 6
    assert sorted({line.split(" | ")[0].strip() for line in printed}) == ["alpha-1", "beta-1"]
    assert all(
        re.fullmatch(r"(alpha-1|beta-1 ) \| \[gateway\] \w+: tick \d+", line) for line in printed
    )
    with DockerView() as view:
        sources = [
            LogSource(c.id, c.name, c.service)
            for c in view.containers(project)
            if c.service in ("alpha", "beta")
        ]
        with LogStream(view, sources, follow=True, tail=0) as stream:
            seen: dict[str, list[int]] = {"alpha": [], "beta": []}

            def five_ticks_each() -> bool:
                for item in stream.get_batch(100, timeout=0.5):
                    assert isinstance(item, LogLine)
                    seen[item.source.service].append(int(item.text.rsplit(" ", 1)[1]))
                return min(len(ticks) for ticks in seen.values()) >= 5

            wait_for(
                five_ticks_each, timeout=15, interval=0, message=lambda: f"5 ticks each: {seen}"
            )
    for ticks in seen.values():
        assert ticks == list(range(ticks[0], ticks[0] + len(ticks)))  # in order, none missing

    # One stub turns unhealthy: health says which, with the probe's detail, and exits 1.
    docker("exec", f"{project}-beta-1", "sh", "-c", "echo degraded > /tmp/claw-stub-health")
    status, health = cli_json(capsys, "health", "-f", str(pod), "--json")
    assert status == 1
    verdicts = {h["service"]: (h["status"], h["detail"]) for h in health}
    assert verdicts == {
        "alpha": ("healthy", "status ok"),
        "beta": ("unhealthy", "health file says degraded"),
        "web": ("healthy", "container running, healthcheck passing"),
    }

    # A CONFIGURE value changes in alpha's Clawfile: the plan shows exactly that.
    beta_id = docker("inspect", "-f", "{{.Id}}", f"{project}-beta-1")
    alpha_id = docker("inspect", "-f", "{{.Id}}", f"{project}-alpha-1")
    (pod / "alpha" / "Clawfile").write_text(CLAWFILE.format(every="5m"))
    changed = plan_pod(load_pod(pod, environ={}))
    diff = changed.diff()
    assert [(c.path, c.kind) for c in diff.files] == [
        (".claw-runtime/alpha/config/openclaw.json", "change"),
        ("alpha/Dockerfile.generated", "change"),
    ]
    config_diff = diff.files[0].diff
    assert '-        "every": "30m"' in config_diff
    assert '+        "every": "5m"' in config_diff
    assert [b.service for b in changed.images] == ["alpha"]
    assert (diff.services_added, diff.services_changed, diff.services_removed) == ((), (), ())

    second = apply(changed)
    assert second.ok, second.failures
    assert {s.service: s.action for s in second.services} == {
        "alpha": "recreated",
        "beta": "unchanged",
        "web": "unchanged",
    }
    assert docker("inspect", "-f", "{{.Id}}", f"{project}-beta-1") == beta_id
    assert docker("inspect", "-f", "{{.Id}}", f"{project}-alpha-1") != alpha_id
    assert changed.diff().files == ()

    capsys.readouterr()
    assert main(["down", "-f", str(pod), "-v"]) == 0
    assert capsys.readouterr().out == f"Pod is down: project {project}.\n"
    assert leftovers(project) == {"containers": "", "networks": "", "volumes": ""}


def snapshot(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def test_missing_image_changes_nothing_on_disk(project: str, tmp_path: Path) -> None:
    pod = tmp_path / "pod"
    pod.mkdir()
    good = (
        f"x-claw:\n  pod: {project}\nservices:\n  web:\n    image: claw-base/busybox:latest\n"
        "    command: [sleep, '300']\n    init: true\n"
    )
    (pod / "claw-pod.yml").write_text(good)
    assert apply(plan_pod(load_pod(pod, environ={}))).ok
    missing = f"claw-test-missing/{uuid.uuid4().hex}:latest"
    (pod / "claw-pod.yml").write_text(good + f"  broken:\n    image: {missing}\n")
    before = snapshot(pod)
    with pytest.raises(ImagePullError) as caught:
        apply(plan_pod(load_pod(pod, environ={})))
    assert caught.value.services == ("broken",)
    assert str(caught.value).startswith(
        f'pulling image "{missing}" for service broken failed with exit status 1:'
    )
    assert snapshot(pod) == before
    assert (
        docker(
            "ps",
            "-aq",
            "--filter",
            "label=com.docker.compose.service=broken",
            "--filter",
            f"label=com.docker.compose.project={project}",
        )
        == ""
    )


def test_a_rebuild_builds_from_the_clawfile_as_it_is_now_and_the_plan_agrees(
    project: str, tmp_path: Path
) -> None:
    """The TUI's ``b``: the claw's image is built from its Clawfile as it is now, with the
    labels claw records, so the next plan sees it current; the container is recreated on it."""
    pod = write_pod(tmp_path / "pod", project)
    assert apply(plan_pod(load_pod(pod, environ={}))).ok
    tag = f"claw-local/{project}-alpha:latest"
    with DockerView() as view, PodSession(pod, view=view) as session:
        first = {c.service: c for c in view.containers(project)}
        lines: list[str] = []
        session.act("rebuild", ["alpha"], lines.append)
        assert session.plan().images == ()  # not "stale: built without a record of its inputs"
        assert lines[0] == f"building {tag} for alpha from alpha/Clawfile"
        second = {c.service: c for c in view.containers(project)}

        (pod / "alpha" / "Clawfile").write_text(CLAWFILE.format(every="45m"))
        assert [b.service for b in session.plan().images] == ["alpha"]
        session.act("rebuild", ["alpha"])
        plan = session.plan()
        third = {c.service: c for c in view.containers(project)}
        image = view.image(tag)
    assert plan.images == ()  # not the Dockerfile the last apply generated
    assert ClawImageInfo.from_labels(image.labels).configures == (
        "openclaw config set agents.defaults.heartbeat.every 45m",
    )
    assert len({first["alpha"].id, second["alpha"].id, third["alpha"].id}) == 3
    assert docker("inspect", "-f", "{{.Image}}", third["alpha"].id) == image.id
    assert first["beta"].id == third["beta"].id
    assert first["web"].id == third["web"].id
    # Applying builds nothing more: the image is the one the pod needs.
    report = apply(plan)
    assert report.ok, report.failures
    assert report.built == ()


def test_ps_reports_a_crash_loop(
    project: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pod = tmp_path / "pod"
    pod.mkdir()
    (pod / "claw-pod.yml").write_text(
        f"x-claw:\n  pod: {project}\nservices:\n  flaky:\n    image: claw-base/busybox:latest\n"
        "    command: [sh, -c, 'echo starting; exit 3']\n    restart: on-failure\n"
    )
    apply(plan_pod(load_pod(pod, environ={})))

    def flaky() -> dict[str, Any]:
        status, rows = cli_json(capsys, "ps", "-f", str(pod), "--json")
        assert status == 0
        return rows[0]

    seen: list[dict[str, Any]] = []

    def between_runs() -> bool:
        # The engine resets the exit code when it starts the container again: look at it
        # while it waits to be restarted.
        row = flaky()
        seen.append(row)
        return bool(row["crash_looping"]) and row["state"] in ("restarting", "exited")

    wait_for(between_runs, timeout=20, interval=0.2, message="a crash loop")
    row = seen[-1]
    assert row["restarts"] >= 1
    assert row["exit_code"] == 3
    assert row["health"] == "unhealthy"
    tables: list[str] = []

    def table_says_so() -> bool:
        # Between runs the state column says it; right after a restart it may read "running"
        # until the restarts add up (see ContainerRecord.crash_looping).
        capsys.readouterr()
        assert main(["ps", "-f", str(pod)]) == 0
        tables.append(capsys.readouterr().out.splitlines()[1])
        return "crash-looping: restarted" in tables[-1]

    wait_for(table_says_so, timeout=20, interval=0.2, message="a crash loop in the table")
    assert re.search(
        r"crash-looping: restarted (once|\d+ times)(, last exit code 3|, restarting now|  )",
        tables[-1],
    )


def test_live_containers_follow_the_engine_events(project: str) -> None:
    from clawlib.engine import EventStream
    from clawlib.lifecycle import LiveContainers

    name = f"{project}-web-1"
    docker(
        "run", "-d", "--name", name, "--init",
        "-l", f"com.docker.compose.project={project}", "-l", "com.docker.compose.service=web",
        "claw-base/busybox:latest", "sleep", "300",
    )  # fmt: skip
    with DockerView() as view, EventStream(view, project=project) as events:
        live = LiveContainers(project, view.containers(project))
        assert [(c.name, c.state) for c in live.containers] == [(name, "running")]
        docker("stop", "-t", "1", name)
        docker("rm", name)
        changes = []

        def gone() -> bool:
            for item in events.get_batch(100, timeout=0.5):
                change = live.apply(item)
                if change.container is not None:
                    changes.append((change.container.state, change.container.exit_code))
                if change.inspect:
                    with contextlib.suppress(ContainerNotFoundError):  # destroy comes next
                        live.put(view.container(change.inspect))
            return name not in [c.name for c in live.containers]

        wait_for(gone, timeout=15, interval=0, message=lambda: f"{name} gone; changes: {changes}")
    assert changes == [("exited", 143)]  # sleep ended by the SIGTERM of docker stop
    assert live.containers == ()


def test_down_names_a_container_compose_leaves(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A container with the project's label that is no service of it (started by hand): compose
    down leaves it and exits 0; claw down asks the engine and fails, naming it, until it is
    gone."""
    from clawlib.doctor import BASE_IMAGE
    from tests.e2e.pods import remove_project

    project = f"claw-e2e-{uuid.uuid4().hex[:10]}"
    stray = f"{project}-stray"
    (tmp_path / "compose.generated.yml").write_text(
        f"name: {project}\nservices:\n  a:\n    image: {BASE_IMAGE}\n"
    )
    try:
        label = f"com.docker.compose.project={project}"
        docker("run", "-d", "--name", stray, "--label", label, BASE_IMAGE, "sleep", "300")
        assert main(["down", "-f", str(tmp_path)]) == 1
        out, err = capsys.readouterr()
        assert out == ""
        assert err.endswith(
            f"error: the pod is not down: 1 container of project {project} remains after docker "
            f"compose down: {stray} (running)\n"
        )
        docker("rm", "-f", stray)
        assert main(["down", "-f", str(tmp_path)]) == 0
        assert capsys.readouterr().out == f"Pod is down: project {project}.\n"
    finally:
        remove_project(project)
    assert leftovers(project) == {"containers": "", "networks": "", "volumes": ""}


def test_commands_without_the_project_name_the_one_that_runs(
    project: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """After ``claw up -p X``, ``claw down`` and ``claw ps`` without ``-p`` act on the pod's
    own project (as compose does) and say that X still runs from the pod's directory."""
    pod = tmp_path / "pod"
    pod.mkdir()
    (pod / "claw-pod.yml").write_text(
        f"x-claw:\n  pod: {project}\nservices:\n  web:\n    image: claw-base/busybox:latest\n"
        '    init: true\n    command: ["sleep", "600"]\n'
    )
    other = f"{project}-x"
    try:
        assert main(["up", "-d", "-y", "-f", str(pod), "-p", other]) == 0
        hint = f"The pod's directory also has project {other} (1 container, 1 running): claw"
        capsys.readouterr()
        assert main(["down", "-f", str(pod)]) == 0
        captured = capsys.readouterr()
        assert f"Pod is down: project {project}." in captured.out
        assert f"{hint} down -p {other}\n" in captured.err
        assert main(["ps", "-f", str(pod)]) == 0
        assert capsys.readouterr().err == (
            f"No containers in project {project}.\n{hint} ps -p {other}\n"
        )
        assert main(["down", "-f", str(pod), "-p", other]) == 0
        assert "also has project" not in capsys.readouterr().err
    finally:
        remove_project(other)
