"""Hostile paths, links, pipes and sizes: each refused with its message, nothing written or read
outside the pod.

Every case runs ``claw plan`` and ``claw generate`` on a pod directory with a canary directory
beside it (:mod:`tests.hostile`), and checks the exit status, the message, that the canary was
neither touched nor shown, and (for refused pods) that nothing was written in the pod.
"""

from __future__ import annotations

import contextlib
import os
import signal
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from clawlib.errors import UnsafePathError
from clawlib.generated import NewFile, check_generated_path, switch
from clawlib.lifecycle import has_previous
from clawtui.cli import main
from tests.hostile import Canary

POD_SECRET = "POD-SECRET-4b1d-never-shown"
CLAWFILE = "FROM claw-base/busybox:latest\nCLAW_TYPE generic\nAGENT AGENTS.md\n"
POD = """
x-claw: {pod: tiny}
services:
  worker:
    build: ./worker
    x-claw:
      agent: ./AGENTS.md
"""


@pytest.fixture
def pod(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "pod"
    (directory / "worker").mkdir(parents=True)
    (directory / "worker" / "Clawfile").write_text(CLAWFILE)
    (directory / "AGENTS.md").write_text("# Worker\n")
    (directory / "claw-pod.yml").write_text(POD.lstrip())
    monkeypatch.setattr("clawlib.engine.LocalImages.get", lambda self, ref: None)
    monkeypatch.chdir(directory)
    return directory


@pytest.fixture
def canary(pod: Path) -> Canary:
    return Canary(pod)


@contextlib.contextmanager
def no_hang(seconds: int = 20) -> Iterator[None]:
    """Fail instead of waiting for ever (a named pipe opened for reading blocks)."""

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def tree(directory: Path) -> dict[str, tuple[str, bytes | str]]:
    """Everything under ``directory`` (links not followed): what it is, and its content."""
    found: dict[str, tuple[str, bytes | str]] = {}
    for parent, names, files in os.walk(directory):
        for name in [*names, *files]:
            path = Path(parent, name)
            key = path.relative_to(directory).as_posix()
            if path.is_symlink():
                found[key] = ("link", os.readlink(path))
            elif path.is_file():
                found[key] = ("file", path.read_bytes())
            elif path.is_dir():
                found[key] = ("dir", "")
            else:
                found[key] = ("other", "")
    return found


def run(args: list[str], capsys: pytest.CaptureFixture[str], canary: Canary) -> tuple[int, str]:
    with no_hang(), canary.watching():
        status = main(args)
    out = capsys.readouterr()
    return status, out.out + out.err


# --- Refused pods: an error naming what is wrong, nothing written, nothing outside touched ------


@dataclass(frozen=True)
class Refused:
    name: str
    setup: Callable[[Path, Canary], None]
    message: str


def pod_text(text: str) -> Callable[[Path, Canary], None]:
    def setup(pod: Path, canary: Canary) -> None:
        (pod / "claw-pod.yml").write_text(textwrap.dedent(text).lstrip())

    return setup


def service_named(name: str) -> Callable[[Path, Canary], None]:
    def setup(pod: Path, canary: Canary) -> None:
        (pod / ".claw-runtime").mkdir()  # the normal state after a first run
        (pod / ".bashrc").write_text(f"{POD_SECRET} (the pod author's chosen content)\n")
        quoted = name.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        (pod / "claw-pod.yml").write_text(
            f'services:\n  "{quoted}":\n    build: ./worker\n    x-claw: {{agent: ./.bashrc}}\n'
        )

    return setup


def fifo_at(relative: str) -> Callable[[Path, Canary], None]:
    def setup(pod: Path, canary: Canary) -> None:
        target = pod / relative
        target.unlink(missing_ok=True)
        os.mkfifo(target)

    return setup


def big_file(relative: str, size: int) -> Callable[[Path, Canary], None]:
    def setup(pod: Path, canary: Canary) -> None:
        (pod / relative).write_text("# big\n" + "x" * size + "\n")

    return setup


def persona(ref: str, prepare: Callable[[Path], None] = lambda pod: None) -> Callable[..., None]:
    def setup(pod: Path, canary: Canary) -> None:
        prepare(pod)
        (pod / ".env").write_text(f"OPENAI_API_KEY={POD_SECRET}\n")
        (pod / "claw-pod.yml").write_text(
            "services:\n  worker:\n    build: ./worker\n"
            f"    x-claw: {{agent: ./AGENTS.md, persona: {ref!r}}}\n"
        )

    return setup


def linked_build_context(pod: Path, canary: Canary) -> None:
    (pod / "linked").symlink_to(canary.root)
    pod_text("services:\n  worker:\n    build: ./linked\n    x-claw: {agent: ./AGENTS.md}\n")(
        pod, canary
    )


def persona_with_env(pod: Path) -> None:
    (pod / "persona" / "notes").mkdir(parents=True)
    (pod / "persona" / "notes" / ".env").write_text("KEY=value\n")


SERVICE_RULE = (
    'a service name starts with a letter or a digit and holds only letters, digits, "_", "." '
    'and "-"'
)
REFUSED = [
    Refused(
        "service name climbing out of the pod",
        service_named("../../canary/victim"),
        'services["../../canary/victim"]: service name is not valid: "../../canary/victim"; '
        + SERVICE_RULE,
    ),
    Refused(
        "service name ..",
        service_named(".."),
        'services[".."]: service name is not valid: ".."; ' + SERVICE_RULE,
    ),
    Refused(
        "service name .",
        service_named("."),
        'services["."]: service name is not valid: "."; ' + SERVICE_RULE,
    ),
    Refused("empty service name", service_named(""), "service name is empty; " + SERVICE_RULE),
    Refused(
        "service name with a slash",
        service_named("a/b"),
        'services["a/b"]: service name is not valid: "a/b"; ' + SERVICE_RULE,
    ),
    Refused(
        "service name with a newline",
        service_named("a\nb"),
        'service name is not valid: "a\\nb"; ' + SERVICE_RULE,
    ),
    Refused(
        "service name starting with a dash",
        service_named("-x"),
        'services.-x: service name is not valid: "-x"; ' + SERVICE_RULE,
    ),
    Refused(
        "service name of 201 characters",
        service_named("a" * 201),
        "service name is 201 characters long (at most 200)",
    ),
    Refused(
        "a handle platform climbing out of the pod",
        pod_text(
            """
            services:
              worker:
                build: ./worker
                x-claw:
                  agent: ./AGENTS.md
                  handles: {"../../../../canary/pwn": "123"}
            """
        ),
        'services.worker.x-claw.handles["../../../../canary/pwn"]: platform name '
        '"../../../../canary/pwn" is not valid: it names files and variables, so it holds only '
        'letters, digits, ".", "_" and "-", starting with a letter or digit',
    ),
    Refused(
        "persona: / (the pod directory itself)",
        persona("/"),
        'persona "/" is the pod directory itself; a persona is a sub-directory of it',
    ),
    Refused(
        "persona: . (the pod directory itself)",
        persona("."),
        'persona "." is the pod directory itself',
    ),
    Refused(
        "persona inside the generated tree",
        persona("./.claw-runtime", lambda pod: (pod / ".claw-runtime").mkdir()),
        'persona "./.claw-runtime" lies in .claw-runtime, which claw generates',
    ),
    Refused(
        "persona holding a .env",
        persona("./persona", persona_with_env),
        'persona "./persona" contains notes/.env; a persona is mounted read-write into the agent '
        "and must not hold a pod file or a .env",
    ),
    Refused(
        "persona climbing out of the pod",
        persona("./../canary"),
        'persona "./../canary" is outside the pod directory',
    ),
    Refused(
        "claw-pod.yml is a named pipe",
        fifo_at("claw-pod.yml"),
        "claw-pod.yml: a named pipe, not a regular file: claw reads files only",
    ),
    Refused(
        ".env is a named pipe",
        fifo_at(".env"),
        ".env: a named pipe, not a regular file: claw reads files only",
    ),
    Refused(
        "the contract is a named pipe",
        fifo_at("AGENTS.md"),
        'contract "./AGENTS.md" is not a regular file (no contract, no start)',
    ),
    Refused(
        "the Clawfile is a named pipe",
        fifo_at("worker/Clawfile"),
        'Clawfile "worker/Clawfile" is not a regular file',
    ),
    Refused(
        "a pod file over 256 KiB",
        big_file("claw-pod.yml", 256 * 1024),
        "claw-pod.yml: larger than 256 KiB, the most claw reads from one input file",
    ),
    Refused(
        "a contract over 1 MiB",
        big_file("AGENTS.md", 1024 * 1024),
        'contract "./AGENTS.md": larger than 1 MiB, the most claw reads from one input file',
    ),
    Refused(
        "a .env over 1 MiB",
        big_file(".env", 1024 * 1024),
        ".env: larger than 1 MiB, the most claw reads from one input file",
    ),
    Refused(
        "count beyond the maximum",
        pod_text(
            """
            services:
              worker:
                build: ./worker
                x-claw: {agent: ./AGENTS.md, count: 10000}
            """
        ),
        "services.worker.x-claw.count: must be at most 100, got 10000",
    ),
    Refused(
        "a NUL byte in build:",
        pod_text(
            """
            services:
              worker:
                build: "./wor\\0ker"
                x-claw: {agent: ./AGENTS.md}
            """
        ),
        'services.worker: build context "./wor\\x00ker" holds a NUL character, which no path can',
    ),
    Refused(
        "a 300-character build: path",
        pod_text(
            f"""
            services:
              worker:
                build: ./{"w" * 300}
                x-claw: {{agent: ./AGENTS.md}}
            """
        ),
        f'services.worker: build context "./{"w" * 300}" is a path too long for the file system',
    ),
    Refused(
        "a 300-character agent: path",
        pod_text(
            f"""
            services:
              worker:
                build: ./worker
                x-claw: {{agent: ./{"a" * 300}.md}}
            """
        ),
        f'contract "./{"a" * 300}.md" is a path too long for the file system',
    ),
    Refused(
        "a build context outside the pod",
        pod_text(
            """
            services:
              worker:
                build: ../canary
                x-claw: {agent: ./AGENTS.md}
            """
        ),
        'services.worker: build context "../canary" is outside the pod directory',
    ),
    Refused(
        "a build context linked outside the pod",
        linked_build_context,
        'services.worker: build context "./linked" is a symlink leading outside the pod directory',
    ),
]


@pytest.mark.parametrize("case", REFUSED, ids=lambda case: case.name)
@pytest.mark.parametrize("command", ["plan", "generate"])
def test_refused(
    case: Refused,
    command: str,
    pod: Path,
    canary: Canary,
    capsys: pytest.CaptureFixture[str],
) -> None:
    case.setup(pod, canary)
    before = tree(pod)
    status, output = run([command], capsys, canary)
    assert status == 1, output
    assert case.message in output
    assert output.startswith("error: ") or "\nerror: " in output
    assert "Traceback" not in output
    assert tree(pod) == before  # nothing written
    assert POD_SECRET not in output
    canary.assert_untouched(output)


# --- Links in the generated tree: never followed, replaced, and the plan says so ---------------


def test_runtime_dir_linked_outside_is_replaced_not_followed(
    pod: Path, canary: Canary, capsys: pytest.CaptureFixture[str]
) -> None:
    (pod / ".claw-runtime").symlink_to(canary.root, target_is_directory=True)
    status, output = run(["plan"], capsys, canary)
    assert status == 2
    assert (
        f"on disk: .claw-runtime is a symbolic link to {canary.root}: claw does not follow or "
        "read it, and writing the plan replaces it with a directory\n"
    ) in output
    status, output = run(["generate"], capsys, canary)
    assert status == 0, output
    assert not (pod / ".claw-runtime").is_symlink()
    assert (pod / ".claw-runtime" / "worker" / "AGENTS.md").read_text() == "# Worker\n"
    canary.assert_untouched(output)


def test_service_dir_linked_outside_is_replaced_not_followed(
    pod: Path, canary: Canary, capsys: pytest.CaptureFixture[str]
) -> None:
    (pod / ".claw-runtime").mkdir()
    (pod / ".claw-runtime" / "worker").symlink_to(canary.root, target_is_directory=True)
    status, output = run(["generate"], capsys, canary)
    assert status == 0, output
    assert (
        f"on disk: .claw-runtime/worker is a symbolic link to {canary.root}: claw does not "
        "follow or read it, and writing the plan replaces it with what claw generates\n"
    ) in output
    assert (pod / ".claw-runtime" / "worker").is_dir()
    assert not (pod / ".claw-runtime" / "worker").is_symlink()
    canary.assert_untouched(output)


@pytest.mark.parametrize(
    "relative",
    ["compose.generated.yml", "worker/Dockerfile.generated", ".claw-runtime/worker/AGENTS.md"],
)
def test_generated_file_linked_outside_is_not_shown_and_is_replaced(
    relative: str, pod: Path, canary: Canary, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["generate"]) == 0
    capsys.readouterr()
    (pod / relative).unlink()
    (pod / relative).symlink_to(canary.file("id_rsa"))
    for command in (["plan"], ["plan", "--json"]):
        status, output = run(command, capsys, canary)
        assert status == 2
        assert f"a symbolic link to {canary.file('id_rsa')}" in output
        canary.assert_untouched(output)
    status, output = run(["generate"], capsys, canary)
    assert status == 0
    assert f"~ {relative}\n" in output
    assert not (pod / relative).is_symlink()
    assert (pod / relative).is_file()
    canary.assert_untouched(output)
    assert main(["plan"]) == 0


def test_a_stale_runtime_link_is_removed_without_reading_it(
    pod: Path, canary: Canary, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["generate"]) == 0
    capsys.readouterr()
    stale = pod / ".claw-runtime" / "worker" / "notes.md"
    stale.symlink_to(canary.file("secret.txt"))
    status, output = run(["plan"], capsys, canary)
    assert status == 2
    assert "- .claw-runtime/worker/notes.md\n" in output
    assert f"(a symbolic link to {canary.file('secret.txt')}, not read)" in output
    status, output = run(["generate"], capsys, canary)
    assert status == 0
    assert not stale.is_symlink()
    assert not stale.exists()
    canary.assert_untouched(output)


def test_a_named_pipe_where_a_generated_file_goes_is_replaced_without_opening_it(
    pod: Path, canary: Canary, capsys: pytest.CaptureFixture[str]
) -> None:
    os.mkfifo(pod / "compose.generated.yml")
    status, output = run(["plan"], capsys, canary)
    assert status == 2
    assert "on disk: compose.generated.yml is a named pipe" in output
    status, output = run(["generate"], capsys, canary)
    assert status == 0
    assert (pod / "compose.generated.yml").is_file()


def test_a_kept_generation_linked_outside_is_not_one(
    pod: Path, canary: Canary, capsys: pytest.CaptureFixture[str]
) -> None:
    (pod / ".claw-runtime").mkdir()
    (pod / ".claw-runtime" / ".previous").symlink_to(canary.root, target_is_directory=True)
    (canary.root / "manifest.json").write_text('{"files": {"compose.generated.yml": {}}}')
    canary._before = canary.snapshot()
    assert not has_previous(pod)
    status, output = run(["generate"], capsys, canary)
    assert status == 0
    canary.assert_untouched(output)


@pytest.mark.parametrize(
    ("journal", "why"),
    [
        pytest.param(
            '"writes": {"../canary/secret.txt": "0"}, "removes": []',
            '../canary/secret.txt: a path must not hold "..", "." or empty parts',
            id="a write out of the pod",
        ),
        pytest.param(
            '"writes": {}, "removes": [], "owners": {"Dockerfile.generated": [1000, 1000]}',
            "Dockerfile.generated is not in .claw-runtime",
            id="a directory given away outside the runtime tree",
        ),
    ],
)
def test_a_crafted_journal_is_refused(
    journal: str, why: str, pod: Path, canary: Canary, capsys: pytest.CaptureFixture[str]
) -> None:
    staging = pod / ".claw-runtime" / ".staging-0123456789ab"
    (staging / "files").mkdir(parents=True)
    (staging / "files" / "0").write_text("planted\n")
    (pod / ".claw-runtime" / ".journal").write_text(
        '{"version": 1, "staging": ".staging-0123456789ab", "previous": false, ' + journal + "}"
    )
    status, output = run(["plan"], capsys, canary)
    assert status == 1
    assert (
        f"the journal of an interrupted write is unreadable ({why}); claw will not guess what it "
        "meant: remove it and run claw again"
    ) in output
    canary.assert_untouched(output)


# --- The guard itself: every write passes it ---------------------------------------------------


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("", "an empty path"),
        ("/etc/passwd", "not a path relative to the pod directory"),
        ("../x/compose.generated.yml", 'a path must not hold "..", "." or empty parts'),
        (".claw-runtime/../claw-pod.yml", 'a path must not hold "..", "." or empty parts'),
        (".claw-runtime//a", 'a path must not hold "..", "." or empty parts'),
        ("./compose.generated.yml", 'a path must not hold "..", "." or empty parts'),
        (".claw-runtime/a\nb", "a path with control characters in it"),
        (".claw-runtime/a\\b", "not a path relative to the pod directory"),
        (".claw-runtime/" + "x" * 256, "a path too long for the file system"),
        ("claw-pod.yml", "not a generated file"),
        ("worker/Clawfile", "not a generated file"),
        (".env", "not a generated file"),
        (".claw-runtime", "not a generated file"),
        (".claw-runtime/.journal", ".claw-runtime/.* is claw's own bookkeeping"),
    ],
)
def test_the_guard_refuses(path: str, reason: str) -> None:
    with pytest.raises(UnsafePathError) as caught:
        check_generated_path(path)
    assert reason in caught.value.reason


