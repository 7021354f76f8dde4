"""picoclaw's config.json and the problems that keep a claw from running under picoclaw.

The document is built in steps, later ones winning where they overlap: the default agent (model
``primary``, the workspace), ``model_list`` (primary first, then the other MODEL slots in
alphabetical order), one ``channels.<platform>`` object per supported HANDLE (platforms in
sorted order), then the operator's CONFIGURE commands.

picoclaw reads bot tokens and provider keys only from this file, so the values are looked up
(:meth:`~clawlib.runtime.ResolvedClaw.lookup`) and written into it; the file is then a secret
(0600, masked in diffs). A governed claw's model entries point at the proxy, each as
``openai/<MODEL ref as written>``: picoclaw strips its ``openai/`` protocol prefix and sends the
rest — ``openrouter/anthropic/claude-sonnet-4`` — to the proxy's OpenAI-compatible endpoint,
which routes by the provider prefix.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from clawlib.drivers._config import (
    apply_configures,
    parse_configure,
    set_keys,
    split_model_ref,
)
from clawlib.drivers._runner import (
    cron_store,
    first_guild,
    missing_token,
    normalise_provider,
    provider_key,
    provider_key_problem,
)
from clawlib.errors import DriverError
from clawlib.pod import Handle
from clawlib.runtime import ResolvedClaw, token_variable

__all__ = [
    "HOME",
    "PLATFORMS",
    "WORKSPACE",
    "PicoclawConfig",
    "channel_handles",
    "model_slots",
    "picoclaw_config",
    "picoclaw_problems",
]

HOME = "/home/picoclaw/.picoclaw"
"""picoclaw's home in the container (it runs as the non-root user ``picoclaw``)."""
WORKSPACE = f"{HOME}/workspace"

PLATFORMS = (
    "discord",
    "telegram",
    "slack",
    "whatsapp",
    "feishu",
    "line",
    "qq",
    "dingtalk",
    "onebot",
    "wecom",
    "wecom_app",
    "pico",
    "maixcam",
)
"""The HANDLE platforms picoclaw has a channel for, in the order messages list them."""

_SLACK_SECRETS = (("app_token", "SLACK_APP_TOKEN"), ("signing_secret", "SLACK_SIGNING_SECRET"))
_SECRET_KEYS = ("token", "bot_token", "app_token", "signing_secret")
_MISSING_PRIMARY = "missing MODEL primary (set `MODEL primary <provider/model>` in the Clawfile)"


@dataclass(frozen=True)
class PicoclawConfig:
    """config.json, whether it holds a secret value, and what the driver had to warn about."""

    document: dict[str, Any]
    secret: bool = False
    warnings: tuple[str, ...] = ()


def model_slots(claw: ResolvedClaw) -> list[str]:
    """The MODEL slots picoclaw gets, in ``model_list`` order: ``primary`` first, then the
    others alphabetically; slots with an empty reference are left out."""
    slots = sorted(slot for slot, ref in claw.models.items() if ref.strip())
    if "primary" in slots:
        slots.remove("primary")
        slots.insert(0, "primary")
    return slots


def channel_handles(claw: ResolvedClaw) -> tuple[dict[str, Handle], list[str]]:
    """The claw's handles by normalised platform name (trimmed, lower-case; of two names that
    normalise alike, the first in sorted order wins), and the platforms picoclaw has no channel
    for (sorted), which are skipped."""
    handles: dict[str, Handle] = {}
    for raw in sorted(claw.handles):
        platform = raw.strip().lower()
        if platform and platform not in handles:
            handles[platform] = claw.handles[raw]
    unsupported = sorted(p for p in handles if p not in PLATFORMS)
    return {p: h for p, h in sorted(handles.items()) if p in PLATFORMS}, unsupported


def _unsupported_warning(platform: str) -> str:
    return (
        f'picoclaw has no channel for HANDLE platform "{platform}": it is not enabled (the '
        "CLAW_HANDLE_* variables are still set)"
    )


