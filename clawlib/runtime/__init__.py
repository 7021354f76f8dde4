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
from ._handles import InvokeTarget, env_file_text, handle_env, handle_json, resolve_invoke_target
from ._paths import find_pod_file, pod_file, read_pod_file
from ._resolve import ImageMetadata, Resolution, resolve_pod
from ._types import (
    PERSONA_DIR,
    EmittedSkill,
    Invocation,
    PersonaFile,
    ResolvedClaw,
    ResolvedInclude,
    ResolvedSkill,
    ResolvedSurface,
)

__all__ = [
    "PERSONA_DIR",
    "EmittedSkill",
    "ImageMetadata",
    "Invocation",
    "InvokeTarget",
    "PersonaFile",
    "Resolution",
    "ResolvedClaw",
    "ResolvedInclude",
    "ResolvedSkill",
    "ResolvedSurface",
    "channel_skill",
    "clawdapus_md",
    "env_file_text",
    "find_pod_file",
    "handle_env",
    "handle_json",
    "handle_skill",
    "pod_file",
    "read_pod_file",
    "resolve_invoke_target",
    "resolve_pod",
    "service_skill",
    "skill_markdown",
    "surface_skill_name",
    "token_variable",
]
