"""Every independent problem of a pod in one run, whatever stage finds it.

A pod with a schema mistake in one service, a missing contract in a second, a path leading out of
the pod in a third and a driver's refusal in a fourth gets one PodError listing all four, each with
its line and YAML path. Checks that need an input which is itself wrong are skipped (a claw whose
x-claw block is malformed is not resolved, one without its contract is not materialised), so a
mistake is reported once, not again by every later stage.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from clawlib.errors import PodError
from clawlib.session import PodSession
from clawtui.cli import main
from tests.hostile import Canary

GENERIC = "FROM claw-base/busybox:latest\nCLAW_TYPE generic\n"
BAD_MODEL = "FROM claw-base/busybox:latest\nCLAW_TYPE openclaw\nMODEL primary openai/\n"
DRIVER_PROBLEM = (
    'MODEL primary: model reference "openai/" is not provider/model (write provider/model, '
    "e.g. anthropic/claude-sonnet-4)"
)

FOUR_MISTAKES = """\
x-claw: {pod: many}
services:
  schema:
    build: ./agents/generic
    x-claw:
      agent: ./AGENTS.md
      count: two
  missing:
    build: ./agents/generic
    x-claw:
      agent: ./nowhere.md
  escape:
    build: ./agents/generic
    x-claw:
      agent: ../../etc/passwd
  driver:
    build: ./agents/openclaw
    x-claw:
      agent: ./AGENTS.md
  fine:
    build: ./agents/generic
    x-claw:
      agent: ./AGENTS.md
"""


@pytest.fixture
def pod(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A pod directory with a generic and an openclaw Clawfile (the latter with a MODEL its
    driver refuses), a contract, and no image built."""
    directory = tmp_path / "pod"
    for name, text in (("generic", GENERIC), ("openclaw", BAD_MODEL)):
        (directory / "agents" / name).mkdir(parents=True)
        (directory / "agents" / name / "Clawfile").write_text(text)
    (directory / "AGENTS.md").write_text("# Agent\n")
    monkeypatch.setattr("clawlib.engine.LocalImages.get", lambda self, ref: None)
    monkeypatch.chdir(directory)
    return directory


def write(pod: Path, text: str) -> None:
    (pod / "claw-pod.yml").write_text(textwrap.dedent(text))


def problems(pod: Path) -> list[tuple[int, str, str]]:
    """(line, YAML path, detail) of every problem planning the pod reports."""
    with pytest.raises(PodError) as caught, PodSession(pod) as session:
        session.plan()
    return [(p.line, p.yaml_path, p.detail) for p in caught.value.problems]


def files(directory: Path) -> dict[str, bytes | str]:
    """Everything under ``directory`` (links as their targets)."""
    found: dict[str, bytes | str] = {}
    for parent, names, entries in os.walk(directory):
        for name in [*names, *entries]:
            path = Path(parent, name)
            key = path.relative_to(directory).as_posix()
            if path.is_symlink():
                found[key] = os.readlink(path)
            elif path.is_file():
                found[key] = path.read_bytes()
            else:
                found[key] = "dir"
    return found


def test_a_schema_mistake_a_missing_contract_an_escape_and_a_driver_problem_at_once(
    pod: Path,
) -> None:
    write(pod, FOUR_MISTAKES)
    assert problems(pod) == [
        (7, "services.schema.x-claw.count", 'must be a whole number, got "two"'),
        (
            11,
            "services.missing.x-claw.agent",
            f'contract "./nowhere.md" not found (looked for {pod}/nowhere.md) '
            "(no contract, no start)",
        ),
        (
            15,
            "services.escape.x-claw.agent",
            'contract "../../etc/passwd" is outside the pod directory (no contract, no start)',
        ),
        (16, "services.driver", DRIVER_PROBLEM),
    ]


