"""Hostile values in a pod: each ends in one clear error, never a traceback.

Every row is a pod (its files) and the error it must get: where (file, line, YAML path), what is
wrong, and what is valid. Each runs through ``claw plan`` and ``claw generate`` (exit status 1,
``error:`` lines on standard error) and through the public API (``load_pod``, ``plan_pod``,
``Plan.diff``); either way nothing is written in the pod directory and nothing beside it is
touched (:class:`tests.hostile.Canary`).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from clawlib.errors import ClawError
from clawlib.planner import plan_pod
from clawlib.pod import load_pod
from clawtui.cli import main
from tests.hostile import Canary

CLAWFILE = "FROM claw-base/busybox:latest\nCLAW_TYPE generic\nAGENT AGENTS.md\n"
HUGE = "9" * 5000
"""More digits than Python converts to an int (4300) and than compose reads as a number."""


@dataclass(frozen=True)
class Case:
    """A pod and the error lines it must get; ``{pod}`` stands for the pod file as given."""

    id: str
    pod: str
    errors: tuple[str, ...]
    files: Mapping[str, bytes] = field(default_factory=dict)

    def expected(self, pod_file: Path) -> list[str]:
        return [line.replace("{pod}", str(pod_file)) for line in self.errors]

    def write(self, directory: Path) -> Path:
        directory.mkdir()
        (directory / "Clawfile").write_text(CLAWFILE)
        (directory / "AGENTS.md").write_text("# Agent\n")
        for name, content in self.files.items():
            (directory / name).write_bytes(content)
        pod_file = directory / "claw-pod.yml"
        pod_file.write_text(textwrap.dedent(self.pod).lstrip())
        return pod_file


CASES = [
    Case(
        "top-level volumes as a list",
        """
        services:
          w:
            build: .
            x-claw:
              surfaces: ["volume://data read-write"]
        volumes:
          - data
        """,
        (
            '{pod}:6: volumes: must be a mapping of volume name to its options (e.g. "data: {}"), '
            "got a list",
        ),
    ),
    Case(
        "environment: true on a claw",
        """
        services:
          w:
            build: .
            environment: true
            x-claw: {}
        """,
        (
            "{pod}:4: services.w.environment: must be a mapping of NAME: value, or a list of "
            '"NAME=value" strings, got true (a boolean)',
        ),
    ),
    Case(
        "expose: 8080 on a service:// target",
        """
        services:
          api:
            image: api:1
            expose: 8080
          w:
            build: .
            x-claw:
              surfaces: [service://api]
        """,
        (
            "{pod}:4: services.api.expose: must be a list of ports (strings or numbers, "
            'e.g. ["8080"]), got 8080 (a number)',
        ),
    ),
    Case(
        "an include that is not UTF-8",
        """
        services:
          w:
            build: .
            x-claw:
              include:
                - {id: rules, file: rules.md, mode: enforce}
        """,
        (
            '{pod}:6: services.w.x-claw.include[0].file: include "rules.md" is not valid UTF-8 '
            "(byte 0xff on line 2): enforce and guide includes are inlined into the contract as "
            "text; save it as UTF-8, or use mode: reference",
        ),
        files={"rules.md": b"# Rules\n\xff\xfe\n"},
    ),
    Case(
        "a 5,000-digit count",
        f"""
        services:
          w:
            build: .
            x-claw:
              count: {HUGE}
        """,
        (
            "{pod}:5: services.w.x-claw.count: must be a whole number, got "
            f'"{HUGE[:40]}…" (5000 characters)',
        ),
    ),
    Case(
        "a 5,000-digit !!int",
        f"""
        services:
          w:
            build: .
            environment:
              BIG: !!int 0x{"f" * 5000}
            x-claw: {{}}
        """,
        (
            f'{{pod}}:5: services.w.environment.BIG: "0x{"f" * 38}…" (5002 characters) is not a '
            "valid !!int (compose reads whole numbers from -9223372036854775808 to "
            "18446744073709551615)",
        ),
    ),
    Case(
        "a 5,000-digit mapping key",
        f"""
        services:
          w:
            build: .
            environment:
              ? {HUGE}
              : [1]
            x-claw: {{}}
        """,
        (
            f"{{pod}}:5: services.w.environment.{HUGE}: must be a string, number, boolean or "
            "null, got a list",
        ),
    ),
    Case(
        "a 5,000-digit schedule in the Clawfile",
        """
        services:
          w:
            build: .
            x-claw: {}
        """,
        (
            f'{{pod}}:2: services.w: Clawfile:4: invalid minute field "{HUGE}": invalid '
            f'value "{HUGE}" (expected *, a number, a-b, or one of those /step)',
        ),
        files={"Clawfile": f"{CLAWFILE}INVOKE {HUGE} * * * * hello\n".encode()},
    ),
    Case(
        "handle platform names that are no file names",
        """
        services:
          w:
            build: .
            x-claw:
              handles:
                "\\0": "1"
                ../../../../x: "2"
        """,
        (
            '{pod}:6: services.w.x-claw.handles["\\u0000"]: platform name "\\u0000" is not '
            'valid: it names files and variables, so it holds only letters, digits, ".", "_" and '
            '"-", starting with a letter or digit, as HANDLE takes it (discord, slack...)',
            '{pod}:7: services.w.x-claw.handles["../../../../x"]: platform name "../../../../x" '
            'is not valid: it names files and variables, so it holds only letters, digits, ".", '
            '"_" and "-", starting with a letter or digit, as HANDLE takes it (discord, slack...)',
        ),
    ),
    Case(
        "an empty !!int",
        """
        services:
          w:
            build: .
            x-claw:
              count: !!int
        """,
        ('{pod}:5: services.w.x-claw.count: "" is not a valid !!int',),
    ),
    Case(
        "half a surrogate pair",
        """
        services:
          w:
            build: .
            x-claw:
              include:
                - {id: "\\ud800", file: AGENTS.md, mode: guide}
        """,
        (
            '{pod}:6: services.w.x-claw.include[0].id: invalid escape "\\ud800": half of a '
            "UTF-16 surrogate pair, which is no character (compose refuses it too); write the "
            "character itself, or escape it whole as \\UXXXXXXXX",
        ),
    ),
]


def _snapshot(directory: Path) -> dict[str, bytes | None]:
    return {
        path.relative_to(directory).as_posix(): path.read_bytes() if path.is_file() else None
        for path in sorted(directory.rglob("*"))
    }


@pytest.mark.parametrize("command", ["plan", "generate"])
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_the_command_line_says_what_is_wrong(
    case: Case,
    command: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr("clawlib.engine.LocalImages.get", lambda self, ref: None)
    pod_file = case.write(tmp_path / "pod")
    canary = Canary(pod_file.parent)
    before = _snapshot(pod_file.parent)
    with canary.watching():
        status = main([command, "-f", str(pod_file)])
    out, err = capsys.readouterr()
    assert (status, out) == (1, "")
    assert err.splitlines() == [f"error: {line}" for line in case.expected(pod_file)]
    assert _snapshot(pod_file.parent) == before
    canary.assert_untouched(out, err)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_the_library_raises_a_claw_error(case: Case, tmp_path: Path) -> None:
    pod_file = case.write(tmp_path / "pod")
    canary = Canary(pod_file.parent)
    before = _snapshot(pod_file.parent)
    with canary.watching(), pytest.raises(ClawError) as raised:
        plan_pod(load_pod(pod_file, environ={}), lambda ref: None).diff()
    assert str(raised.value).splitlines() == case.expected(pod_file)
    assert _snapshot(pod_file.parent) == before
    canary.assert_untouched(str(raised.value))


def test_a_huge_number_reaches_compose_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Not an error: compose reads a 5,000-digit number as text, and so does claw."""
    monkeypatch.setattr("clawlib.engine.LocalImages.get", lambda self, ref: None)
    case = Case(
        "",
        f"""
        services:
          api:
            image: api:1
            environment: {{BIG: {HUGE}}}
          w:
            build: .
            environment: {{BIG: {HUGE}}}
            x-claw: {{}}
        """,
        (),
    )
    pod_file = case.write(tmp_path / "pod")
    assert main(["generate", "-f", str(pod_file)]) == 0
    assert capsys.readouterr().err == ""
    generated = (pod_file.parent / "compose.generated.yml").read_text()
    assert generated.count(f"      BIG: {HUGE}\n") == 2


_CLAW = [sys.executable, "-c", "import sys; from clawtui.cli import main; sys.exit(main())"]


def _plain_pod(directory: Path, size: int) -> Path:
    """A pod of plain services (planning it asks no engine) whose plan prints ``size``+ bytes."""
    directory.mkdir()
    value = "x" * 1000
    services = "".join(
        f"  s{index}:\n    image: busybox\n    environment: {{V: {value}}}\n"
        for index in range(size // 1000 + 1)
    )
    (directory / "claw-pod.yml").write_text(f"services:\n{services}")
    return directory / "claw-pod.yml"


def _environment() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}


def test_plan_into_a_pipe_already_closed_ends_quietly(tmp_path: Path) -> None:
    """``claw plan | true``: standard output's reader is gone before claw writes anything."""
    pod_file = _plain_pod(tmp_path / "pod", 1000)
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [*_CLAW, "plan", "-f", str(pod_file)],
            stdout=write_end,
            stderr=subprocess.PIPE,
            env=_environment(),
            timeout=60,
            check=False,
        )
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr.decode()) == (141, "")


def test_plan_piped_to_head_ends_quietly(tmp_path: Path) -> None:
    """``claw plan | head -1``: the reader goes away after one line, in the middle of a plan
    larger than a pipe holds."""
    pod_file = _plain_pod(tmp_path / "pod", 200_000)  # a pipe holds 64 KiB
    process = subprocess.Popen(
        [*_CLAW, "plan", "-f", str(pod_file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_environment(),
    )
    assert process.stdout is not None
    assert process.stderr is not None
    with process.stdout, process.stderr:
        first = process.stdout.readline()
        process.stdout.close()
        stderr = process.stderr.read().decode()
    assert (first, process.wait(timeout=60), stderr) == (
        b"Plan: 1 files to add, 0 to change, 0 to remove; services: 201 added, 0 changed, "
        b"0 removed.\n",
        141,
        "",
    )
