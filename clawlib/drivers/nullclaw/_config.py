"""nullclaw's config.json for one claw, and the problems that stop it from being written.

The document is built in steps, later ones winning where they overlap: the gateway and autonomy
defaults (local bind, pairing required, supervised autonomy kept to the workspace), MODEL slots
(``fallback`` is nullclaw's ``reliability.fallback_providers``), the governance proxy's
providers (a governed claw), HANDLE channels (platforms in sorted order, so the bytes never
depend on map order), then the operator's CONFIGURE commands. nullclaw reads its tokens from this
file only, so bot tokens are written as their resolved values and the file is then a secret.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from clawlib.drivers._config import (
    ConfigPathError,
    apply_configures,
    set_keys,
    set_path,
    split_model_ref,
)
from clawlib.runtime import ResolvedClaw, token_variable

__all__ = ["NullclawConfig", "nullclaw_config"]

CHANNEL_PLATFORMS = ("discord", "slack", "telegram")


@dataclass(frozen=True)
class NullclawConfig:
    """config.json, what the driver has to warn about, and what stops it (empty: nothing)."""

    document: dict[str, Any]
    warnings: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    secret: bool = False
    """The document holds a token (a bot token, the proxy token)."""


def nullclaw_config(claw: ResolvedClaw) -> NullclawConfig:
    """The config.json document for ``claw``, with every problem found on the way."""
    document: dict[str, Any] = {}
    warnings: list[str] = []
    problems: list[str] = []
    secret = False
    set_path(document, "gateway.port", 3000)
    set_path(document, "gateway.host", "127.0.0.1")
    set_path(document, "gateway.require_pairing", True)
    set_path(document, "autonomy.level", "supervised")
    set_path(document, "autonomy.workspace_only", True)
    for slot in sorted(claw.models):
        ref = claw.models[slot]
        try:
            if slot == "fallback":
                set_keys(document, ["reliability", "fallback_providers"], [ref])
            else:
                set_keys(document, ["agents", "defaults", "model", slot], ref)
        except ConfigPathError as exc:
            problems.append(f"MODEL {slot}: {exc}")
    if claw.proxy is not None:
        if not claw.proxy.token.strip():
            problems.append("the governance proxy gave this claw an empty token")
        for provider in _providers(claw):
            where = ["models", "providers", provider]
            set_keys(document, [*where, "base_url"], claw.proxy.base_url)
            set_keys(document, [*where, "api_key"], claw.proxy.token)
            secret = True
    for platform in sorted(claw.handles, key=str.lower):
        name = platform.strip().lower()
        if name not in CHANNEL_PLATFORMS:
            warnings.append(
                f'nullclaw has no channel for HANDLE platform "{platform}": it is not configured '
                "(the CLAW_HANDLE_* variables are still set)"
            )
            continue
        account = ["channels", name, "accounts", "main"]
        token = claw.lookup(token_variable(name) or "")
        if name == "discord":
            if token:
                set_keys(document, [*account, "token"], token)
            guild = next((g.id.strip() for g in claw.handles[platform].guilds if g.id.strip()), "")
            if guild:
                set_keys(document, [*account, "guild_id"], guild)
        elif token:
            set_keys(document, [*account, "bot_token"], token)
        if name == "slack":
            app_token = claw.lookup("SLACK_APP_TOKEN")
            signing = claw.lookup("SLACK_SIGNING_SECRET")
            if app_token:
                set_keys(document, [*account, "app_token"], app_token)
                set_keys(document, [*account, "mode"], "socket")
            if signing:
                set_keys(document, [*account, "signing_secret"], signing)
                if not app_token:
                    set_keys(document, [*account, "mode"], "http")
            secret = secret or bool(app_token or signing)
        secret = secret or bool(token)
    problems += apply_configures(document, claw.configures, "nullclaw")
    for invocation in claw.invocations:
        label = f'INVOKE "{invocation.schedule}"'
        if invocation.name and invocation.name.strip():
            warnings.append(
                f'{label}: nullclaw\'s cron has no job names; name "{invocation.name}" is ignored'
            )
        if invocation.to and invocation.to.strip():
            warnings.append(
                f"{label}: nullclaw's cron cannot deliver to a channel; "
                f'to "{invocation.to}" is ignored'
            )
    return NullclawConfig(document, tuple(warnings), tuple(problems), secret)


def _providers(claw: ResolvedClaw) -> list[str]:
    """Every provider the MODEL slots name, sorted (a bare model is Anthropic's)."""
    found = set()
    for ref in claw.models.values():
        try:
            found.add(split_model_ref(ref)[0])
        except ValueError:
            continue  # validate() reports it
    return sorted(found)
