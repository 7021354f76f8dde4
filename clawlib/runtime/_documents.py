"""The Markdown a claw is given about its world: CLAWDAPUS.md and the generated skills.

Texts follow upstream's (so agents prompted for one tool read the same words under the other),
with two deliberate changes: platforms and guilds are always sorted, and the service-surface skill
no longer claims the pod network has "no external access" (``claw-internal`` is a normal bridge
network; isolation comes from who is attached to it).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from clawlib.pod import ChannelRouting, Handle

from ._types import ResolvedClaw

__all__ = [
    "channel_skill",
    "clawdapus_md",
    "handle_skill",
    "service_skill",
    "skill_markdown",
    "surface_skill_name",
    "token_variable",
]

_TOKEN_VARIABLES = {
    "discord": "DISCORD_BOT_TOKEN",
    "dingtalk": "DINGTALK_BOT_TOKEN",
    "feishu": "FEISHU_BOT_TOKEN",
    "line": "LINE_BOT_TOKEN",
    "maixcam": "MAIXCAM_BOT_TOKEN",
    "matrix": "MATRIX_BOT_TOKEN",
    "onebot": "ONEBOT_BOT_TOKEN",
    "pico": "PICO_BOT_TOKEN",
    "qq": "QQ_BOT_TOKEN",
    "slack": "SLACK_BOT_TOKEN",
    "telegram": "TELEGRAM_BOT_TOKEN",
    "wecom": "WECOM_BOT_TOKEN",
    "wecom_app": "WECOM_APP_BOT_TOKEN",
    "whatsapp": "WHATSAPP_BOT_TOKEN",
}
_GENERATED_PREFIXES = ("handle-", "surface-", "include-")


def token_variable(platform: str) -> str | None:
    """The environment variable holding a platform's bot token, when there is a convention."""
    return _TOKEN_VARIABLES.get(platform.strip().lower())


def surface_skill_name(target: str) -> str:
    """``surface-<target>.md``, with ``/`` in the target made ``-``."""
    return f"surface-{target.replace('/', '-')}.md"


def _title(text: str) -> str:
    return text[:1].upper() + text[1:] if text else "Unknown"


def skill_markdown(name: str, description: str, body: str) -> str:
    """A skill file: YAML frontmatter (name, description), then the body."""
    head = (
        "---\n"
        f"name: {json.dumps(name or 'unnamed-skill', ensure_ascii=False)}\n"
        f"description: {json.dumps(description or 'Generated skill.', ensure_ascii=False)}\n"
        "---\n"
    )
    body = body.strip()
    return f"{head}\n{body}\n" if body else head


def handle_skill(platform: str, handle: Handle) -> str:
    """``handle-<platform>.md``: the claw's own identity on a platform and its memberships."""
    title = _title(platform.strip())
    lines = [
        f"# {title} Handle",
        "",
        f"Your identity on {title}. Use this information when sending messages, mentioning "
        "yourself, or routing responses.",
        "",
        "## Identity",
        f"- **ID:** {handle.id}",
    ]
    if handle.username:
        lines.append(f"- **Username:** {handle.username}")
    lines.append("")
    if handle.guilds:
        lines += ["## Memberships", ""]
        for guild in handle.guilds:
            lines.append(f"### {guild.id}" + (f" — {guild.name}" if guild.name else ""))
            if guild.channels:
                lines += ["", "Channels:"]
                lines += [
                    f"- `{channel.id}`" + (f" (#{channel.name})" if channel.name else "")
                    for channel in guild.channels
                ]
            lines.append("")
    reference = f"your ID `{handle.id}`"
    if handle.username:
        reference += f" or username `{handle.username}`"
    lines += ["## Usage", f"- When referring to yourself on {title}, use {reference}."]
    if handle.guilds:
        lines += [
            "- Your guild memberships and channel access are listed above.",
            "- Other agents in this pod know your ID via the `CLAW_HANDLE_*` environment "
            "variables.",
        ]
    return skill_markdown(
        f"handle-{platform.strip() or 'unknown'}",
        f"Identity and membership details for the {title} handle.",
        "\n".join(lines),
    )


def channel_skill(target: str, routing: ChannelRouting | None) -> str:
    """``surface-<platform>.md`` for a ``channel://`` surface: routing, access and token."""
    title = _title(target)
    lines = [f"# {title} Channel Surface", "", f"**Platform:** {title}"]
    variable = token_variable(target)
    if variable:
        lines.append(f"**Token env var:** `{variable}`")
    lines.append("")
    restricted = False
    if routing is not None:
        if routing.guilds:
            restricted = True
            lines += ["## Guild Access"]
            for guild_id in sorted(routing.guilds):
                guild = routing.guilds[guild_id]
                line = f"- Guild `{guild_id}`"
                if guild.policy:
                    line += f": {guild.policy} policy"
                if guild.require_mention:
                    line += ", mentions required"
                lines.append(line)
            lines.append("")
        dm = routing.dm
        if dm is not None and (dm.enabled or dm.policy or dm.allow_from):
            restricted = restricted or bool(dm.policy)
            line = "- DMs" + (" enabled" if dm.enabled else "")
            if dm.policy:
                line += f": policy={dm.policy}"
            lines += ["## Direct Messages", line, ""]
    lines += [
        "## Usage",
        "",
        f"Use the {title} channel to send messages, receive commands, and interact with users.",
        "Messages arrive as agent invocations via your runtime's channel integration.",
    ]
    if restricted:
        lines.append("Only reply to users matching the configured policy.")
    return skill_markdown(
        f"surface-{target or 'unknown'}",
        f"Routing, access, and token details for the {title} channel surface.",
        "\n".join(lines),
    )


