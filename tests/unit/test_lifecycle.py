"""Lifecycle pieces that need no engine: project names, compose's blame, container records and
crash loops, health verdicts, the previous generation, concurrency, and locating an applied pod."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from clawlib.compose import project_name
from clawlib.drivers.base import HealthResult, ProbeOutput, state_health
from clawlib.drivers.openclaw import OpenclawDriver, parse_health
from clawlib.engine import (
    ComposeCommand,
    ComposeProject,
    ContainerRecord,
    DockerView,
    blamed_services,
    describe_state,
    format_duration,
    parse_engine_time,
    state_word,
)
from clawlib.errors import (
    ComposeFailedError,
    InvalidValueError,
    NoPreviousGenerationError,
    NotAppliedError,
    PodError,
)
from clawlib.generated import NewFile, restore_previous, switch
from clawlib.lifecycle import (
    PREVIOUS_DIR,
    check_project_name,
    has_previous,
    locate,
    probe_health,
    roll_back,
    run_concurrently,
)
from clawlib.planner import plan_pod
from clawlib.pod import load_pod
from tests.fakes import FakeRunner
from tests.generations import keep_current

NOW = datetime(2026, 11, 30, 12, 0, 0, tzinfo=UTC)


def pod_file(directory: Path, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "claw-pod.yml").write_text(text)
    return directory


# --- project names -------------------------------------------------------------------------------


def test_project_name_from_the_pod_name(tmp_path: Path) -> None:
    pod = load_pod(
        pod_file(
            tmp_path / "p",
            "x-claw:\n  pod: Trading Desk.2\nservices:\n  web:\n    image: busybox\n",
        )
    )
    assert project_name(pod) == "tradingdesk2"
    plain = load_pod(pod_file(tmp_path / "_My_Pod", "services:\n  web:\n    image: busybox\n"))
    assert project_name(plain) == "my_pod"


def test_project_name_from_compose_name_and_the_generated_file(tmp_path: Path) -> None:
    pod = load_pod(
        pod_file(
            tmp_path / "p",
            "name: ops-1\nx-claw:\n  pod: desk\nservices:\n  web:\n    image: busybox\n",
        )
    )
    assert project_name(pod) == "ops-1"
    plan = plan_pod(
        load_pod(
            pod_file(
                tmp_path / "q", "x-claw:\n  pod: Desk\nservices:\n  web:\n    image: busybox\n"
            )
        )
    )
    assert plan.compose.text.splitlines()[1] == "name: desk"


def test_an_invalid_compose_name_is_a_pod_problem(tmp_path: Path) -> None:
    pod = load_pod(
        pod_file(tmp_path / "p", "name: Bad Name\nservices:\n  web:\n    image: busybox\n")
    )
    with pytest.raises(PodError) as caught:
        plan_pod(pod)
    assert str(caught.value) == (
        f"{tmp_path}/p/claw-pod.yml:1: name: 'Bad Name' is not a valid compose project name "
        "(lower-case letters, digits, '_' and '-', starting with a letter or digit)"
    )


def test_check_project_name() -> None:
    assert check_project_name("a-b_1") == "a-b_1"
    with pytest.raises(InvalidValueError) as caught:
        check_project_name("-x")
    assert str(caught.value) == (
        '"-x" is not a valid project name (lower-case letters, digits, "_" and "-", starting '
        "with a letter or digit)"
    )


# --- compose -------------------------------------------------------------------------------------


def test_blamed_services() -> None:
    pull = (
        " bad Pulling \n"
        ' bad Error Get "https://registry-1.docker.io/v2/": no such host\n'
        "Error response from daemon: no such host\n"
    )
    assert blamed_services(pull, "demo") == ("bad",)
    port = (
        " Container demo-web-1  Starting\n"
        " Container demo-web-1  Error response from daemon: driver failed on endpoint "
        "demo-web-1: port is already allocated\n"
    )
    assert blamed_services(port, "demo") == ("web",)
    assert blamed_services("Error: failed on endpoint demo-my-svc-2 and demo_db_1", "demo") == (
        "my-svc",
        "db",
    )
    assert blamed_services(" Container demo-web-1  Started\n", "demo") == ()


def test_compose_project_commands_and_failure(tmp_path: Path) -> None:
    compose = ComposeCommand(("docker", "compose"), "2.40.3")
    file = tmp_path / "compose.generated.yml"
    base = ("docker", "compose", "-p", "demo", "-f", str(file))
    runner = FakeRunner(
        streamed={
            (*base, "up", "-d", "--remove-orphans"): (0, [" Container demo-web-1  Started"]),
            (*base, "up", "-d", "--force-recreate", "--no-deps"): (0, []),
            (*base, "down"): (1, [" Container demo-web-1  Error while removing: busy"]),
        }
    )
    project = ComposeProject(compose, "demo", file, runner)
    seen: list[str] = []
    project.up(on_line=seen.append)
    project.up(["a", "b"], force_recreate=True)
    assert seen == [" Container demo-web-1  Started"]
    with pytest.raises(ComposeFailedError) as caught:
        project.down(volumes=True)
    assert [call[0] for call in runner.calls] == [
        (*base, "up", "-d", "--remove-orphans"),
        (*base, "up", "-d", "--force-recreate", "--no-deps", "a", "b"),
        (*base, "down", "--remove-orphans", "-v"),
    ]
    assert caught.value.services == ("web",)
    assert str(caught.value) == (
        "docker compose down for service web failed with exit status 1:\n"
        "Container demo-web-1  Error while removing: busy"
    )


# --- containers ----------------------------------------------------------------------------------


def inspect_doc(**state: Any) -> dict[str, Any]:
    return {
        "Id": "0123456789abcdef0123",
        "Name": "/demo-assistant-1",
        "RestartCount": state.pop("restarts", 0),
        "Config": {
            "Image": "claw-local/demo-assistant:latest",
            "Labels": {
                "com.docker.compose.project": "demo",
                "com.docker.compose.service": "assistant",
                "com.docker.compose.container-number": "1",
                "claw.type": "openclaw",
                "claw.service": "assistant",
            },
        },
        "State": {
            "Status": "running",
            "Running": True,
            "StartedAt": "2026-11-30T11:58:00.123456789Z",
            "FinishedAt": "0001-01-01T00:00:00Z",
            "ExitCode": 0,
            **state,
        },
        "NetworkSettings": {
            "Ports": {
                "8080/tcp": [{"HostIp": "0.0.0.0", "HostPort": "18080"}],
                "9000/tcp": None,
            }
        },
    }


def test_container_record_from_inspect() -> None:
    record = ContainerRecord.from_inspect(inspect_doc(Health={"Status": "healthy"}))
    assert (record.id, record.short_id, record.name) == (
        "0123456789abcdef0123",
        "0123456789ab",
        "demo-assistant-1",
    )
    assert (record.project, record.service, record.number) == ("demo", "assistant", 1)
    assert (record.claw_type, record.claw_service, record.health) == (
        "openclaw",
        "assistant",
        "healthy",
    )
    assert record.started_at == datetime(2026, 11, 30, 11, 58, 0, 123456, tzinfo=UTC)
    assert record.finished_at is None
    assert record.ports == ("0.0.0.0:18080->8080/tcp",)
    assert record.health_output is None
    assert record.uptime(NOW) == pytest.approx(119.876544)
    assert not record.crash_looping(NOW)
    # A label a container was given by hand, holding digits Python reads but int() does not.
    odd = inspect_doc()
    odd["Config"]["Labels"]["com.docker.compose.container-number"] = "²"
    odd["NetworkSettings"]["Ports"] = {"8080/tcp": [{"HostIp": "", "HostPort": "8²"}]}
    assert ContainerRecord.from_inspect(odd).number == 0


def test_crash_loops() -> None:
    def record(**state: Any) -> ContainerRecord:
        return ContainerRecord.from_inspect(inspect_doc(**state))

    assert record(Status="restarting", Running=False, restarts=1).crash_looping(NOW)
    young = (NOW - timedelta(seconds=5)).isoformat()
    assert record(restarts=2, StartedAt=young).crash_looping(NOW)
    assert not record(restarts=1, StartedAt=young).crash_looping(NOW)
    old = (NOW - timedelta(minutes=5)).isoformat()
    assert not record(restarts=7, StartedAt=old).crash_looping(NOW)
    assert record(Status="exited", Running=False, restarts=3).crash_looping(NOW)


def test_parse_engine_time() -> None:
    assert parse_engine_time("2026-11-30T05:16:19.123456789Z") == datetime(
        2026, 11, 30, 5, 16, 19, 123456, tzinfo=UTC
    )
    assert parse_engine_time("0001-01-01T00:00:00Z") is None
    assert parse_engine_time("yesterday") is None
    assert parse_engine_time(None) is None


# --- health --------------------------------------------------------------------------------------


def test_the_healthchecks_last_output_is_kept() -> None:
    log = [{"ExitCode": 0, "Output": "fine\n"}, {"ExitCode": 1, "Output": "\n  refused\n  \n"}]
    record = ContainerRecord.from_inspect(inspect_doc(Health={"Status": "unhealthy", "Log": log}))
    assert (record.health, record.health_output) == ("unhealthy", "refused")
    record = ContainerRecord.from_inspect(inspect_doc(Health={"Status": "starting", "Log": []}))
    assert (record.health, record.health_output) == ("starting", None)


def test_state_health() -> None:
    def judge(**state: Any) -> HealthResult:
        return state_health(ContainerRecord.from_inspect(inspect_doc(**state)))

    assert judge() == HealthResult("healthy", "container running")
    assert judge(Status="exited", Running=False, ExitCode=3) == HealthResult(
        "unhealthy", "container is not running (status: exited, exit code 3)"
    )
    assert judge(Status="created", Running=False) == HealthResult(
        "unhealthy", "container is not running (status: created)"
    )
    assert judge(Health={"Status": "starting"}) == HealthResult("starting", "healthcheck starting")
    failing = {"Status": "unhealthy", "Log": [{"Output": "dialing\nconnection refused\n"}]}
    assert judge(Health=failing) == HealthResult(
        "unhealthy", "healthcheck failing: connection refused"
    )
    assert judge(Health={"Status": "unhealthy"}) == HealthResult("unhealthy", "healthcheck failing")
    assert judge(Health={"Status": "healthy"}) == HealthResult(
        "healthy", "container running, healthcheck passing"
    )
    # A record known from a listing, without the inspect-only details.
    listed = ContainerRecord(
        id="c1", name="demo-web-1", project="demo", service="web", number=1, image="web",
        state="running", health="unhealthy",
    )  # fmt: skip
    assert state_health(listed) == HealthResult("unhealthy", "healthcheck failing")


@pytest.mark.parametrize(
    ("stdout", "expected"),
    [
        ('{"status":"ok","version":"2026.2.9"}', ("ok", "")),
        ('WARNING: some plugin loaded\n{"status":"ok","detail":"fine"}\n', ("ok", "fine")),
        ('{"status":"error","detail":"gateway unreachable"}', ("error", "gateway unreachable")),
    ],
)
def test_parse_health(stdout: str, expected: tuple[str, str]) -> None:
    assert parse_health(stdout) == expected


@pytest.mark.parametrize(
    ("stdout", "message"),
    [
        ("not json at all", "health probe: no JSON object found in output"),
        ('{"status": ', "health probe: failed to parse JSON: Expecting value"),
        (
            '{"status":"ok"} trailing',
            "health probe: failed to parse JSON: extra data after the object",
        ),
    ],
)
def test_parse_health_garbage(stdout: str, message: str) -> None:
    with pytest.raises(ValueError, match=r"^health probe") as caught:
        parse_health(stdout)
    assert str(caught.value) == message


def test_openclaw_probe_verdicts() -> None:
    driver = OpenclawDriver()
    running = ContainerRecord.from_inspect(inspect_doc())
    assert driver.probe_command == ("openclaw", "health", "--json")

    def judge(code: int, out: str, err: str = "") -> HealthResult:
        return driver.health_probe(running, ProbeOutput(code, out, err))

    assert judge(0, '{"status":"ok"}', "noise") == HealthResult("healthy", "status ok")
    assert judge(0, '{"status":"degraded","detail":"slow"}') == HealthResult("unhealthy", "slow")
    assert judge(0, '{"status":"down"}') == HealthResult("unhealthy", "status down")
    assert judge(0, "garbage", "boom") == HealthResult(
        "unhealthy", "health probe: no JSON object found in output (stderr: boom)"
    )
    assert judge(2, "", "unknown command") == HealthResult(
        "unhealthy", "health command exit code 2: unknown command"
    )
    assert judge(1, "", "") == HealthResult(
        "unhealthy", "health command exit code 1: health command failed with no output"
    )
    stopped = ContainerRecord.from_inspect(inspect_doc(Running=False, Status="exited"))
    assert driver.health_probe(stopped) == HealthResult(
        "unhealthy", "container is not running (status: exited, exit code 0)"
    )


# --- the previous generation ---------------------------------------------------------------------


def test_switch_keeps_the_generation_it_replaces_and_roll_back_restores_it(
    tmp_path: Path,
) -> None:
    (tmp_path / "compose.generated.yml").write_text("old compose\n")
    runtime = tmp_path / ".claw-runtime" / "bot"
    runtime.mkdir(parents=True)
    (runtime / "secret.json").write_text("old secret\n")
    (runtime / "secret.json").chmod(0o600)
    paths = ["compose.generated.yml", ".claw-runtime/bot/secret.json", ".claw-runtime/bot/new.md"]
    assert not has_previous(tmp_path)
    # An apply: two files change, one is added; the versions they replace are kept.
    new = {
        "compose.generated.yml": NewFile(b"new compose\n"),
        ".claw-runtime/bot/secret.json": NewFile(b"new secret\n", 0o600),
        ".claw-runtime/bot/new.md": NewFile(b"added\n"),
    }
    assert switch(tmp_path, new, keep_previous=True)
    assert has_previous(tmp_path)
    assert (runtime / "new.md").read_text() == "added\n"

    assert restore_previous(tmp_path) == tuple(sorted(paths))
    assert (tmp_path / "compose.generated.yml").read_text() == "old compose\n"
    assert (runtime / "secret.json").read_text() == "old secret\n"
    assert (runtime / "secret.json").stat().st_mode & 0o777 == 0o600
    assert not (runtime / "new.md").exists()
    # A second rollback undoes the first.
    restore_previous(tmp_path)
    assert (tmp_path / "compose.generated.yml").read_text() == "new compose\n"
    assert (runtime / "new.md").read_text() == "added\n"
    leftovers = sorted(p.name for p in (tmp_path / ".claw-runtime").iterdir())
    assert leftovers == [".lock", ".previous", ".written.json", "bot"]


def test_nothing_to_roll_back(tmp_path: Path) -> None:
    with pytest.raises(NoPreviousGenerationError) as caught:
        restore_previous(tmp_path)
    assert str(caught.value) == (
        f"cannot roll back: no previous generation in {tmp_path}/.claw-runtime: none is kept"
    )


def test_the_kept_generation_is_not_a_stale_runtime_file(tmp_path: Path) -> None:
    pod = pod_file(tmp_path / "p", "services:\n  web:\n    image: busybox\n")
    plan = plan_pod(load_pod(pod, environ={}))
    plan.write()
    keep_current(pod, ["compose.generated.yml"])
    assert plan.diff().files == ()


# --- concurrency, locating, durations ------------------------------------------------------------


def test_run_concurrently() -> None:
    never = threading.Event()

    def boom() -> int:
        raise RuntimeError("boom")

    start = time.monotonic()
    results = run_concurrently([lambda: 1, boom, lambda: never.wait(5)], [1.0, 1.0, 0.3])
    elapsed = time.monotonic() - start
    never.set()
    assert results[0] == 1
    assert isinstance(results[1], RuntimeError)
    assert isinstance(results[2], TimeoutError)
    assert elapsed < 1.0


def test_probes_run_side_by_side() -> None:
    def probe() -> str:
        time.sleep(0.3)
        return "done"

    start = time.monotonic()
    results = run_concurrently([probe] * 10, [5.0] * 10)
    assert results == ["done"] * 10
    assert time.monotonic() - start < 1.5


def test_locate(tmp_path: Path) -> None:
    pod = pod_file(tmp_path / "pod", "services:\n  web:\n    image: busybox\n")
    with pytest.raises(NotAppliedError) as caught:
        locate(pod / "claw-pod.yml")
    assert str(caught.value) == (
        f"no compose.generated.yml in {pod}: the pod has not been brought up "
        f"(run: claw up -f {pod / 'claw-pod.yml'})"
    )
    (pod / "compose.generated.yml").write_text(
        "name: desk\nservices:\n  web:\n    image: busybox\n"
    )
    target = locate(pod)
    assert (target.directory, target.project) == (pod, "desk")
    assert target.compose_file == pod / "compose.generated.yml"
    assert locate(pod / "claw-pod.yml", "other").project == "other"
    (pod / "compose.generated.yml").write_text("services:\n  web:\n    image: busybox\n")
    assert locate(pod).project == "pod"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0s"),
        (-3, "0s"),
        (45.9, "45s"),
        (182, "3m 2s"),
        (7500, "2h 5m"),
        (3 * 86400 + 4 * 3600, "3d 4h"),
    ],
)
def test_format_duration(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


# --- apply refuses early -------------------------------------------------------------------------


def plain_pod(tmp_path: Path) -> Path:
    return pod_file(tmp_path / "pod", "services:\n  web:\n    image: busybox:latest\n")


def test_apply_without_an_engine_writes_nothing(tmp_path: Path) -> None:
    from clawlib.engine import DockerView
    from clawlib.errors import EngineUnavailableError
    from clawlib.lifecycle import apply
    from tests.fakes import FakeSdkClient

    pod = plain_pod(tmp_path)
    plan = plan_pod(load_pod(pod, environ={}))
    with pytest.raises(EngineUnavailableError):
        apply(plan, view=DockerView(lambda: FakeSdkClient(down=True)), runner=FakeRunner())
    assert sorted(p.name for p in pod.iterdir()) == ["claw-pod.yml"]


def test_apply_without_compose_writes_nothing(tmp_path: Path) -> None:
    from clawlib.engine import DockerView
    from clawlib.errors import ComposeNotFoundError
    from clawlib.lifecycle import apply
    from tests.fakes import FakeSdkClient

    pod = plain_pod(tmp_path)
    plan = plan_pod(load_pod(pod, environ={}))
    runner = FakeRunner()
    with pytest.raises(ComposeNotFoundError) as caught:
        apply(plan, view=DockerView(FakeSdkClient), runner=runner)
    assert str(caught.value).startswith(
        "docker compose v2 not found (docker compose version: docker: command not found; "
        "docker-compose version: docker-compose: command not found)"
    )
    assert [call[0] for call in runner.calls] == [
        ("docker", "compose", "version"),
        ("docker-compose", "version"),
    ]
    assert sorted(p.name for p in pod.iterdir()) == ["claw-pod.yml"]


def test_a_full_disk_while_writing_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    import clawlib.generated._dirfd as dirfd
    from clawlib.engine import DockerView
    from clawlib.errors import OutputWriteError
    from clawlib.lifecycle import apply
    from tests.fakes import FakeSdkClient

    pod = plain_pod(tmp_path)
    (pod / "web").mkdir()
    (pod / "claw-pod.yml").write_text("services:\n  web:\n    build: ./web\n")
    (pod / "compose.generated.yml").write_text("the previous generation\n")
    keep_current(pod, ["compose.generated.yml"])
    kept = pod / PREVIOUS_DIR / "files" / "compose.generated.yml"
    real = dirfd.write_new
    written: list[str] = []

    def fill_the_disk(dir_fd: int, name: str, item: dirfd.NewFile) -> None:
        if written:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(dir_fd, name, item)
        written.append(name)

    monkeypatch.setattr(dirfd, "write_new", fill_the_disk)
    runner = FakeRunner(answers={("docker", "compose", "version"): (0, "v2.40.3", "")})
    plan = plan_pod(load_pod(pod, environ={}))
    with pytest.raises(OutputWriteError) as caught:
        apply(plan, view=DockerView(FakeSdkClient), runner=runner)
    assert str(caught.value) == f"{pod}/.claw-runtime: cannot write: No space left on device"
    assert written == ["0"]  # one staged file, then the disk was full
    assert (pod / "compose.generated.yml").read_text() == "the previous generation\n"
    # The kept generation is still the one before this apply; no staging is left behind.
    assert kept.read_text() == "the previous generation\n"
    assert sorted(p.name for p in (pod / ".claw-runtime").iterdir()) == [
        ".lock",
        ".previous",
        ".written.json",
    ]


def test_roll_back_puts_the_files_back_then_recreates_every_container(tmp_path: Path) -> None:
    (tmp_path / "compose.generated.yml").write_text("name: pod\nservices: {}\n# old\n")
    keep_current(tmp_path, ["compose.generated.yml", ".claw-runtime/a/new.md"])
    (tmp_path / "compose.generated.yml").write_text("name: pod\nservices: {}\n# new\n")
    (tmp_path / ".claw-runtime" / "a").mkdir(parents=True)
    (tmp_path / ".claw-runtime" / "a" / "new.md").write_text("added by the last apply\n")
    up = ("docker", "compose", "-p", "pod", "-f", str(tmp_path / "compose.generated.yml"), "up")
    runner = FakeRunner(
        answers={("docker", "compose", "version"): (0, "v2.40.3", "")},
        streamed={up: (0, ["Container pod-a-1  Recreated"])},
    )
    lines: list[str] = []
    restored = roll_back(tmp_path, on_line=lines.append, runner=runner)
    assert restored == (".claw-runtime/a/new.md", "compose.generated.yml")
    assert (tmp_path / "compose.generated.yml").read_text().endswith("# old\n")
    assert not (tmp_path / ".claw-runtime" / "a" / "new.md").exists()
    assert runner.calls[-1][0] == (*up, "-d", "--force-recreate", "--remove-orphans")
    assert lines == ["Container pod-a-1  Recreated"]
    # The generation it replaced is kept in turn: rolling back again undoes it.
    roll_back(tmp_path, runner=runner)
    assert (tmp_path / "compose.generated.yml").read_text().endswith("# new\n")


def test_roll_back_with_nothing_kept_changes_nothing(tmp_path: Path) -> None:
    (tmp_path / "compose.generated.yml").write_text("name: pod\nservices: {}\n")
    runner = FakeRunner(answers={("docker", "compose", "version"): (0, "v2.40.3", "")})
    with pytest.raises(NoPreviousGenerationError):
        roll_back(tmp_path, runner=runner)
    assert [call[0][2] for call in runner.calls] == ["version"]


# --- down: compose, then the engine's word -------------------------------------------------------


def _container(name: str, state: str) -> ContainerRecord:
    return ContainerRecord(
        id=name, name=name, project="pod", service=name.split("-")[1], number=1, image="i",
        state=state,
    )  # fmt: skip


def _applied(tmp_path: Path) -> tuple[Path, tuple[str, ...]]:
    (tmp_path / "compose.generated.yml").write_text("name: pod\nservices: {}\n")
    down = ("docker", "compose", "-p", "pod", "-f", str(tmp_path / "compose.generated.yml"))
    return tmp_path, (*down, "down", "--remove-orphans")


def test_down_asks_the_engine_first(tmp_path: Path) -> None:
    from clawlib.errors import EngineUnavailableError
    from clawlib.lifecycle import bring_down
    from tests.fakes import FakeEngineView

    pod, _ = _applied(tmp_path)
    runner = FakeRunner(answers={("docker", "compose", "version"): (0, "v2.40.3", "")})
    with pytest.raises(EngineUnavailableError) as caught:
        bring_down(pod, view=FakeEngineView(down=True), runner=runner)
    assert str(caught.value).startswith(
        "the Docker engine at unix:///fake/docker.sock does not answer: connection refused"
    )
    assert runner.calls == []


def test_down_then_nothing_left(tmp_path: Path) -> None:
    from clawlib.lifecycle import bring_down
    from tests.fakes import FakeEngineView

    pod, down = _applied(tmp_path)
    runner = FakeRunner(
        answers={("docker", "compose", "version"): (0, "v2.40.3", "")},
        streamed={down: (0, ["Container pod-web-1  Removed"])},
    )
    view = FakeEngineView()
    lines: list[str] = []
    target = bring_down(pod, volumes=True, on_line=lines.append, view=view, runner=runner)
    assert target.project == "pod"
    assert runner.calls[-1][0] == (*down, "-v")
    assert lines == ["Container pod-web-1  Removed"]
    assert view.listed == ["pod"]


def test_down_that_leaves_containers_fails_naming_them(tmp_path: Path) -> None:
    """compose may exit 0 and leave containers (an engine that refused, a container it did not
    know): the engine decides."""
    from clawlib.errors import LeftoverContainersError
    from clawlib.lifecycle import bring_down
    from tests.fakes import FakeEngineView

    pod, down = _applied(tmp_path)
    runner = FakeRunner(
        answers={("docker", "compose", "version"): (0, "v2.40.3", "")},
        streamed={down: (0, ["Cannot connect to the Docker daemon"])},
    )
    left = (_container("pod-web-1", "running"), _container("pod-db-1", "exited"))
    with pytest.raises(LeftoverContainersError) as caught:
        bring_down(pod, view=FakeEngineView(listings=[left]), runner=runner)
    assert caught.value.containers == ("pod-web-1", "pod-db-1")
    assert str(caught.value) == (
        "the pod is not down: 2 containers of project pod remain after docker compose down: "
        "pod-web-1 (running), pod-db-1 (exited)"
    )


def test_a_failed_down_that_leaves_containers_says_both(tmp_path: Path) -> None:
    from clawlib.errors import ComposeFailedError, LeftoverContainersError
    from clawlib.lifecycle import bring_down
    from tests.fakes import FakeEngineView

    pod, down = _applied(tmp_path)
    runner = FakeRunner(
        answers={("docker", "compose", "version"): (0, "v2.40.3", "")},
        streamed={down: (1, ["Container pod-web-1  Error while Stopping"])},
    )
    left = (_container("pod-web-1", "running"),)
    with pytest.raises(LeftoverContainersError) as caught:
        bring_down(pod, view=FakeEngineView(listings=[left]), runner=runner)
    assert isinstance(caught.value.__cause__, ComposeFailedError)
    assert str(caught.value) == (
        "the pod is not down: 1 container of project pod remains after docker compose down: "
        "pod-web-1 (running)\n"
        "docker compose down for service web failed with exit status 1:\n"
        "Container pod-web-1  Error while Stopping"
    )


def test_a_failed_down_that_leaves_no_container_is_still_a_failure(tmp_path: Path) -> None:
    from clawlib.errors import ComposeFailedError
    from clawlib.lifecycle import bring_down
    from tests.fakes import FakeEngineView

    pod, down = _applied(tmp_path)
    runner = FakeRunner(
        answers={("docker", "compose", "version"): (0, "v2.40.3", "")},
        streamed={down: (1, ["network pod_claw-internal has active endpoints"])},
    )
    with pytest.raises(ComposeFailedError) as caught:
        bring_down(pod, view=FakeEngineView(), runner=runner)
    assert str(caught.value) == (
        "docker compose down failed with exit status 1:\n"
        "network pod_claw-internal has active endpoints"
    )


def test_a_container_stopped_on_purpose_is_stopped_not_unhealthy() -> None:
    """``docker stop`` (the TUI's S): exit code 0, or 143 by SIGTERM, or any code under a
    restart policy that would have restarted a crash. A crash stays a problem."""
    now = datetime(2026, 12, 1, tzinfo=UTC)

    def container(policy: str = "", limit: int = 0, **state: Any) -> ContainerRecord:
        document = inspect_doc(Running=False, **state)
        document["HostConfig"] = {"RestartPolicy": {"Name": policy, "MaximumRetryCount": limit}}
        return ContainerRecord.from_inspect(document)

    stopped = [
        container(Status="exited", ExitCode=0),
        container(Status="exited", ExitCode=143),
        container("on-failure", Status="exited", ExitCode=137),
        container("unless-stopped", Status="exited", ExitCode=2),
    ]
    crashed = [
        container(Status="exited", ExitCode=1),
        container("on-failure", 3, Status="exited", ExitCode=1, restarts=3),
        container("on-failure", Status="exited", ExitCode=137, OOMKilled=True),
        container("on-failure", Status="restarting", ExitCode=1, restarts=1),
    ]
    assert [c.restart_policy for c in stopped] == [None, None, "on-failure", "unless-stopped"]
    assert [c.stopped for c in stopped] == [True] * 4
    assert [c.stopped for c in crashed] == [False] * 4
    assert [state_word(c, now) for c in stopped] == ["stopped"] * 4
    assert [state_word(c, now) for c in crashed] == [
        "exited (1)",
        "crash-looping",
        "exited (137)",
        "crash-looping",
    ]
    assert describe_state(stopped[1], now) == "stopped (exit code 143)"

    class View(DockerView):
        """Answers with the container being judged (they all share one ID)."""

        judged: ContainerRecord

        def container(self, ref: str) -> ContainerRecord:
            return self.judged

    view = View()
    for record in (stopped[0], stopped[2], crashed[0]):
        view.judged = record
        [health] = probe_health(view, [record])
        assert health.container is record
        if record is crashed[0]:
            assert (health.status, health.detail) == (
                "unhealthy",
                "container is not running (status: exited, exit code 1)",
            )
        else:
            assert (health.status, health.source) == ("stopped", "state")
            assert health.detail == f"stopped (exit code {record.exit_code})"
            assert not health.ok
