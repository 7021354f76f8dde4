"""The ``openclaw`` driver: openclaw.json, the cron store, the effective contract, and mounts.

Files under the service's runtime directory: ``config/openclaw.json`` (mounted as a directory,
read-write: openclaw rewrites its config with a temporary file and a rename), ``CLAWDAPUS.md``,
``AGENTS.effective.md`` (the contract with CLAWDAPUS.md inlined, mounted as ``/claw/AGENTS.md``)
and, with invocations, ``state/cron/jobs.json``. Bot tokens stay ``${VAR}`` references that
openclaw resolves from its environment at run time.
"""

from __future__ import annotations

from clawlib.drivers._config import dump_json, split_model_ref
from clawlib.drivers.base import Driver, Healthcheck, Materialised, Mount, RuntimeFile
from clawlib.errors import DriverError
from clawlib.runtime import PERSONA_DIR, ResolvedClaw, clawdapus_md

from ._config import effective_contract, jobs_json, openclaw_config

__all__ = ["OpenclawDriver"]


class OpenclawDriver(Driver):
    """openclaw (Node.js): gateway config, skills under /claw/skills, a JSON health command."""

    name = "openclaw"
    description = "openclaw gateway: openclaw.json, cron jobs, effective AGENTS.md"

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
