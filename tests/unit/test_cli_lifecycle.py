"""``claw up --plan`` never waits on a non-terminal; lifecycle commands on a pod never applied."""

from __future__ import annotations

from pathlib import Path

import pytest

from clawtui.cli import main


@pytest.fixture
def pod(tmp_path: Path) -> Path:
    (tmp_path / "claw-pod.yml").write_text("services:\n  web:\n    image: busybox:latest\n")
    return tmp_path


def test_up_plan_on_a_non_terminal_applies_nothing(
    pod: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["up", "-f", str(pod), "--plan"]) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith(
        "Plan: 1 files to add, 0 to change, 0 to remove; services: 1 added, 0 changed, "
        "0 removed.\n\n+ compose.generated.yml\n"
    )
    assert captured.err == (
        "error: --plan asks before applying, but standard input is not a terminal; nothing was "
        "applied (pass -y to apply without asking)\n"
    )
    assert sorted(p.name for p in pod.iterdir()) == ["claw-pod.yml"]


def test_an_invalid_project_name_is_refused_before_planning(
    pod: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["up", "-f", str(pod), "-p", "Bad!", "-d"]) == 1
    assert capsys.readouterr().err == (
        'error: "Bad!" is not a valid project name (lower-case letters, digits, "_" and "-", '
        "starting with a letter or digit)\n"
    )


@pytest.mark.parametrize("command", [["ps"], ["health"], ["down"], ["ps", "--json"]])
def test_commands_on_a_pod_never_applied(
    command: list[str], pod: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*command, "-f", str(pod / "claw-pod.yml")]) == 1
    assert capsys.readouterr().err == (
        f"error: no compose.generated.yml in {pod}: the pod has not been brought up "
        f"(run: claw up -f {pod / 'claw-pod.yml'})\n"
    )
