"""The generic driver: contract, CLAWDAPUS.md and skills only."""

from __future__ import annotations

import pytest

from clawlib.drivers.base import HealthResult, Materialised, Mount, ProbeOutput, RuntimeFile
from clawlib.drivers.generic import GenericDriver
from clawlib.engine import ContainerRecord
from clawlib.errors import DriverError
from clawlib.runtime import ResolvedClaw, clawdapus_md


def test_generic_materialise() -> None:
    claw = ResolvedClaw("worker", "pod", "img:1", "generic", "AGENTS.md", b"# Worker\n")
    result = GenericDriver().materialise(claw)
    assert result == Materialised(
        files={
            "AGENTS.md": RuntimeFile(b"# Worker\n"),
            "CLAWDAPUS.md": RuntimeFile(clawdapus_md(claw).encode()),
        },
        mounts=(Mount("AGENTS.md", "/claw/AGENTS.md"), Mount("CLAWDAPUS.md", "/claw/CLAWDAPUS.md")),
        tmpfs=("/tmp",),
        environment={"CLAW_MANAGED": "true"},
        skill_dir="/claw/skills",
    )
    assert GenericDriver().validate(claw) == []


def test_default_post_apply_and_probe() -> None:
    def container(state: str, exit_code: int = 0) -> ContainerRecord:
        return ContainerRecord(
            id="0123456789abcdef", name="pod-worker-1", project="pod", service="worker",
            number=1, image="img:1", state=state, exit_code=exit_code,
        )  # fmt: skip

    def run(argv: tuple[str, ...], timeout: float) -> ProbeOutput:
        raise AssertionError(f"the default post-apply check runs nothing: {argv}")

    driver = GenericDriver()
    claw = ResolvedClaw("worker", "pod", "img:1", "generic", "AGENTS.md", b"# Worker\n")
    running, stopped = container("running"), container("exited", 137)
    assert driver.post_apply(running, claw, run) == ()  # a running container passes
    with pytest.raises(DriverError) as caught:
        driver.post_apply(stopped, claw, run)
    assert str(caught.value) == "generic: container 0123456789ab is not running (status: exited)"
    assert driver.health_probe(running, None) == HealthResult("healthy", "container running")
    assert driver.health_probe(container("paused"), None) == HealthResult(
        "unhealthy", "container is not running (status: paused)"
    )
    assert driver.health_probe(stopped, None) == HealthResult(
        "unhealthy", "container is not running (status: exited, exit code 137)"
    )
