"""The Plan: files in memory, their diff against the disk, and the atomic write."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml

from clawlib.errors import PodError
from clawlib.planner import managed_image_name, plan_pod
from clawlib.pod import load_pod

POD = """
    x-claw:
      pod: tiny
    services:
      api:
        image: api:1
        expose: ["8080"]
      worker:
        build: ./agents/worker
        x-claw:
          handles: {discord: "111"}
          surfaces: [service://api]
    """


@pytest.fixture
def pod_dir(tmp_path: Path) -> Path:
    (tmp_path / "claw-pod.yml").write_text(textwrap.dedent(POD).lstrip())
    agent = tmp_path / "agents" / "worker"
    agent.mkdir(parents=True)
    (agent / "Clawfile").write_text(
        "FROM claw-base/busybox:latest\nCLAW_TYPE generic\nAGENT AGENTS.md\n"
    )
    (tmp_path / "AGENTS.md").write_text("# Worker\n")
    return tmp_path


def no_images(ref: str) -> None:
    return None


def test_plan_from_clawfile_source(pod_dir: Path) -> None:
    plan = plan_pod(load_pod(pod_dir, environ={}), no_images)
    assert [f.path for f in plan.files] == [
        ".claw-runtime/handles.env",
        ".claw-runtime/worker/AGENTS.md",
        ".claw-runtime/worker/CLAWDAPUS.md",
        ".claw-runtime/worker/skills/handle-discord.md",
        ".claw-runtime/worker/skills/surface-api.md",
        "compose.generated.yml",
    ]
    assert [(b.service, b.image, b.reason) for b in plan.images] == [
        ("worker", "claw-local/tiny-worker:latest", "not built yet")
    ]
    assert [w.detail for w in plan.warnings] == [
        'image "claw-local/tiny-worker:latest" is not built yet: '
        "planned from agents/worker/Clawfile"
    ]
    compose = yaml.safe_load(plan.compose)
    worker = compose["services"]["worker"]
    assert worker["image"] == "claw-local/tiny-worker:latest"
    assert worker["build"] == "./agents/worker"
    assert (
        "./.claw-runtime/worker/skills/surface-api.md:/claw/skills/surface-api.md:ro"
        in worker["volumes"]
    )


def test_diff_write_and_nothing_left_to_do(pod_dir: Path) -> None:
    plan = plan_pod(load_pod(pod_dir, environ={}), no_images)
    diff = plan.diff()
    assert [c.kind for c in diff.files] == ["add"] * 6
    assert diff.services_added == ("api", "worker")
    assert diff.summary() == (
        "Plan: 6 files to add, 0 to change, 0 to remove; services: 2 added, 0 changed, 0 removed."
    )
    assert diff.files[1].diff.startswith("--- /dev/null\n+++ b/.claw-runtime/worker/AGENTS.md\n")
    plan.write()
    assert (pod_dir / "compose.generated.yml").read_text() == plan.compose
    again = plan_pod(load_pod(pod_dir, environ={}), no_images)
    assert not again.diff().changed
    assert again.compose == plan.compose


def test_changes_and_removals(pod_dir: Path) -> None:
    plan_pod(load_pod(pod_dir, environ={}), no_images).write()
    text = (pod_dir / "claw-pod.yml").read_text().replace('handles: {discord: "111"}\n', "")
    (pod_dir / "claw-pod.yml").write_text(text)
    (pod_dir / "AGENTS.md").write_text("# Worker v2\n")
    diff = plan_pod(load_pod(pod_dir, environ={}), no_images).diff()
    assert [(c.path, c.kind) for c in diff.files] == [
        (".claw-runtime/worker/AGENTS.md", "change"),
        (".claw-runtime/worker/CLAWDAPUS.md", "change"),
        ("compose.generated.yml", "change"),
        (".claw-runtime/handles.env", "remove"),
        (".claw-runtime/worker/skills/handle-discord.md", "remove"),
    ]
    assert diff.services_changed == ("api", "worker")
    assert "-# Worker\n+# Worker v2\n" in diff.files[0].diff


def test_unbuildable_services_are_reported(pod_dir: Path) -> None:
    (pod_dir / "claw-pod.yml").write_text(
        "services:\n  a:\n    image: nope:1\n    x-claw: {}\n  b:\n    x-claw: {}\n"
    )
    with pytest.raises(PodError) as caught:
        plan_pod(load_pod(pod_dir, environ={}), no_images)
    assert str(caught.value).replace(f"{pod_dir}/", "").splitlines() == [
        'claw-pod.yml:2: services.a: image "nope:1" is not in the local image store and the '
        "service has no build: with a Clawfile to plan from",
        "claw-pod.yml:5: services.b: a claw service needs image: or a build: with a Clawfile",
    ]


def test_driver_not_available(pod_dir: Path) -> None:
    clawfile = pod_dir / "agents" / "worker" / "Clawfile"
    clawfile.write_text(clawfile.read_text().replace("generic", "nanobot"))
    with pytest.raises(PodError) as caught:
        plan_pod(load_pod(pod_dir, environ={}), no_images)
    assert str(caught.value).endswith(
        "services.worker: the nanobot driver is not available in this version "
        "(available: generic, openclaw)"
    )


def test_managed_image_name() -> None:
    assert managed_image_name("Research Pod", "bot") == "claw-local/research-pod-bot:latest"
    assert managed_image_name("__", "-") == "claw-local/pod-service:latest"
