"""A canary secret in every form, planned through the public API and the command line: the
generated files hold them (so the forms are real), nothing claw prints does."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from clawlib import load_pod
from clawlib.errors import ClawError
from clawlib.planner import plan_pod
from clawlib.secrets import holds_secret
from clawtui.cli import main
from tests.hostile import SECRET_CANARY, secret_pod

CANARIES = re.compile(rf"{SECRET_CANARY}[\w-]*")


def no_extract(image: str, path: str) -> bytes:
    raise ClawError(f"no image {image}")


@pytest.fixture
def pod(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    pod_file = secret_pod(tmp_path / "canary")
    monkeypatch.setattr("clawlib.engine.LocalImages.get", lambda self, ref: None)
    monkeypatch.chdir(pod_file.parent)
    return pod_file.parent


def test_the_planned_files_hold_every_canary_and_the_diff_none(pod: Path) -> None:
    plan = plan_pod(load_pod(pod, environ={}), lambda ref: None, no_extract)
    raw = {f.path: f.content.decode() for f in plan.files}
    found = {canary for text in raw.values() for canary in CANARIES.findall(text)}
    # Every form reaches a generated file: the compose file, the generated Dockerfile and
    # openclaw.json (the CONFIGURE literal under "apiKey").
    assert {c.removeprefix(f"{SECRET_CANARY}-") for c in found} >= {
        "map", "pat", "url", "default", "flag", "pem-1", "pem-2", "pem-3", "dq-1", "dq-2",
        "sq-1", "sq-2", "plain-1", "plain-2", "list-1", "list-2", "list-3", "list-4",
        "list-5", "dockerfile", "json", "configure", "invoke",
    }  # fmt: skip
    assert '"apiKey": "cnry7f3a-json"' in raw[".claw-runtime/agent/config/openclaw.json"]
    assert all(holds_secret(text) for text in raw.values() if SECRET_CANARY in text)
    diff = plan.diff()
    assert diff.files
    for change in diff.files:
        assert SECRET_CANARY not in change.diff, change.path
    compose = next(c.diff for c in diff.files if c.path == "compose.generated.yml")
    assert "+      SETTING: ${SECRET_TOKEN:-••••}\n" in compose
    assert "+      DATABASE_URL: postgres://admin:••••@db/app\n" in compose
    assert "+      Github_Pat: •••• (Github_Pat)\n" in compose


def test_no_command_shows_a_canary(pod: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shown = []
    assert main(["plan"]) == 2
    shown.append(capsys.readouterr())
    assert main(["plan", "--json"]) == 2
    shown.append(capsys.readouterr())
    files = json.loads(shown[-1].out)["files"]
    assert files
    assert all(f["diff"].startswith("--- /dev/null\n") for f in files)
    assert main(["generate"]) == 0
    shown.append(capsys.readouterr())
    assert SECRET_CANARY in (pod / "compose.generated.yml").read_text()
    # Every secret changed: the diff shows changed lines, masked.
    pod_file = pod / "claw-pod.yml"
    pod_file.write_text(pod_file.read_text().replace(SECRET_CANARY, f"{SECRET_CANARY}-new"))
    clawfile = pod / "agent" / "Clawfile"
    clawfile.write_text(clawfile.read_text().replace(SECRET_CANARY, f"{SECRET_CANARY}-new"))
    assert main(["plan"]) == 2
    shown.append(capsys.readouterr())
    assert "-      OPENAI_API_KEY: •••• (OPENAI_API_KEY)\n" in shown[-1].out
    assert "+      OPENAI_API_KEY: •••• (OPENAI_API_KEY)\n" in shown[-1].out
    assert "+        •••• (SSH_PRIVATE_KEY)\n" in shown[-1].out
    assert main(["plan", "--json"]) == 2
    shown.append(capsys.readouterr())
    for output in shown:
        assert output.out
        assert SECRET_CANARY not in output.out + output.err


def test_files_holding_a_secret_are_written_private(pod: Path) -> None:
    """Every file claw writes that holds a canary is 0600 (and only those files hold one), and
    a file already on disk with looser bits is tightened by the next write."""
    assert main(["generate"]) == 0
    holding = sorted(
        path.relative_to(pod).as_posix()
        for path in pod.rglob("*")
        if path.is_file() and SECRET_CANARY in path.read_text(errors="replace")
    )
    written = [p for p in holding if p not in ("claw-pod.yml", "agent/Clawfile")]
    assert written == [
        ".claw-runtime/agent/config/openclaw.json",
        ".claw-runtime/agent/state/cron/jobs.json",
        "agent/Dockerfile.generated",
        "compose.generated.yml",
    ]
    for path in written:
        assert (pod / path).stat().st_mode & 0o777 == 0o600, path
    others = [
        p
        for p in pod.rglob("*")
        if p.is_file()
        and p.relative_to(pod).as_posix() not in holding
        and ".previous" not in str(p)
    ]
    assert any(p.stat().st_mode & 0o777 == 0o644 for p in others)
    # A copy made readable by others is put back to 0600 by the next write, as a change.
    (pod / "compose.generated.yml").chmod(0o644)
    plan = plan_pod(load_pod(pod, environ={}), lambda ref: None, no_extract)
    changes = {c.path: c for c in plan.diff().files}
    assert list(changes) == ["compose.generated.yml"]
    assert changes["compose.generated.yml"].kind == "change"
    assert changes["compose.generated.yml"].diff.endswith("(mode 0644 → 0600)\n")
    plan.write()
    assert (pod / "compose.generated.yml").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        (
            f'"OPENAI_API_KEY={SECRET_CANARY}"',
            'must be a mapping of NAME: value, or a list of "NAME=value" strings, got '
            '"OPENAI_API_KEY=•••• (OPENAI_API_KEY)"',
        ),
        (
            f"{{API_TOKEN: !!int {SECRET_CANARY}}}",
            "a string (not shown: a secret) is not a valid !!int",
        ),
        (
            f'"postgres://admin:{SECRET_CANARY}@db/app"',
            'got "postgres://admin:••••@db/app"',
        ),
    ],
)
def test_a_problem_never_quotes_a_secret(
    environment: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "claw-pod.yml").write_text(
        f"services:\n  web:\n    image: busybox\n    environment: {environment}\n"
    )
    assert main(["plan", "-f", str(tmp_path / "claw-pod.yml")]) == 1
    err = capsys.readouterr().err
    assert message in err
    assert SECRET_CANARY not in err
