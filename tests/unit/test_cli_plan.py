"""``claw plan`` and ``claw generate`` on a small pod (no engine: images come from Clawfiles)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from clawlib.errors import EngineUnavailableError
from clawtui.cli import main


@pytest.fixture
def pod(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "claw-pod.yml").write_text(
        textwrap.dedent(
            """
            x-claw: {pod: tiny}
            services:
              worker:
                build: ./worker
                x-claw:
                  agent: ./AGENTS.md
            """
        ).lstrip()
    )
    (tmp_path / "worker").mkdir()
    (tmp_path / "worker" / "Clawfile").write_text("FROM x\nCLAW_TYPE generic\n")
    (tmp_path / "AGENTS.md").write_text("# Worker\n")
    monkeypatch.setattr("clawlib.engine.LocalImages.get", lambda self, ref: None)
    monkeypatch.setattr("clawlib.engine.DockerView.containers", lambda self, project: ())
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_plan_then_generate_then_nothing(pod: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan"]) == 2
    out = capsys.readouterr()
    assert "Plan: 4 files to add, 0 to change, 0 to remove; services: 1 added" in out.out
    assert "+ .claw-runtime/worker/AGENTS.md\n--- /dev/null\n" in out.out
    assert out.err == ""
    assert out.out.startswith(
        "image claw-local/tiny-worker:latest (worker): not built yet, planned from "
        "worker/Clawfile; build it with: claw build -t claw-local/tiny-worker:latest worker\n"
    )
    assert not (pod / "compose.generated.yml").exists()
    assert main(["generate"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "+ .claw-runtime/worker/AGENTS.md",
        "+ .claw-runtime/worker/CLAWDAPUS.md",
        "+ compose.generated.yml",
        "+ worker/Dockerfile.generated",
        "Wrote 4 files, removed 0.",
    ]
    assert oct((pod / ".claw-runtime").stat().st_mode & 0o777) == "0o700"
    assert main(["plan"]) == 0
    assert "No changes" in capsys.readouterr().out


def test_a_plan_with_no_changes_says_that_nothing_runs(
    pod: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """After ``claw down`` the files match the pod: the plan still says what applying does."""
    assert main(["generate"]) == 0
    capsys.readouterr()
    assert main(["plan"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "image claw-local/tiny-worker:latest (worker): not built yet, planned from "
        "worker/Clawfile; build it with: claw build -t claw-local/tiny-worker:latest worker",
        "No changes: the generated files match the pod.",
        "Containers: 0 of 1 running; apply creates 1.",
        "  + worker: create (no container yet)",
    ]


def test_without_an_engine_the_plan_says_the_containers_are_not_known(
    pod: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def down(self: object, project: str) -> tuple[()]:
        raise EngineUnavailableError("unix:///var/run/docker.sock", "connection refused")

    monkeypatch.setattr("clawlib.engine.DockerView.containers", down)
    assert main(["plan"]) == 2
    assert (
        "Containers: not known (the Docker engine at unix:///var/run/docker.sock does not "
        "answer: connection refused).\n" in capsys.readouterr().out
    )
    assert main(["plan", "--json"]) == 2
    containers = json.loads(capsys.readouterr().out)["containers"]
    assert containers == {
        "known": False,
        "planned": 0,
        "running": 0,
        "summary": "Containers: not known (the Docker engine at unix:///var/run/docker.sock "
        "does not answer: connection refused).",
        "services": [],
        "notes": [
            "the Docker engine at unix:///var/run/docker.sock does not answer: connection refused"
        ],
    }


def test_plan_json(pod: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--json"]) == 2
    shown = json.loads(capsys.readouterr().out)
    assert shown["changed"] is True
    assert [f["path"] for f in shown["files"]] == [
        ".claw-runtime/worker/AGENTS.md",
        ".claw-runtime/worker/CLAWDAPUS.md",
        "compose.generated.yml",
        "worker/Dockerfile.generated",
    ]
    assert shown["images"][0]["image"] == "claw-local/tiny-worker:latest"


def test_plan_reports_pod_problems(pod: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (pod / "claw-pod.yml").write_text("services:\n  worker:\n    x-claw:\n      count: zero\n")
    assert main(["plan"]) == 1
    assert capsys.readouterr().err == (
        'error: claw-pod.yml:4: services.worker.x-claw.count: must be a whole number, got "zero"\n'
    )
    assert main(["plan", "-f", "nope.yml"]) == 1
    assert capsys.readouterr().err == "error: nope.yml: no such pod file or directory\n"


SEVEN_MISTAKES = """\
services:
  api:
    image: x
  bot:
    image: x
    x-claw:
      agent: ./AGENTS.md
      count: two
      surfaces:
        - service://nowhere
        - ftp://files
        - volume://cache sideways
      invoke:
        - {schedule: "61 * * * *", message: hello}
      handles:
        discord: {username: nobody}
      colour: blue
"""


def test_every_mistake_at_once_and_nothing_written(
    pod: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (pod / "claw-pod.yml").write_text(SEVEN_MISTAKES)
    assert main(["generate"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        'error: claw-pod.yml:8: services.bot.x-claw.count: must be a whole number, got "two"',
        "error: claw-pod.yml:10: services.bot.x-claw.surfaces[0]: service surface targets "
        'unknown service "nowhere" (services: api, bot)',
        'error: claw-pod.yml:11: services.bot.x-claw.surfaces[1]: unsupported surface scheme "ftp" '
        "(valid: channel, egress, host, service, volume)",
        "error: claw-pod.yml:12: services.bot.x-claw.surfaces[2]: surface volume access mode "
        '"sideways" is invalid (expected read-only or read-write)',
        "error: claw-pod.yml:14: services.bot.x-claw.invoke[0].schedule: invalid minute field "
        '"61": value 61 out of bounds 0-59',
        'error: claw-pod.yml:16: services.bot.x-claw.handles.discord.id: missing required key "id"',
        'error: claw-pod.yml:17: services.bot.x-claw.colour: unknown key "colour" (valid keys: '
        "agent, persona, cllama, cllama-env, count, handles, surfaces, skills, invoke, include)",
    ]
    assert sorted(p.name for p in pod.iterdir()) == ["AGENTS.md", "claw-pod.yml", "worker"]