@pytest.mark.parametrize(
    "path",
    [
        "compose.generated.yml",
        ".claw-runtime/worker/AGENTS.md",
        ".claw-runtime/handles.env",
        "agents/x/Dockerfile.generated",
        "agents/x/Dockerfile.dev.generated",
    ],
)
def test_the_guard_admits(path: str) -> None:
    assert check_generated_path(path) == path


def test_a_switch_refuses_any_unsafe_path_and_writes_nothing(pod: Path, canary: Canary) -> None:
    before = tree(pod)
    with canary.watching(), pytest.raises(UnsafePathError):
        switch(
            pod,
            {
                ".claw-runtime/ok.md": NewFile(b"fine\n"),
                ".claw-runtime/../../canary/secret.txt": NewFile(b"overwritten\n"),
            },
        )
    assert tree(pod) == before
    canary.assert_untouched()


def test_a_generated_dockerfile_is_not_written_through_a_linked_directory(
    pod: Path, canary: Canary
) -> None:
    (pod / "agents").symlink_to(canary.root, target_is_directory=True)
    with canary.watching(), pytest.raises(UnsafePathError) as caught:
        switch(pod, {"agents/sub/Dockerfile.generated": NewFile(b"FROM x\n")})
    assert caught.value.reason == (
        f"agents is a symbolic link to {canary.root}: claw writes only into real directories of "
        "the pod"
    )
    canary.assert_untouched()


