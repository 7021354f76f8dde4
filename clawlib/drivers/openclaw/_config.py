"""openclaw.json, the cron store (jobs.json) and the effective AGENTS.md for one claw.

openclaw.json is built in steps, later ones winning where they overlap: gateway and workspace,
MODEL slots, the governance proxy's providers (a governed claw), HANDLE channels (platforms in
sorted order, so the bytes never depend on map order), then the operator's CONFIGURE commands,
then ``channel://discord`` surface routing. Bot tokens are written as ``${VAR}`` references
that openclaw resolves from its environment.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from clawlib.drivers._config import (
    ConfigPathError,
    apply_configures,
    set_keys,
    set_path,
    split_model_ref,
)
from clawlib.errors import DriverError
from clawlib.pod import ChannelRouting, Handle
from clawlib.runtime import ResolvedClaw, token_variable

__all__ = [
    "OpenclawConfig",
    "effective_contract",
    "jobs_json",
    "mention_pattern",
    "openclaw_config",
    "provider_api",
    "proxy_providers",
    "quote_meta",
]

_CHANNEL_PLATFORMS = ("discord", "slack", "telegram")
_DM_POLICIES = ("pairing", "allowlist", "open", "disabled")
_META = set("\\.+*?()|[]{}^$")


@dataclass(frozen=True)
class OpenclawConfig:
    """The openclaw.json document and what the driver had to warn about."""

    document: dict[str, Any]
    warnings: tuple[str, ...] = ()


def quote_meta(text: str) -> str:
    """``text`` with regex metacharacters escaped, and nothing else (RE2's QuoteMeta)."""
    return "".join(f"\\{c}" if c in _META else c for c in text)


def mention_pattern(name: str) -> str:
    """The case-insensitive text pattern that matches a mention of ``name``."""
    return rf"(?i)\b@?{quote_meta(name)}\b"


_PROVIDER_ALIASES = {
    "z.ai": "zai",
    "z-ai": "zai",
    "opencode-zen": "opencode",
    "qwen": "qwen-portal",
    "kimi-code": "kimi-coding",
    "bytedance": "volcengine",
    "doubao": "volcengine",
}
_ANTHROPIC_MESSAGES = frozenset(
    {"anthropic", "synthetic", "minimax-portal", "kimi-coding", "cloudflare-ai-gateway", "xiaomi"}
)
_PROVIDER_APIS = {
    "google": "google-generative-ai",
    "github-copilot": "github-copilot",
    "amazon-bedrock": "bedrock-converse-stream",
    "ollama": "ollama",
}


def provider_api(provider: str) -> str:
    """The API style openclaw speaks to ``provider`` (its ``models.providers.<p>.api``)."""
    if provider in _ANTHROPIC_MESSAGES:
        return "anthropic-messages"
    return _PROVIDER_APIS.get(provider, "openai-completions")


def proxy_providers(claw: ResolvedClaw) -> dict[str, Any]:
    """``models.providers`` of a governed claw: every provider its MODEL slots name (openclaw's
    aliases applied: ``z.ai`` is ``zai``...; a bare model is Anthropic's), each pointed at the
    proxy with the claw's token as its key and its models listed by provider-prefixed id.

    The ids keep their provider prefix for every API style, ``anthropic-messages`` included
    (``anthropic/claude-sonnet-4``), as upstream writes them, so that configs move between the
    two tools and openclaw resolves the MODEL refs as written; the proxy routes by that prefix,
    and on the Anthropic messages endpoint it is the proxy that strips ``anthropic/`` before
    forwarding (upstream's proxy forwards it unchanged, which Anthropic refuses).
    """
    assert claw.proxy is not None
    models: dict[str, set[str]] = {}
    for ref in claw.models.values():
        try:
            provider, model = split_model_ref(ref)
        except ValueError:
            continue  # validate() reports it
        provider = _PROVIDER_ALIASES.get(provider, provider)
        models.setdefault(provider, set()).add(f"{provider}/{model}")
    return {
        provider: {
            "api": provider_api(provider),
            "apiKey": claw.proxy.token,
            "baseUrl": claw.proxy.base_url,
            "models": [{"id": ref, "name": ref} for ref in sorted(ids)],
        }
        for provider, ids in sorted(models.items())
    }


def openclaw_config(claw: ResolvedClaw) -> OpenclawConfig:
    """The openclaw.json document for ``claw``.

    Raises :class:`DriverError` listing every CONFIGURE command or surface setting that cannot
    be applied.
    """
    document: dict[str, Any] = {}
    warnings: list[str] = []
    problems: list[str] = []
    set_path(document, "gateway.mode", "local")
    set_path(document, "agents.defaults.workspace", "/claw")
    for slot in sorted(claw.models):
        ref = claw.models[slot]
        try:
            if slot == "fallback":
                set_keys(document, ["agents", "defaults", "model", "fallbacks"], [ref])
            else:
                set_keys(document, ["agents", "defaults", "model", slot], ref)
        except ConfigPathError as exc:
            problems.append(f"MODEL {slot}: {exc}")
    if claw.proxy is not None:
        set_keys(document, ["models", "providers"], proxy_providers(claw))
    _handles(document, claw, warnings)
    problems += apply_configures(document, claw.configures, "openclaw")
    for surface in claw.surfaces:
        if surface.scheme == "channel" and surface.target == "discord" and surface.routing:
            problems += _discord_routing(document, surface.routing)
    if problems:
        raise DriverError(*problems)
    return OpenclawConfig(document, tuple(warnings))


def _handles(document: dict[str, Any], claw: ResolvedClaw, warnings: list[str]) -> None:
    if not claw.handles:
        return
    patterns: list[str] = []
    display: str | None = None
    for platform in sorted(claw.handles):
        handle = claw.handles[platform]
        if platform not in _CHANNEL_PLATFORMS:
            warnings.append(
                f'openclaw has no channel for HANDLE platform "{platform}": it is not enabled '
                "(the CLAW_HANDLE_* variables are still set)"
            )
            continue
        if display is None and handle.username:
            display = handle.username[:1].upper() + handle.username[1:]
        channel = ["channels", platform]
        set_keys(document, [*channel, "enabled"], True)
        set_keys(document, [*channel, "token"], f"${{{token_variable(platform)}}}")
        patterns.append(mention_pattern(handle.username or claw.service))
        if platform == "discord":
            set_keys(document, [*channel, "groupPolicy"], "allowlist")
            set_keys(document, [*channel, "dmPolicy"], "pairing")
            set_keys(document, [*channel, "allowBots"], True)
            patterns.append(f"<@!?{handle.id}>")
            guilds = _discord_guilds(handle, claw.peer_handles)
            if guilds:
                set_keys(document, [*channel, "guilds"], guilds)
        elif platform == "slack":
            patterns.append(f"<@{handle.id}>")
        set_keys(document, ["plugins", "entries", platform, "enabled"], True)
    agent: dict[str, Any] = {"id": "main", "name": display or claw.service}
    unique = list(dict.fromkeys(patterns))
    if unique:
        agent["groupChat"] = {"mentionPatterns": unique}
    set_keys(document, ["agents", "list"], [agent])


def _discord_guilds(
    handle: Handle, peers: Mapping[str, Mapping[str, Handle]]
) -> dict[str, dict[str, Any]]:
    """Every guild of the handle: mentions required, the pod's bots admitted, its channels."""
    ids = {handle.id} | {h["discord"].id for h in peers.values() if "discord" in h}
    users = sorted(i for i in ids if i)
    guilds: dict[str, dict[str, Any]] = {}
    for guild in handle.guilds:
        entry: dict[str, Any] = {"requireMention": True}
        if users:
            entry["users"] = users
        if guild.channels:
            entry["channels"] = {
                channel.id: {"allow": True, "requireMention": True} for channel in guild.channels
            }
        guilds[guild.id] = entry
    return guilds


def _discord_routing(document: dict[str, Any], routing: ChannelRouting) -> list[str]:
    """Apply a ``channel://discord`` surface's DM and guild routing; return what cannot be."""
    problems: list[str] = []
    channel = ["channels", "discord"]
    dm = routing.dm
    if dm is not None:
        policy = _dm_policy(dm.policy)
        if policy:
            set_keys(document, [*channel, "dmPolicy"], policy)
        allow = list(dm.allow_from)
        if policy == "open" and "*" not in allow:
            allow.append("*")
        if allow:
            set_keys(document, [*channel, "allowFrom"], allow)
    for guild_id in sorted(routing.guilds):
        guild = routing.guilds[guild_id]
        where = [*channel, "guilds", guild_id]
        if guild.policy and guild.policy.strip():
            problems.append(
                f'channel://discord guild "{guild_id}": policy "{guild.policy}" is not '
                "supported by the openclaw runtime; remove it and admit people with users:"
            )
            continue
        try:
            if guild.require_mention:
                set_keys(document, [*where, "requireMention"], True)
            if guild.users:
                set_keys(document, [*where, "users"], list(guild.users))
        except ConfigPathError as exc:
            problems.append(f'channel://discord guild "{guild_id}": {exc}')
    return problems


def _dm_policy(policy: str | None) -> str | None:
    """openclaw's DM policy for a surface's: known ones lower-cased, ``denylist`` (legacy) is
    ``open``, anything else kept as written (openclaw reports it)."""
    text = (policy or "").strip()
    if not text:
        return None
    lowered = "open" if text.lower() == "denylist" else text.lower()
    return lowered if lowered in _DM_POLICIES else text


def effective_contract(contract: bytes, clawdapus: str) -> bytes:
    """The contract with CLAWDAPUS.md inlined in a marked block: what ``/claw/AGENTS.md`` is."""
    text = contract.decode("utf-8", "replace").rstrip("\n")
    context = clawdapus.rstrip("\n")
    if context.strip():
        marker = "infrastructure_context (guide)"
        text += (
            f"\n\n--- BEGIN: {marker} ---\n\n"
            "This infrastructure context was generated by Clawdapus.\n"
            "Treat it as authoritative runtime environment data for this pod.\n"
            "It is also mounted separately at `/claw/CLAWDAPUS.md`.\n\n"
            f"{context}\n\n--- END: {marker} ---"
        )
    return (text + "\n").encode()


def job_id(service: str, schedule: str, message: str) -> str:
    """A stable job id: the first 16 bytes of SHA-256 of ``service|schedule|message``, as a
    UUID-shaped hex string."""
    digest = hashlib.sha256(f"{service}|{schedule}|{message}".encode()).hexdigest()[:32]
    return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:]}"


