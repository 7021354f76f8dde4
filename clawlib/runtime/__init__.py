"""Per-claw resolution: contract, skills, handles, surfaces and invocations, as plain values."""

from ._documents import (
    channel_skill,
    clawdapus_md,
    handle_skill,
    service_skill,
    skill_markdown,
    surface_skill_name,
    token_variable,
)
from ._types import Invocation, ResolvedClaw, ResolvedSkill, ResolvedSurface

__all__ = [
    "Invocation",
    "ResolvedClaw",
    "ResolvedSkill",
    "ResolvedSurface",
    "channel_skill",
    "clawdapus_md",
    "handle_skill",
    "service_skill",
    "skill_markdown",
    "surface_skill_name",
    "token_variable",
]
