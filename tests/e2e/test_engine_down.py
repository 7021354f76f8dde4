"""What the user sees when the engine does not answer (no engine needed for these)."""

from __future__ import annotations

from pathlib import Path

import pytest

from clawtui.cli import main


@pytest.fixture
def no_engine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    host = f"unix://{tmp_path}/nothing.sock"
    monkeypatch.setenv("DOCKER_HOST", host)
    return host


def test_inspect_without_engine(no_engine: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", "anything"]) == 1
    assert capsys.readouterr().err == (
        f"error: the Docker engine at {no_engine} does not answer: no such file or directory "
        "(start it, e.g. with scripts/ensure-docker, or point DOCKER_HOST at a running one)\n"
    )


def test_build_without_engine_writes_nothing(
    no_engine: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "Clawfile").write_text("FROM x\nCLAW_TYPE generic\n")
    assert main(["build", str(tmp_path)]) == 1
    assert "does not answer" in capsys.readouterr().err
    assert not (tmp_path / "Dockerfile.generated").exists()


def test_doctor_without_engine(no_engine: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert (
        f"fail  engine      no answer at {no_engine}: no such file or directory -- fix: start "
        "the engine (scripts/ensure-docker as root), or point DOCKER_HOST at one\n"
    ) in out


def test_down_without_engine_is_not_down(
    no_engine: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """compose itself prints its error and exits 0 here; claw asks the engine first."""
    pod = tmp_path / "pod"
    pod.mkdir()
    (pod / "compose.generated.yml").write_text("name: gone\nservices:\n  a:\n    image: busybox\n")
    assert main(["down", "-f", str(pod)]) == 1
    assert capsys.readouterr() == (
        "",
        f"error: the Docker engine at {no_engine} does not answer: no such file or directory "
        "(start it, e.g. with scripts/ensure-docker, or point DOCKER_HOST at a running one)\n",
    )
