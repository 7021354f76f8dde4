"""The ``nanobot`` driver: config.json, the seeded workspace contract, the cron store, mounts.

nanobot (HKUDS/nanobot) keeps everything under its home, ``/root/.nanobot``: the service's
runtime directory holds ``nanobot-home/`` with ``config.json``, ``workspace/AGENTS.md`` (the
contract and CLAWDAPUS.md in one file: nanobot reads no separate guide) and, with invocations,
``cron/jobs.json``; the directory is mounted read-write, since nanobot writes its sessions and
memory there, and skills go to ``workspace/skills/<stem>/SKILL.md``. The root file system is
read-only with a tmpfs ``/tmp``.

nanobot reads tokens and keys from config.json only, so they are written there as values and
the file is a secret (see :mod:`clawlib.drivers.nanobot._config`). A governed claw's providers
all point at the pod's proxy with the claw's proxy token.

The compose healthcheck looks for the ``nanobot gateway`` process; ``claw health`` judges the
container's state and that healthcheck.
"""

from __future__ import annotations

from clawlib.drivers._config import dump_json
from clawlib.drivers._runner import cron_store, seeded_contract
from clawlib.drivers.base import Driver, Healthcheck, Materialised, Mount, RuntimeFile
from clawlib.errors import DriverError
from clawlib.runtime import PERSONA_DIR, ResolvedClaw, clawdapus_md

from ._config import HOME, WORKSPACE, nanobot_config, nanobot_problems

__all__ = ["NanobotDriver"]


class NanobotDriver(Driver):
    """nanobot (Python): config.json, seeded workspace AGENTS.md, the version-1 cron store."""

    name = "nanobot"
    description = "nanobot gateway: config.json, workspace AGENTS.md, cron/jobs.json"
    config_file = "nanobot-home/config.json"

    def validate(self, claw: ResolvedClaw) -> list[str]:
        problems = nanobot_problems(claw)
        problems += nanobot_config(claw)[1]
        problems += cron_store(claw, deliver=True)[1]
        if problems:
            raise DriverError(*problems)
        return []

    def materialise(self, claw: ResolvedClaw) -> Materialised:
        config, problems = nanobot_config(claw)
        jobs, cron_problems = cron_store(claw, deliver=True)
        if problems or cron_problems:
            raise DriverError(*problems, *cron_problems)

        files = {
            "nanobot-home/config.json": RuntimeFile(
                dump_json(config.document), secret=config.secret
            ),
            "nanobot-home/workspace/AGENTS.md": RuntimeFile(
                seeded_contract(claw.contract, clawdapus_md(claw))
            ),
        }
        if jobs is not None:
            files["nanobot-home/cron/jobs.json"] = RuntimeFile(jobs)
        mounts = [Mount("nanobot-home", HOME, read_only=False)]
        environment = {"CLAW_MANAGED": "true"}
        if claw.persona_files:
            mounts.append(Mount(PERSONA_DIR, f"{WORKSPACE}/persona", read_only=False))
            environment["CLAW_PERSONA_DIR"] = f"{WORKSPACE}/persona"
        return Materialised(
            files=files,
            mounts=tuple(mounts),
            tmpfs=("/tmp",),
            environment=environment,
            healthcheck=Healthcheck(("CMD-SHELL", "pgrep -f '[n]anobot gateway' > /dev/null")),
            skill_dir=f"{WORKSPACE}/skills",
            skill_layout="directory",
            warnings=config.warnings,
        )
