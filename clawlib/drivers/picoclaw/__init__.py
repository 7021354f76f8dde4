"""The ``picoclaw`` driver: config.json, the seeded workspace contract, the cron store, mounts.

picoclaw (sipeed/picoclaw, Go) runs as the non-root user ``picoclaw`` and keeps everything under
its home, ``/home/picoclaw/.picoclaw``: the service's ``picoclaw-home/`` runtime directory is
mounted there read-write and holds ``config.json`` (see :mod:`._config`; tokens and keys are
written into it, so it is a secret file), ``workspace/AGENTS.md`` (the contract with CLAWDAPUS.md
appended: picoclaw reads no other file of claw's) and, with invocations,
``workspace/cron/jobs.json``. Skills go to ``workspace/skills/<stem>/SKILL.md``.

Not being root, picoclaw could neither read its 0600 config nor write its home if they stayed
claw's: compose runs it as :data:`USER`, and claw, when it runs as root, gives the runtime
directory to that user (as it writes it; run as anyone else, claw says when it cannot).

Health: the compose healthcheck asks picoclaw's health server for ``/health``; ``claw health``
asks ``/health`` then ``/ready`` with ``curl -fsS`` in one exec (:data:`PROBE_SCRIPT`) and judges
both answers (:func:`judge_probe`). picoclaw answers ``/ready`` with ``{"status": "ready"}``
(``503 {"status": "not ready"}`` before it is), so ``ready`` counts as ok there; upstream
clawdapus accepted only ``ok`` and called every ready picoclaw unhealthy.
"""

from __future__ import annotations

import re

from clawlib.drivers._config import dump_json
from clawlib.drivers._runner import cron_store, json_object, seeded_contract
from clawlib.drivers.base import (
    Driver,
    Healthcheck,
    HealthResult,
    Materialised,
    Mount,
    ProbeOutput,
    RuntimeFile,
    state_health,
)
from clawlib.engine import ContainerRecord
from clawlib.errors import DriverError
from clawlib.runtime import PERSONA_DIR, ResolvedClaw, clawdapus_md

from ._config import HOME, WORKSPACE, picoclaw_config, picoclaw_problems

__all__ = [
    "HEALTH_URL",
    "PROBE_SCRIPT",
    "READY_URL",
    "USER",
    "PicoclawDriver",
    "judge_probe",
    "parse_status",
]

USER = "1000:1000"
"""picoclaw's user in its image (``picoclaw``, uid 1000), named in compose so that it is the
user claw gives the runtime directory to, whatever the image says."""
HEALTH_URL = "http://localhost:18790/health"
READY_URL = "http://localhost:18790/ready"
_MARK = "@@claw-probe"
PROBE_SCRIPT = (
    f"for url in {HEALTH_URL} {READY_URL}; do "
    'out=$(curl -fsS "$url" 2>&1); code=$?; '
    f'echo "{_MARK} $url $code"; printf \'%s\\n\' "$out"; done'
)
"""Runs ``curl -fsS`` on ``/health`` then ``/ready`` and prints, for each, a line
``@@claw-probe <url> <exit code>`` followed by what curl printed (stdout and stderr)."""
_MARK_LINE = re.compile(rf"^{_MARK} (\S+) (\d+)$")


class PicoclawDriver(Driver):
    """picoclaw (Go): config.json with model_list and channels, a seeded workspace contract."""

    name = "picoclaw"
    description = "picoclaw gateway: config.json, workspace AGENTS.md, cron jobs, /health"
    config_file = "picoclaw-home/config.json"
    probe_command = ("sh", "-c", PROBE_SCRIPT)

    def validate(self, claw: ResolvedClaw) -> list[str]:
        problems, warnings = picoclaw_problems(claw)
        if problems:
            raise DriverError(*problems)
        return warnings

    def materialise(self, claw: ResolvedClaw) -> Materialised:
        config = picoclaw_config(claw)
        jobs, problems = cron_store(claw, deliver=False)
        if problems:
            raise DriverError(*problems)
        files = {
            "picoclaw-home/config.json": RuntimeFile(
                dump_json(config.document), secret=config.secret
            ),
            "picoclaw-home/workspace/AGENTS.md": RuntimeFile(
                seeded_contract(claw.contract, clawdapus_md(claw))
            ),
        }
        if jobs is not None:
            files["picoclaw-home/workspace/cron/jobs.json"] = RuntimeFile(jobs)
        mounts = [Mount("picoclaw-home", HOME, read_only=False)]
        environment = {
            "CLAW_MANAGED": "true",
            "PICOCLAW_HOME": HOME,
            "PICOCLAW_CONFIG": f"{HOME}/config.json",
        }
        if claw.persona_files:
            mounts.append(Mount(PERSONA_DIR, f"{WORKSPACE}/persona", read_only=False))
            environment["CLAW_PERSONA_DIR"] = f"{WORKSPACE}/persona"
        return Materialised(
            files=files,
            mounts=tuple(mounts),
            tmpfs=("/tmp",),
            environment=environment,
            healthcheck=Healthcheck(("CMD-SHELL", f"curl -fsS {HEALTH_URL} >/dev/null || exit 1")),
            skill_dir=f"{WORKSPACE}/skills",
            skill_layout="directory",
            user=USER,
            warnings=config.warnings,
        )

    def health_probe(
        self, container: ContainerRecord, probe: ProbeOutput | None = None
    ) -> HealthResult:
        """``/health`` must answer ``ok``; then ``/ready``, when it answers, must be ready."""
        if probe is None:
            return state_health(container)
        return judge_probe(probe)