def test_a_driver_naming_an_unsafe_path_is_a_problem_of_its_service(
    pod: Path, canary: Canary, monkeypatch: pytest.MonkeyPatch
) -> None:
    from clawlib.drivers.base import Materialised, RuntimeFile
    from clawlib.drivers.generic import GenericDriver
    from clawlib.errors import PodError
    from clawlib.planner import plan_pod
    from clawlib.pod import load_pod

    class Escaping(GenericDriver):
        def materialise(self, claw: Any) -> Materialised:
            planted = RuntimeFile(b"planted\n")
            return Materialised(files={"../../../canary/secret.txt": planted, "ok.md": planted})

    monkeypatch.setattr("clawlib.planner.load_driver", lambda name: Escaping())
    with canary.watching(), pytest.raises(PodError) as caught:
        plan_pod(load_pod(pod, environ={}), lambda ref: None)
    assert str(caught.value) == (
        f"{pod}/claw-pod.yml:3: services.worker: claw would write a file at "
        ".claw-runtime/worker/../../../canary/secret.txt, which it refuses: a path must not "
        'hold "..", "." or empty parts'
    )
    canary.assert_untouched()


@pytest.mark.parametrize(
    ("limit", "value", "message"),
    [
        ("MAX_PERSONA_BYTES", 10, 'persona "./persona" holds more than 0 MiB'),
        ("MAX_PERSONA_FILES", 2, 'persona "./persona" holds more than 2 files'),
    ],
)
def test_a_persona_beyond_its_limits_is_refused(
    limit: str,
    value: int,
    message: str,
    pod: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(f"clawlib.runtime._resolve.{limit}", value)
    (pod / "persona").mkdir()
    for name in ("a.md", "b.md", "c.md"):
        (pod / "persona" / name).write_text("twelve bytes")
    pod_text(
        "services:\n  worker:\n    build: ./worker\n"
        "    x-claw: {agent: ./AGENTS.md, persona: ./persona}\n"
    )(pod, Canary(pod))
    assert main(["plan"]) == 1
    assert message in capsys.readouterr().err
