"""The compose healthchecks drivers write, run as the engine runs them."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from clawlib.drivers import load_driver
from clawlib.runtime import ResolvedClaw


@pytest.mark.parametrize("claw_type", ["microclaw", "nanobot", "nanoclaw"])
def test_a_process_healthcheck_does_not_find_its_own_shell(claw_type: str) -> None:
    """A ``pgrep -f PATTERN`` healthcheck runs in ``sh -c "..."``, whose command line holds
    PATTERN: unless the pattern cannot match itself, the check finds its own shell and passes
    with no runner running (with dash or bash as sh; procps pgrep leaves out only itself)."""
    if shutil.which("pgrep") is None:  # procps is part of every Debian installation
        pytest.fail("pgrep (procps) is missing on this machine")
    driver = load_driver(claw_type)
    claw = ResolvedClaw(
        service="bot",
        pod="p",
        image="i",
        claw_type=claw_type,
        contract_name="AGENTS.md",
        contract=b"# Bot\n",
        models={"primary": "ollama/llama3"},
        privileges={"docker-socket": "true"},
    )
    check = driver.materialise(claw).healthcheck
    assert check is not None
    assert check.test[0] == "CMD-SHELL"
    done = subprocess.run(["/bin/sh", "-c", check.test[1]], capture_output=True, check=False)
    assert done.returncode != 0, check.test[1]
