"""nanobot's config.json for one claw, and the problems that keep it from being written.

The document is built in steps, later ones winning where they overlap: the primary model and the
workspace, the providers (each pointed at the governance proxy for a governed claw, else given
the key found for it), HANDLE channels (platforms in sorted order, so the bytes never depend on
map order), then the operator's CONFIGURE commands.

nanobot reads its bot tokens and provider keys from config.json alone — it has no ``${VAR}``
references to resolve — so the values found by :meth:`~clawlib.runtime.ResolvedClaw.lookup` are
written into the file, and the file is marked as holding a secret (0600, never shown in a diff).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from clawlib.drivers._config import (
    apply_configures,
    set_keys,
    set_path,
    split_model_ref,
)
from clawlib.drivers._runner import first_guild, missing_token, provider_key, provider_key_problem
from clawlib.runtime import ResolvedClaw

__all__ = ["HOME", "WORKSPACE", "NanobotConfig", "nanobot_config", "nanobot_problems"]

HOME = "/root/.nanobot"
"""nanobot's home in the container: config.json, workspace/, cron/."""
WORKSPACE = f"{HOME}/workspace"

# Platform → (config key → token variable), the first key being the bot token.
_CHANNELS: dict[str, tuple[tuple[str, str], ...]] = {
    "discord": (("token", "DISCORD_BOT_TOKEN"),),
    "slack": (
        ("bot_token", "SLACK_BOT_TOKEN"),
        ("app_token", "SLACK_APP_TOKEN"),
        ("signing_secret", "SLACK_SIGNING_SECRET"),
    ),
    "telegram": (("bot_token", "TELEGRAM_BOT_TOKEN"),),
}
_EXAMPLE = "openrouter/anthropic/claude-sonnet-4"


@dataclass(frozen=True)
class NanobotConfig:
    """The config.json document, whether it holds a secret, and what to warn about."""

    document: dict[str, Any]
    secret: bool = False
    warnings: tuple[str, ...] = ()


def _providers(claw: ResolvedClaw) -> list[str]:
    """The providers the claw's MODEL slots name, sorted, each once (invalid refs skipped:
    :func:`nanobot_problems` reports them)."""
    found = set()
    for ref in claw.models.values():
        try:
            found.add(split_model_ref(ref)[0])
        except ValueError:
            continue
    return sorted(found)


def nanobot_problems(claw: ResolvedClaw) -> list[str]:
    """Why ``claw`` cannot run under nanobot, one message per problem (empty: it can)."""
    problems: list[str] = []
    primary = claw.models.get("primary", "").strip()
    if not primary:
        problems.append(
            f"missing MODEL primary (set `MODEL primary <provider/model>` in the Clawfile, "
            f"e.g. MODEL primary {_EXAMPLE})"
        )
    for slot in sorted(claw.models):
        if slot == "primary" and not primary:
            continue
        try:
            split_model_ref(claw.models[slot])
        except ValueError as exc:
            problems.append(f"MODEL {slot}: {exc} (write provider/model, e.g. {_EXAMPLE})")
    for platform in sorted(claw.handles):
        channel = _CHANNELS.get(platform.lower())
        if channel is not None:
            problem = missing_token(claw, platform.lower(), channel[0][1])
            if problem:
                problems.append(problem)
    if claw.proxy is not None:
        if not claw.proxy.token.strip():
            problems.append("cllama is enabled but the claw's proxy token is empty")
    elif primary:
        try:
            problem = provider_key_problem(claw, split_model_ref(primary)[0])
        except ValueError:
            problem = None  # reported above
        if problem:
            problems.append(problem)
    return problems


def nanobot_config(claw: ResolvedClaw) -> tuple[NanobotConfig, list[str]]:
    """The config.json document for ``claw``, and the CONFIGURE commands that cannot be
    applied (one message each)."""
    document: dict[str, Any] = {}
    problems: list[str] = []
    warnings: list[str] = []
    secret = False
    primary = claw.models.get("primary", "").strip()
    if primary:
        set_path(document, "agents.defaults.model", primary)
    set_path(document, "agents.defaults.workspace", WORKSPACE)
    for provider in _providers(claw):
        where = ["providers", provider]
        if claw.proxy is not None:
            set_keys(document, [*where, "base_url"], claw.proxy.base_url)
            set_keys(document, [*where, "api_key"], claw.proxy.token)
            secret = True
        else:
            key = provider_key(claw, provider)
            if key is not None:
                set_keys(document, [*where, "api_key"], key)
                secret = True
    for platform in sorted(claw.handles, key=str.lower):
        name = platform.lower()
        channel = _CHANNELS.get(name)
        if channel is None:
            warnings.append(
                f'nanobot has no channel for HANDLE platform "{platform}": it is not enabled '
                "(the CLAW_HANDLE_* variables are still set)"
            )
            continue
        set_keys(document, ["channels", name, "enabled"], True)
        for key, variable in channel:
            value = claw.lookup(variable)
            if value:
                set_keys(document, ["channels", name, key], value)
                secret = True
        if name == "discord":
            guild = first_guild(claw.handles[platform].guilds)
            if guild:
                set_keys(document, ["channels", name, "guild_id"], guild)
    problems += apply_configures(document, claw.configures, "nanobot")
    return NanobotConfig(document, secret, tuple(warnings)), problems