def picoclaw_problems(claw: ResolvedClaw) -> tuple[list[str], list[str]]:
    """(problems, warnings) of running ``claw`` under picoclaw: every problem at once.

    A primary MODEL is required and every MODEL reference must be ``provider/model``; every
    CONFIGURE command must be ``picoclaw config set <path> <value>``; each supported HANDLE
    needs its bot token; at least one supported HANDLE is required (picoclaw refuses to start
    without a channel); an ungoverned claw needs its primary provider's key; invocations must
    make a valid cron store.
    """
    problems: list[str] = []
    if not claw.models.get("primary", "").strip():
        problems.append(_MISSING_PRIMARY)
    for slot in model_slots(claw):
        try:
            split_model_ref(claw.models[slot])
        except ValueError as exc:
            problems.append(
                f"MODEL {slot}: {exc} (write provider/model, e.g. openrouter/anthropic/"
                "claude-sonnet-4)"
            )
    for command in claw.configures:
        try:
            parse_configure(command, "picoclaw")
        except ValueError as exc:
            problems.append(str(exc))
    handles, unsupported = channel_handles(claw)
    for platform in handles:
        variable = token_variable(platform)
        assert variable is not None  # every supported platform has one
        problem = missing_token(claw, platform, variable)
        if problem:
            problems.append(problem)
    if not handles:
        problems.append(
            "no channels enabled: picoclaw refuses to start without one (add at least one "
            f"supported HANDLE: {', '.join(PLATFORMS)})"
        )
    if claw.proxy is None and "primary" in claw.models:
        try:
            provider, _ = split_model_ref(claw.models["primary"])
        except ValueError:
            pass  # reported above
        else:
            problem = provider_key_problem(claw, provider)
            if problem:
                problems.append(problem)
    problems += cron_store(claw, deliver=False)[1]
    return problems, [_unsupported_warning(p) for p in unsupported]


def _model_list(claw: ResolvedClaw, problems: list[str]) -> tuple[list[dict[str, Any]], bool]:
    entries: list[dict[str, Any]] = []
    secret = False
    for slot in model_slots(claw):
        ref = claw.models[slot].strip()
        try:
            provider, model = split_model_ref(ref)
        except ValueError as exc:
            problems.append(f"MODEL {slot}: {exc}")
            continue
        entry: dict[str, Any] = {"model_name": slot, "model": f"{provider}/{model}"}
        if claw.proxy is not None:
            entry["model"] = f"openai/{ref}"
            entry["api_base"] = claw.proxy.base_url
            entry["api_key"] = claw.proxy.token
            secret = True
        else:
            key = provider_key(claw, normalise_provider(provider))
            if key is not None:
                entry["api_key"] = key
                secret = True
        entries.append(entry)
    return entries, secret


def _channel(claw: ResolvedClaw, platform: str, handle: Handle) -> dict[str, Any]:
    channel: dict[str, Any] = {"enabled": True}
    variable = token_variable(platform)
    token = claw.lookup(variable) if variable else None
    if token:
        channel["token"] = token
        channel["bot_token"] = token
    if platform == "discord":
        guild = first_guild(handle.guilds)
        if guild:
            channel["guild_id"] = guild
    elif platform == "slack":
        for key, name in _SLACK_SECRETS:
            value = claw.lookup(name)
            if value:
                channel[key] = value
    return channel


def picoclaw_config(claw: ResolvedClaw) -> PicoclawConfig:
    """config.json for ``claw``.

    Raises :class:`~clawlib.errors.DriverError` listing every MODEL reference or CONFIGURE
    command that cannot be applied.
    """
    document: dict[str, Any] = {}
    problems: list[str] = []
    if not claw.models.get("primary", "").strip():
        problems.append(_MISSING_PRIMARY)
    set_keys(document, ["agents", "defaults", "model_name"], "primary")
    set_keys(document, ["agents", "defaults", "workspace"], WORKSPACE)
    entries, secret = _model_list(claw, problems)
    set_keys(document, ["model_list"], entries)
    handles, unsupported = channel_handles(claw)
    for platform, handle in handles.items():
        channel = _channel(claw, platform, handle)
        secret = secret or any(key in channel for key in _SECRET_KEYS)
        set_keys(document, ["channels", platform], channel)
    problems += apply_configures(document, claw.configures, "picoclaw")
    if problems:
        raise DriverError(*problems)
    return PicoclawConfig(document, secret, tuple(_unsupported_warning(p) for p in unsupported))
