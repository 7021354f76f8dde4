"""The generic driver: contract, CLAWDAPUS.md and skills only."""

from __future__ import annotations

from clawlib.drivers.base import Materialised, Mount, RuntimeFile
from clawlib.drivers.generic import GenericDriver
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
    import pytest

    from clawlib.errors import DriverError

    driver = GenericDriver()
    running = {"Id": "0123456789abcdef", "State": {"Running": True, "Status": "running"}}
    stopped = {"Id": "0123456789abcdef", "State": {"Running": False, "Status": "exited"}}
    driver.post_apply(running)
    with pytest.raises(DriverError) as caught:
        driver.post_apply(stopped)
    assert str(caught.value) == "generic: container 0123456789ab is not running (status: exited)"
    assert driver.health_probe(running, None).ok
    assert driver.health_probe(stopped, None).detail == "container is not running (status: exited)"
