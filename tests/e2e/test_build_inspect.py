"""claw build and claw inspect against the real engine."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from clawlib.clawfile import ClawImageInfo, read_clawfile
from clawtui.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parents[2]

pytestmark = pytest.mark.docker


@pytest.fixture
def tag() -> Iterator[str]:
    name = f"claw-test-{uuid.uuid4().hex[:12]}:latest"
    yield name
    subprocess.run(["docker", "image", "rm", "-f", name], capture_output=True, check=False)


def copy_fixture(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(FIXTURES / name, target)
    return target


def run_in_image(tag: str, *command: str) -> str:
    done = subprocess.run(
        ["docker", "run", "--rm", tag, *command], capture_output=True, text=True, check=True
    )
    return done.stdout


def inspect_json(tag: str, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    assert main(["inspect", "--json", tag]) == 0
    shown: dict[str, object] = json.loads(capsys.readouterr().out)
    return shown


def test_every_directive_survives_the_build(
    tmp_path: Path, tag: str, capsys: pytest.CaptureFixture[str]
) -> None:
    agent = copy_fixture("every-directive", tmp_path)
    assert main(["build", "-t", tag, str(agent)]) == 0
    err = capsys.readouterr().err
    assert f"claw: {agent / 'Dockerfile.generated'} written (openclaw)" in err
    assert "Step 1/" in err  # docker's own progress, streamed
    assert f"claw: built {tag} (sha256:" in err

    shown = inspect_json(tag, capsys)
    image = shown.pop("image")
    assert isinstance(image, dict)
    assert image["ref"] == tag
    assert shown == {
        "claw": True,
        "type": "openclaw",
        "agent": "AGENTS.md",
        "persona": "./personas/analyst",
        "models": {
            "fallback": "local/model  with  spaces",
            "primary": "openrouter/anthropic/claude-sonnet-4",
        },
        "cllama": ["passthrough", "policy"],
        "handles": ["discord", "slack"],
        "surfaces": [
            {
                "raw": "volume://research read-only",
                "scheme": "volume",
                "target": "research",
                "access_mode": "read-only",
            },
            {
                "raw": "service://market-api:8080",
                "scheme": "service",
                "target": "market-api:8080",
                "access_mode": None,
            },
            {
                "raw": "channel://discord",
                "scheme": "channel",
                "target": "discord",
                "access_mode": None,
            },
        ],
        "skills": ["./skills/risk.md"],
        "skill_emit": "/app/SKILL.md",
        "invocations": [
            {"schedule": "15 8 * * 1-5", "command": "Pre-market synthesis for $DESK"},
            {"schedule": "*/30 * * * *", "command": 'Heartbeat "ping"'},
        ],
        "configures": [
            'openclaw config set channels.discord.accounts [{"token":"${DISCORD_BOT_TOKEN}"}]',
            "openclaw config set agents.defaults.bindings.discord.accountId $DISCORD_APP_ID",
            "openclaw config set paths.windows C:\\new\\table",
        ],
        "privileges": {"docker-socket": "true", "runtime": "node"},
        "tracks": ["apt", "pip"],
        "problems": [],
    }
    assert run_in_image(tag, "cat", "/built") == "built\ntwice\n"


def test_parsed_clawfile_equals_what_the_image_carries(tmp_path: Path, tag: str) -> None:
    agent = copy_fixture("every-directive", tmp_path)
    assert main(["build", "-q", "-t", tag, str(agent)]) == 0
    labels = json.loads(
        subprocess.run(
            ["docker", "image", "inspect", "--format", "{{json .Config.Labels}}", tag],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    from_image = ClawImageInfo.from_labels(labels)
    parsed = read_clawfile(agent / "Clawfile").info()
    assert from_image.skill_emit == "/app/SKILL.md"
    assert from_image == ClawImageInfo(**{**parsed.__dict__, "skill_emit": "/app/SKILL.md"})


def test_backtick_escape_directive(
    tmp_path: Path, tag: str, capsys: pytest.CaptureFixture[str]
) -> None:
    agent = copy_fixture("backtick", tmp_path)
    assert main(["build", "-q", "-t", tag, str(agent)]) == 0
    image_id = capsys.readouterr().out.strip()
    assert image_id.startswith("sha256:")
    shown = inspect_json(tag, capsys)
    assert shown["configures"] == ['generic config set greeting "hello `world` $USER \\o/"']
    assert shown["invocations"] == [{"schedule": "0 9 * * *", "command": "say `hi` now"}]
    assert run_in_image(tag, "cat", "/built") == "one two\n"


def test_demo_clawfiles_build(tmp_path: Path, tag: str, capsys: pytest.CaptureFixture[str]) -> None:
    demo = tmp_path / "demo"
    shutil.copytree(ROOT / "examples" / "demo", demo)
    for agent in ("assistant", "researcher"):
        assert main(["build", "-q", "-t", tag, str(demo / "agents" / agent)]) == 0
        capsys.readouterr()
        assert inspect_json(tag, capsys)["agent"] == "AGENTS.md"


def test_failing_build(tmp_path: Path, tag: str, capsys: pytest.CaptureFixture[str]) -> None:
    marker = f"about to fail {tmp_path.name}"
    (tmp_path / "Clawfile").write_text(
        f"FROM claw-base/busybox:latest\nCLAW_TYPE generic\nRUN echo {marker} && false\n"
    )
    assert main(["build", "-t", tag, str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert marker in err
    assert "error: docker build failed with exit status 1:" in err
    # The failed step's container is not left behind.
    listed = subprocess.run(
        ["docker", "ps", "-a", "--no-trunc", "--format", "{{.Command}}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert marker not in listed


def test_console_script_builds_with_dash_f(tmp_path: Path, tag: str) -> None:
    agent = copy_fixture("every-directive", tmp_path)
    (agent / "Clawfile").rename(agent / "Clawfile.analyst")
    claw = Path(sys.executable).parent / "claw"
    done = subprocess.run(
        [str(claw), "build", "-t", tag, "-f", "Clawfile.analyst", "."],
        cwd=agent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (agent / "Dockerfile.analyst.generated").is_file()
    assert not (agent / "Dockerfile.generated").exists()


def test_doctor_on_this_machine(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[:2] for line in lines] == [
        ["ok", "docker"],
        ["ok", "engine"],
        ["ok", "compose"],
        [lines[3].split()[0], "builder"],
        ["ok", "python"],
        ["ok", "drivers"],
        ["ok", "base-image"],
    ]