def _job_name(message: str) -> str:
    return message.encode()[:60].decode("utf-8", "ignore")


def jobs_json(claw: ResolvedClaw) -> bytes | None:
    """openclaw's cron store with one job per invocation, or None when there are none.

    Ids are derived from the service, schedule and message, and times are zero (openclaw fills
    them in when it schedules), so the same pod always gives the same file.
    """
    if not claw.invocations:
        return None
    jobs = []
    for invocation in claw.invocations:
        delivery: dict[str, Any] = {"mode": "announce", "bestEffort": True}
        if invocation.to:
            delivery["to"] = invocation.to
        jobs.append(
            {
                "id": job_id(claw.service, invocation.schedule, invocation.message),
                "agentId": "main",
                "name": invocation.name or _job_name(invocation.message),
                "enabled": True,
                "createdAtMs": 0,
                "updatedAtMs": 0,
                "schedule": {"expr": invocation.schedule, "tz": "UTC", "kind": "cron"},
                "sessionTarget": "isolated",
                "wakeMode": "now",
                "payload": {
                    "kind": "agentTurn",
                    "message": invocation.message,
                    "timeoutSeconds": 300,
                },
                "delivery": delivery,
                "state": {
                    "nextRunAtMs": 0,
                    "lastRunAtMs": 0,
                    "lastStatus": "",
                    "lastDurationMs": 0,
                    "consecutiveErrors": 0,
                },
            }
        )
    return (json.dumps(jobs, indent=2, ensure_ascii=False) + "\n").encode()
