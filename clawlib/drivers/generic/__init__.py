"""The ``generic`` driver: any image, with the contract, CLAWDAPUS.md and skills mounted.

No runner configuration is written; the image is expected to read ``/claw/AGENTS.md`` itself.
The container gets the same hardening as every claw: read-only root with a ``/tmp`` tmpfs,
restart on failure, and ``CLAW_MANAGED=true`` so it can tell it runs under claw.
"""

from __future__ import annotations

from clawlib.drivers.base import Driver, Materialised, Mount, RuntimeFile
from clawlib.runtime import PERSONA_DIR, ResolvedClaw, clawdapus_md

__all__ = ["GenericDriver"]


class GenericDriver(Driver):
    """Contract, CLAWDAPUS.md and skills, nothing runner-specific."""

    name = "generic"
    description = "any image: contract, CLAWDAPUS.md and skills mounted under /claw"

    def materialise(self, claw: ResolvedClaw) -> Materialised:
        mounts = [
            Mount("AGENTS.md", "/claw/AGENTS.md"),
            Mount("CLAWDAPUS.md", "/claw/CLAWDAPUS.md"),
        ]
        environment = {"CLAW_MANAGED": "true"}
        if claw.persona_files:
            mounts.append(Mount(PERSONA_DIR, "/claw/persona", read_only=False))
            environment["CLAW_PERSONA_DIR"] = "/claw/persona"
        return Materialised(
            files={
                "AGENTS.md": RuntimeFile(claw.contract),
                "CLAWDAPUS.md": RuntimeFile(clawdapus_md(claw).encode()),
            },
            mounts=tuple(mounts),
            tmpfs=("/tmp",),
            environment=environment,
            skill_dir="/claw/skills",
        )