def _one_line(text: str, limit: int = 200) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def parse_status(body: str) -> tuple[str, str]:
    """(status, detail) of a picoclaw status answer: the JSON object starting at the first
    ``{``; status lower-cased, detail the ``detail`` field or else ``message``. Raises
    ValueError when there is no object, it is not JSON, or it has no status."""
    value = json_object(body, "response")
    status = value.get("status")
    if not isinstance(status, str) or not status.strip():
        raise ValueError("response missing status field")

    def text_of(key: str) -> str:
        field = value.get(key)
        return field.strip() if isinstance(field, str) else ""

    return status.strip().lower(), text_of("detail") or text_of("message")


def _sections(stdout: str) -> dict[str, tuple[int, str]]:
    """url → (curl's exit code, what it printed), from :data:`PROBE_SCRIPT`'s output."""
    sections: dict[str, tuple[int, list[str]]] = {}
    current: list[str] | None = None
    for line in stdout.splitlines():
        mark = _MARK_LINE.match(line)
        if mark:
            current = []
            sections[mark.group(1)] = (int(mark.group(2)), current)
        elif current is not None:
            current.append(line)
    return {url: (code, "\n".join(lines)) for url, (code, lines) in sections.items()}


def _endpoint(sections: dict[str, tuple[int, str]], url: str) -> tuple[str, str]:
    """(status, detail) of one endpoint; ValueError saying why there is none."""
    if url not in sections:
        raise ValueError(f"curl {url} did not run")
    code, output = sections[url]
    said = _one_line(output) or "no output"
    if code != 0:
        raise ValueError(f"curl {url} failed (exit {code}): {said}")
    try:
        return parse_status(output)
    except ValueError as exc:
        raise ValueError(f"parse {url} response: {exc} (output: {said})") from exc


def judge_probe(probe: ProbeOutput) -> HealthResult:
    """The verdict on :data:`PROBE_SCRIPT`'s output.

    ``/health`` unreachable, unreadable or not ``ok``: unhealthy. Then ``/ready``: not ready
    (any status but ``ok``/``ready``): unhealthy; ready: healthy; unreachable or unreadable
    (an older picoclaw, or one answering 503 before it is ready): healthy on ``/health``'s word.
    """
    sections = _sections(probe.stdout)
    if probe.exit_code != 0 or not sections:
        said = _one_line(probe.stderr or probe.stdout) or "no output"
        return HealthResult(
            "unhealthy", f"health probe failed (exit code {probe.exit_code}): {said}"
        )
    try:
        status, detail = _endpoint(sections, HEALTH_URL)
    except ValueError as exc:
        return HealthResult("unhealthy", f"health endpoint probe failed: {exc}")
    if status != "ok":
        return HealthResult(
            "unhealthy", f"/health returned status={status}: {detail or 'no detail'}"
        )
    try:
        ready, ready_detail = _endpoint(sections, READY_URL)
    except ValueError:
        return HealthResult("healthy", f"/health ok: {detail}" if detail else "/health ok")
    if ready not in ("ok", "ready"):
        return HealthResult(
            "unhealthy",
            f"/health ok, /ready returned status={ready}: {ready_detail or 'no detail'}",
        )
    return HealthResult(
        "healthy",
        f"/health ok, /ready ok: {ready_detail}" if ready_detail else "/health ok, /ready ok",
    )
