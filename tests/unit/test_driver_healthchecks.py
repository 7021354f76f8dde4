"""The compose healthchecks drivers write, read as the engine runs them.

The engine runs a ``CMD-SHELL`` check as ``/bin/sh -c CHECK``; ``pgrep -f PATTERN`` matches
PATTERN (an extended regular expression) against every process's command line joined by
spaces, leaving out only pgrep itself. So a check's own shell is among the processes it
searches, and its command line holds PATTERN. These tests match the patterns against command
lines, not against this machine's processes: whatever else runs here (a Node.js tool with
``index`` in its arguments) must not decide them.
"""

from __future__ import annotations

import re
import shlex

import pytest

from clawlib.drivers import load_driver
from clawlib.runtime import ResolvedClaw

RUNNER_COMMAND_LINES = {
    "microclaw": "/usr/local/bin/microclaw start",
    "nanobot": "/usr/local/bin/nanobot gateway",
    "nanoclaw": "/usr/local/bin/node /app/dist/index.js",
}
"""How each runner's main process appears to ``pgrep -f`` (the stub images run the same)."""


def _check(claw_type: str) -> str:
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
    check = load_driver(claw_type).materialise(claw).healthcheck
    assert check is not None
    assert check.test[0] == "CMD-SHELL"
    return check.test[1]


def _pgrep_pattern(command: str) -> str:
    words = shlex.split(command)
    assert words[:2] == ["pgrep", "-f"], command
    return words[2]


@pytest.mark.parametrize("claw_type", sorted(RUNNER_COMMAND_LINES))
def test_a_process_healthcheck_does_not_find_its_own_shell(claw_type: str) -> None:
    """Unless the pattern cannot match the check's own shell, the check passes with no runner
    running (upstream's ``pgrep -f 'microclaw'`` always does)."""
    command = _check(claw_type)
    pattern = re.compile(_pgrep_pattern(command))
    assert pattern.search(f"/bin/sh -c {command}") is None, command


@pytest.mark.parametrize("claw_type", sorted(RUNNER_COMMAND_LINES))
def test_a_process_healthcheck_finds_the_runner(claw_type: str) -> None:
    command = _check(claw_type)
    pattern = re.compile(_pgrep_pattern(command))
    assert pattern.search(RUNNER_COMMAND_LINES[claw_type]) is not None, command
    assert command.endswith(" > /dev/null")
