"""The ``openclaw`` driver: openclaw.json, the cron store, the effective contract, and mounts.

Files under the service's runtime directory: ``config/openclaw.json`` (mounted as a directory,
read-write: openclaw rewrites its config with a temporary file and a rename), ``CLAWDAPUS.md``,
``AGENTS.effective.md`` (the contract with CLAWDAPUS.md inlined, mounted as ``/claw/AGENTS.md``)
and, with invocations, ``state/cron/jobs.json``. Bot tokens stay ``${VAR}`` references that
openclaw resolves from its environment at run time.

A governed claw's openclaw.json points every provider its MODEL slots use at the governance
proxy (``models.providers.<p>.baseUrl`` = ``http://<proxy>:8080/v1``) with the claw's proxy
token as ``apiKey`` (ordinal 0's for a claw with replicas: they share the file): a literal
secret, so claw writes the file 0600 and masks the key in every diff. Model ids stay
provider-prefixed for every API style; for ``anthropic`` (``api: anthropic-messages``) this is a
deliberate choice: the config stays what upstream writes and openclaw resolves MODEL refs as
written, and stripping the ``anthropic/`` prefix on the messages endpoint is the proxy's job (see
:func:`~clawlib.drivers.openclaw._config.proxy_providers`).
"""

from __future__ import annotations

from clawlib.drivers._config import dump_json, split_model_ref
from clawlib.drivers._runner import json_object
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

from ._config import effective_contract, jobs_json, openclaw_config

__all__ = ["OpenclawDriver", "parse_health"]


class OpenclawDriver(Driver):
    """openclaw (Node.js): gateway config, skills under /claw/skills, a JSON health command."""

    name = "openclaw"
    description = "openclaw gateway: openclaw.json, cron jobs, effective AGENTS.md"
    config_file = "config/openclaw.json"
    probe_command = ("openclaw", "health", "--json")

    def validate(self, claw: ResolvedClaw) -> list[str]:
        problems = []
        for slot in sorted(claw.models):
            try:
                split_model_ref(claw.models[slot])
            except ValueError as exc:
                problems.append(
                    f"MODEL {slot}: {exc} (write provider/model, e.g. anthropic/claude-sonnet-4)"
                )
        if problems:
            raise DriverError(*problems)
        return []

    def materialise(self, claw: ResolvedClaw) -> Materialised:
        config = openclaw_config(claw)
        context = clawdapus_md(claw)
        files = {
            "config/openclaw.json": RuntimeFile(dump_json(config.document)),
            "CLAWDAPUS.md": RuntimeFile(context.encode()),
            "AGENTS.effective.md": RuntimeFile(effective_contract(claw.contract, context)),
        }
        mounts = [
            Mount("config", "/app/config", read_only=False),
            Mount("AGENTS.effective.md", "/claw/AGENTS.md"),
        ]
        environment = {
            "CLAW_MANAGED": "true",
            "OPENCLAW_CONFIG_PATH": "/app/config/openclaw.json",
            "OPENCLAW_STATE_DIR": "/app/state",
        }
        if claw.persona_files:
            mounts.append(Mount(PERSONA_DIR, "/claw/persona", read_only=False))
            environment["CLAW_PERSONA_DIR"] = "/claw/persona"
        jobs = jobs_json(claw)
        if jobs is not None:
            files["state/cron/jobs.json"] = RuntimeFile(jobs)
            mounts.append(Mount("state/cron", "/app/state/cron", read_only=False))
        mounts.append(Mount("CLAWDAPUS.md", "/claw/CLAWDAPUS.md"))
        return Materialised(
            files=files,
            mounts=tuple(mounts),
            tmpfs=("/claw", "/tmp", "/run", "/app/state"),
            environment=environment,
            healthcheck=Healthcheck(("CMD", "openclaw", "health", "--json")),
            skill_dir="/claw/skills",
            warnings=config.warnings,
        )

    def health_probe(
        self, container: ContainerRecord, probe: ProbeOutput | None = None
    ) -> HealthResult:
        """``openclaw health --json``: healthy only when its status is ``ok``.

        Only stdout is parsed (openclaw writes plugin noise to stderr); stderr is quoted only
        when the command failed.
        """
        if probe is None:
            return state_health(container)
        stderr = probe.stderr.strip()
        if probe.exit_code != 0:
            said = stderr or probe.stdout.strip() or "health command failed with no output"
            return HealthResult("unhealthy", f"health command exit code {probe.exit_code}: {said}")
        try:
            status, detail = parse_health(probe.stdout)
        except ValueError as exc:
            tail = f" (stderr: {stderr})" if stderr else ""
            return HealthResult("unhealthy", f"{exc}{tail}")
        if status == "ok":
            return HealthResult("healthy", detail or "status ok")
        return HealthResult("unhealthy", detail or f"status {status}")


def parse_health(stdout: str) -> tuple[str, str]:
    """(status, detail) of ``openclaw health --json`` output: the JSON object starting at the
    first ``{`` (anything printed before it is skipped). Raises ValueError."""
    try:
        value = json_object(stdout, "output")
    except ValueError as exc:
        raise ValueError(f"health probe: {exc}") from exc
    status, detail = value.get("status"), value.get("detail")
    return (
        status if isinstance(status, str) else str(status),
        detail if isinstance(detail, str) else "",
    )