def test_claw_plan_prints_them_all_and_writes_nothing(
    pod: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(pod, FOUR_MISTAKES)
    before = files(pod)
    for command in ("plan", "generate", "up"):
        assert main([command]) == 1
        out = capsys.readouterr()
        assert out.out == ""
        assert out.err.splitlines() == [
            "error: claw-pod.yml:7: services.schema.x-claw.count: must be a whole number, "
            'got "two"',
            'error: claw-pod.yml:11: services.missing.x-claw.agent: contract "./nowhere.md" not '
            f"found (looked for {pod}/nowhere.md) (no contract, no start)",
            'error: claw-pod.yml:15: services.escape.x-claw.agent: contract "../../etc/passwd" is '
            "outside the pod directory (no contract, no start)",
            f"error: claw-pod.yml:16: services.driver: {DRIVER_PROBLEM}",
        ]
        assert "Traceback" not in out.err
        assert files(pod) == before


def test_a_contract_linked_out_of_the_pod_is_reported_with_the_rest(pod: Path) -> None:
    canary = Canary(pod)
    (pod / "linked.md").symlink_to(canary.root / "secret.txt")
    write(pod, FOUR_MISTAKES.replace("../../etc/passwd", "./linked.md"))
    with canary.watching():
        found = problems(pod)
    assert [(line, path) for line, path, _ in found] == [
        (7, "services.schema.x-claw.count"),
        (11, "services.missing.x-claw.agent"),
        (15, "services.escape.x-claw.agent"),
        (16, "services.driver"),
    ]
    assert found[2][2].startswith(
        'contract "./linked.md" is a symlink leading outside the pod directory'
    )
    canary.assert_untouched(str(found))


def test_a_malformed_service_brings_no_problems_of_the_stages_it_skips(pod: Path) -> None:
    (pod / "agents" / "broken").mkdir()
    (pod / "agents" / "broken" / "Clawfile").write_text(
        "FROM x\nCLAW_TYPE generic\nMODEL primary\n"
    )
    write(
        pod,
        """\
        services:
          web: 5
          bot:
            build: ./agents/openclaw
            x-claw:
              agent: ./nowhere.md
              count: two
              surfaces: [service://web]
          peer:
            build: ./agents/generic
            x-claw:
              agent: ./AGENTS.md
              surfaces: [service://web]
          built:
            build: ./agents/broken
            x-claw:
              agent: ./nowhere.md
          plain:
            build: ./agents/generic
            x-claw:
              agent: ./nowhere.md
          api:
            image: x
            expose: 8080
          client:
            build: ./agents/openclaw
            x-claw:
              agent: ./nowhere.md
              surfaces: [service://api]
        """,
    )
    assert problems(pod) == [
        (2, "services.web", "a service is a mapping of compose keys"),
        (7, "services.bot.x-claw.count", 'must be a whole number, got "two"'),
        (
            14,
            "services.built",
            "agents/broken/Clawfile:3: MODEL requires <slot> <provider/model>, e.g. MODEL "
            "primary anthropic/claude-sonnet-4",
        ),
        (
            21,
            "services.plain.x-claw.agent",
            f'contract "./nowhere.md" not found (looked for {pod}/nowhere.md) '
            "(no contract, no start)",
        ),
        (
            24,
            "services.api.expose",
            'must be a list of ports (strings or numbers, e.g. ["8080"]), got 8080 (a number)',
        ),
    ]


def test_the_same_problems_in_many_services_are_reported_for_each(pod: Path) -> None:
    services = "".join(
        f"  claw{i}:\n    build: ./agents/generic\n    x-claw: {{agent: ../outside-{i}.md}}\n"
        if i % 2
        else f"  claw{i}:\n    build: ./agents/generic\n    x-claw: {{agent: x.md, count: two}}\n"
        for i in range(12)
    )
    write(pod, "services:\n" + services)
    assert problems(pod) == [
        (
            (
                4 + 3 * i,
                f"services.claw{i}.x-claw.agent",
                f'contract "../outside-{i}.md" is '
                "outside the pod directory (no contract, no start)",
            )
            if i % 2
            else (4 + 3 * i, f"services.claw{i}.x-claw.count", 'must be a whole number, got "two"')
        )
        for i in range(12)
    ]


def test_every_broken_clawfile_with_every_line(pod: Path) -> None:
    for name, text in (
        ("one", "FROM x\nCLAW_TYPE generic\nMODEL primary\nINVOKE 99 * * * * hi\n"),
        ("two", "FROM x\nCLAW_TYPE generic\nHANDLE\n"),
    ):
        (pod / "agents" / name).mkdir()
        (pod / "agents" / name / "Clawfile").write_text(text)
    write(
        pod,
        """\
        services:
          one:
            build: ./agents/one
            x-claw: {agent: ./AGENTS.md}
          two:
            build: ./agents/two
            x-claw: {agent: ./AGENTS.md}
          schema:
            build: ./agents/generic
            x-claw: {agent: ./AGENTS.md, colour: blue}
          driver:
            build: ./agents/openclaw
            x-claw: {agent: ./AGENTS.md}
        """,
    )
    found = problems(pod)
    assert [(line, path) for line, path, _ in found] == [
        (2, "services.one"),
        (2, "services.one"),
        (5, "services.two"),
        (10, "services.schema.x-claw.colour"),
        (11, "services.driver"),
    ]
    details = [detail for _, _, detail in found]
    assert details[:3] == [
        "agents/one/Clawfile:3: MODEL requires <slot> <provider/model>, e.g. MODEL primary "
        "anthropic/claude-sonnet-4",
        'agents/one/Clawfile:4: invalid minute field "99": value 99 out of bounds 0-59',
        "agents/two/Clawfile:3: HANDLE requires exactly one platform name, e.g. HANDLE discord",
    ]
    assert details[4] == DRIVER_PROBLEM


def test_problems_in_included_files_come_with_the_others(pod: Path) -> None:
    (pod / "latin1.md").write_bytes("caf\xe9\n".encode("latin-1"))
    write(
        pod,
        """\
        services:
          included:
            build: ./agents/generic
            x-claw:
              agent: ./AGENTS.md
              include:
                - {id: rules, file: ../rules.md, mode: enforce}
                - {id: notes, file: ./latin1.md, mode: guide}
                - {id: manual, file: ./manual.md, mode: reference}
          schema:
            build: ./agents/generic
            x-claw: {agent: ./AGENTS.md, count: 0}
          driver:
            build: ./agents/openclaw
            x-claw: {agent: ./AGENTS.md}
        """,
    )
    assert problems(pod) == [
        (
            7,
            "services.included.x-claw.include[0].file",
            'include "../rules.md" is outside the pod directory',
        ),
        (
            8,
            "services.included.x-claw.include[1].file",
            'include "./latin1.md" is not valid UTF-8 (byte 0xe9 on line 1): enforce and guide '
            "includes are inlined into the contract as text; save it as UTF-8, or use mode: "
            "reference",
        ),
        (
            9,
            "services.included.x-claw.include[2].file",
            f'include "./manual.md" not found (looked for {pod}/manual.md)',
        ),
        (12, "services.schema.x-claw.count", "must be at least 1, got 0"),
        (13, "services.driver", DRIVER_PROBLEM),
    ]


def test_governance_and_starvation_problems_come_with_the_drivers(pod: Path) -> None:
    write(
        pod,
        """\
        services:
          starved:
            build: ./agents/generic
            environment: {OPENAI_API_KEY: sk-not-shown}
            x-claw: {agent: ./AGENTS.md, cllama: passthrough}
          driver:
            build: ./agents/openclaw
            x-claw: {agent: ./AGENTS.md}
        """,
    )
    found = problems(pod)
    assert [(line, path) for line, path, _ in found] == [
        (4, "services.starved.environment.OPENAI_API_KEY"),
        (6, "services.driver"),
    ]
    assert found[1][2] == DRIVER_PROBLEM
    write(
        pod,
        """\
        services:
          one:
            build: ./agents/generic
            x-claw: {agent: ./AGENTS.md, cllama: passthrough}
          two:
            build: ./agents/generic
            x-claw: {agent: ./AGENTS.md, cllama: other}
          driver:
            build: ./agents/openclaw
            x-claw: {agent: ./AGENTS.md}
        """,
    )
    assert problems(pod) == [
        (
            1,
            "services",
            "a pod runs one governance proxy type, and its claws name 2: other (two); "
            "passthrough (one)",
        ),
        (8, "services.driver", DRIVER_PROBLEM),
    ]