def service_skill(target: str, ports: Sequence[str]) -> str:
    """The fallback skill for a ``service://`` surface whose image emits none of its own."""
    lines = [
        f"# {target} (service surface)",
        "",
        "## Connection",
        f"- **Hostname:** {target}",
        "- **Network:** claw-internal (the pod network shared by claws and their services)",
    ]
    if ports:
        lines.append(f"- **Ports:** {', '.join(ports)}")
    lines += [
        "",
        "## Usage",
        "This service is available to you within the pod network.",
        f"Use the hostname `{target}` to connect.",
        "Credentials, if required, are provided via environment variables.",
    ]
    return skill_markdown(
        surface_skill_name(target).removesuffix(".md"),
        f"Connection details for the {target} service surface.",
        "\n".join(lines),
    )


def clawdapus_md(claw: ResolvedClaw, *, proxy_service: str | None = None) -> str:
    """CLAWDAPUS.md: the claw's identity, surfaces, proxy, handles and skills index.

    The ``## LLM Proxy`` section names ``proxy_service``, else the claw's own proxy."""
    if proxy_service is None and claw.proxy is not None:
        proxy_service = claw.proxy.service
    lines = [
        "# CLAWDAPUS.md",
        "",
        "This file is generated by Clawdapus. It describes your infrastructure environment.",
        "",
        "## Identity",
        "",
        f"- **Pod:** {claw.pod}",
        f"- **Service:** {claw.service}",
        f"- **Type:** {claw.claw_type}",
    ]
    if claw.persona:
        lines.append(f"- **Persona Ref:** {claw.persona}")
        lines += [
            "",
            "## Persona",
            "",
            "Your mutable persona workspace is mounted separately from the behavioral contract.",
            "",
            "- **Mount:** `persona/`",
            f"- **Source:** `{claw.persona}`",
        ]
    lines += ["", "## Surfaces", ""]
    if not claw.surfaces:
        lines += ["No surfaces declared for this service.", ""]
    for surface in claw.surfaces:
        lines.append(f"### {surface.target} ({surface.scheme})")
        if surface.surface.access_mode:
            lines.append(f"- **Access:** {surface.surface.access_mode}")
        skill = surface.skill_name or surface_skill_name(surface.target)
        if surface.scheme == "volume":
            lines.append(f"- **Mount path:** /mnt/{surface.target}")
        elif surface.scheme == "host":
            lines.append(f"- **Mount path:** {surface.target}")
        elif surface.scheme == "service":
            lines += [f"- **Host:** {surface.target}", f"- **Skill:** `skills/{skill}`"]
        elif surface.scheme == "channel":
            variable = token_variable(surface.target)
            if variable:
                lines.append(f"- **Token:** `{variable}` (env)")
            lines.append(f"- **Skill:** `skills/{skill}`")
        lines.append("")
    if claw.cllama and proxy_service:
        lines += [
            "## LLM Proxy",
            "",
            "Your LLM requests are routed through a governance proxy.",
            "",
            f"- **Endpoint:** `http://{proxy_service}:8080/v1`",
            "- **Auth:** Bearer token (pre-configured)",
            f"- **Mode:** {claw.cllama[0]}"
            if len(claw.cllama) == 1
            else f"- **Chain:** {' -> '.join(claw.cllama)}",
            "",
            "All inference requests pass through this proxy for logging and policy enforcement.",
            "You do not need to configure this - model settings are pre-wired.",
            "",
        ]
    if claw.handles:
        lines += [
            "## Handles",
            "",
            "Your channel identities on social platforms. Other agents use these to reach you.",
            "",
        ]
        for platform in sorted(claw.handles):
            handle = claw.handles[platform]
            lines += [f"### {platform}", f"- **ID:** {handle.id}"]
            if handle.username:
                lines.append(f"- **Username:** {handle.username}")
            for guild in handle.guilds:
                lines.append(
                    f"- **Guild:** {guild.id}" + (f" ({guild.name})" if guild.name else "")
                )
                lines += [
                    f"  - **Channel:** {channel.id}"
                    + (f" (#{channel.name})" if channel.name else "")
                    for channel in guild.channels
                ]
            lines.append("")
    lines += ["## Skills", ""]
    index = list(_skills_index(claw))
    lines += index or ["No skills available."]
    if claw.includes:
        lines += ["", "## Included Context", ""]
        for include in claw.includes:
            lines.append(f"### {include.id} ({include.mode})")
            if include.description:
                lines.append(f"- **Description:** {include.description}")
            if include.mode == "reference":
                lines.append(f"- **Mount:** `skills/{include.skill_name or ''}`")
            else:
                lines.append("- **Contract:** inlined into `/claw/AGENTS.md`")
            lines += [f"- **Source:** `{include.source}`", ""]
        lines.pop()
    return "\n".join(lines) + "\n"


def _skills_index(claw: ResolvedClaw) -> Iterable[str]:
    for platform in sorted(claw.handles):
        yield f"- `skills/handle-{platform}.md` — {platform} channel identity"
    for surface in claw.surfaces:
        skill = surface.skill_name or surface_skill_name(surface.target)
        if surface.scheme in ("service", "channel"):
            yield f"- `skills/{skill}` — {surface.target} {surface.scheme} surface"
    surface_skills = {s.skill_name for s in claw.surfaces if s.scheme in ("service", "channel")}
    for resolved in claw.skills:
        if resolved.name not in surface_skills and not resolved.name.startswith(
            _GENERATED_PREFIXES
        ):
            yield f"- `skills/{resolved.name}` — operator-provided skill"
