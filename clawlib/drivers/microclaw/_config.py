"""microclaw.config.yaml for one claw, and how CONFIGURE values are typed in it.

microclaw reads one YAML file. It is built as a document (fixed data and web settings, the
primary model, HANDLE channels in sorted order, then the operator's CONFIGURE commands) and
written with :func:`~clawlib.yamlio.dump_yaml`, keys sorted at every level, so the same claw
always gives the same bytes. microclaw reads its provider key and bot tokens only from this file:
they are written as values, and the file is then a secret (0600, masked in diffs).

**CONFIGURE typing.** ``microclaw config set <path> <value>`` reads the value as YAML, with
claw's own loader (the YAML 1.2 core schema, anchors bounded), by these rules:

- a scalar YAML types is typed: ``true``/``false``, ``42``, ``-7``, ``2.5``, ``.inf``; a quoted
  (or ``!!str``-tagged) text is that text (``"a: b"`` is the string ``a: b``, ``'0700'`` the
  string ``0700``);
- a flow collection — a value starting with ``[`` or ``{`` — is a list or a mapping
  (``[a, b]``, ``{k: v}``; anchors and aliases inside it work);
- anything else is kept exactly as written, as a string: text YAML reads as nothing (``null``,
  ``~``); text YAML readers disagree on (``0700``, ``2024-01-01``, ``1_000``, ``yes``, whole
  numbers beyond 64 bits: these are also strings inside a collection); text that is not one
  YAML value (``[unclosed``, ``*undefined``, ``!!binary …``, a recursive alias); and prose that
  merely looks like YAML — a plain text with a colon (``Reply briefly: no lists``, which YAML
  would make a mapping), a leading ``-`` (a list), `` #`` (a comment) or a leading anchor.

Upstream types every value YAML reads (``a: b`` becomes a mapping, ``you are #1`` the string
``you are``, ``0700`` the number 448); here prose is never reshaped or cut, and a value's type
never depends on which YAML version reads it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from clawlib.drivers._config import apply_configures, split_model_ref
from clawlib.drivers._runner import normalise_provider, provider_key
from clawlib.errors import DriverError, PodError
from clawlib.pod import Handle
from clawlib.runtime import ResolvedClaw
from clawlib.secrets import mask_secrets
from clawlib.yamlio import PlainScalar, dump_yaml, load_yaml

__all__ = [
    "CHANNEL_PLATFORMS",
    "MicroclawConfig",
    "dump_config",
    "microclaw_config",
    "primary_model",
    "yaml_value",
]

CHANNEL_PLATFORMS = ("discord", "slack", "telegram")
"""The HANDLE platforms microclaw has a channel for (``web`` is always on)."""
MISSING_PRIMARY = "missing MODEL primary (set `MODEL primary <provider/model>` in the Clawfile)"

_UINT64_MAX = 2**64 - 1
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_UNSIGNED = re.compile(r"[0-9]+")
_SIGNED = re.compile(r"[-+]?[0-9]+")


@dataclass(frozen=True)
class MicroclawConfig:
    """The config document, whether it holds a secret, and what the driver had to warn about."""

    document: dict[str, Any]
    secret: bool = False
    """A provider key or bot token is written in it."""
    warnings: tuple[str, ...] = ()


def primary_model(claw: ResolvedClaw) -> tuple[str, str]:
    """(provider, model) of the claw's MODEL primary. Raises ValueError saying what is wrong."""
    ref = claw.models.get("primary", "")
    if not ref.strip():
        raise ValueError(MISSING_PRIMARY)
    try:
        return split_model_ref(ref)
    except ValueError as exc:
        raise ValueError(
            f"MODEL primary: {exc} (write provider/model, e.g. anthropic/claude-sonnet-4)"
        ) from None


def _plain(value: Any) -> Any:
    """``value`` with every :class:`PlainScalar` made an ordinary string (written quoted)."""
    if isinstance(value, PlainScalar):
        return str(value)
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def yaml_value(text: str) -> Any:
    """A CONFIGURE value's text, typed by the rules of the module's documentation."""
    if text[:1] == "&":
        return text
    try:
        value = load_yaml(text, "CONFIGURE").data
    except PodError:
        return text
    if value is None or isinstance(value, PlainScalar):
        return text
    if isinstance(value, dict | list):
        return _plain(value) if text[:1] in "[{" else text
    if isinstance(value, str):
        return value if text[:1] in "\"'!" else text
    return value


def _ids(
    raw: list[str], pattern: re.Pattern[str], low: int, high: int
) -> tuple[list[int], list[str]]:
    """The sorted unique ids of ``raw`` that are whole numbers in ``low..high`` (0 excluded),
    and the ones that are not, as written."""
    found: set[int] = set()
    rejected = []
    for text in raw:
        value = text.strip()
        number = int(value) if pattern.fullmatch(value) and len(value) <= 21 else None
        if number is None or number == 0 or not low <= number <= high:
            rejected.append(value)
        else:
            found.add(number)
    return sorted(found), rejected


def _discord(handle: Handle, token: str | None, warnings: list[str]) -> dict[str, Any]:
    channel: dict[str, Any] = {"enabled": True}
    if token:
        channel["bot_token"] = token
    if handle.username and handle.username.strip():
        channel["bot_username"] = handle.username
    raw = [c.id for g in handle.guilds for c in g.channels]
    allowed, rejected = _ids(raw, _UNSIGNED, 1, _UINT64_MAX)
    warnings += [
        f'HANDLE discord: channel id "{mask_secrets(text)}" is not a Discord channel id (a '
        f"number from 1 to {_UINT64_MAX}): left out of allowed_channels"
        for text in rejected
    ]
    if allowed:
        channel["allowed_channels"] = allowed
    return channel


def _telegram(handle: Handle, token: str | None, warnings: list[str]) -> dict[str, Any]:
    channel: dict[str, Any] = {"enabled": True}
    if token:
        channel["bot_token"] = token
    if handle.username and handle.username.strip():
        channel["bot_username"] = handle.username
    allowed, rejected = _ids([g.id for g in handle.guilds], _SIGNED, _INT64_MIN, _INT64_MAX)
    warnings += [
        f'HANDLE telegram: group id "{mask_secrets(text)}" is not a Telegram chat id (a number '
        f"from {_INT64_MIN} to {_INT64_MAX}, not 0): left out of allowed_groups"
        for text in rejected
    ]
    if allowed:
        channel["allowed_groups"] = allowed
    return channel


def _slack(handle: Handle, bot: str | None, app: str | None) -> dict[str, Any]:
    channel: dict[str, Any] = {"enabled": True}
    if bot:
        channel["bot_token"] = bot
    if app:
        channel["app_token"] = app
    allowed = sorted({c.id.strip() for g in handle.guilds for c in g.channels if c.id.strip()})
    if allowed:
        channel["allowed_channels"] = allowed
    return channel


def microclaw_config(claw: ResolvedClaw) -> MicroclawConfig:
    """The microclaw.config.yaml document for ``claw``.

    Raises :class:`DriverError` listing every problem: the primary model, and every CONFIGURE
    command that cannot be applied. HANDLE platforms microclaw has no channel for are left out
    (:meth:`~clawlib.drivers.microclaw.MicroclawDriver.validate` warns about them).
    """
    problems: list[str] = []
    warnings: list[str] = []
    secrets: list[str | None] = []
    document: dict[str, Any] = {
        "data_dir": "/claw-data",
        "skills_dir": "/claw-data/skills",
        "working_dir": "/claw-data/working_dir",
        "working_dir_isolation": "chat",
        "timezone": "UTC",
        "web_enabled": True,
        "web_host": "127.0.0.1",
        "web_port": 10961,
    }
    try:
        provider, model = primary_model(claw)
    except ValueError as exc:
        problems.append(str(exc))
    else:
        if claw.proxy is not None:
            # The proxy speaks Anthropic's API for anthropic, OpenAI's for every other
            # provider, routing by the provider prefix of the model.
            anthropic = normalise_provider(provider) == "anthropic"
            document["llm_provider"] = "anthropic" if anthropic else "openai"
            document["model"] = model if anthropic else f"{provider}/{model}"
            document["llm_base_url"] = claw.proxy.base_url
            document["api_key"] = claw.proxy.token
            secrets.append(claw.proxy.token)
        else:
            name = normalise_provider(provider)
            key = provider_key(claw, name)
            document["llm_provider"] = name
            document["model"] = model
            document["api_key"] = key or ""
            secrets.append(key)
    channels: dict[str, Any] = {"web": {"enabled": True}}
    for platform in sorted(claw.handles):
        handle = claw.handles[platform]
        if platform == "discord":
            token = claw.lookup("DISCORD_BOT_TOKEN")
            channels["discord"] = _discord(handle, token, warnings)
            secrets.append(token)
        elif platform == "telegram":
            token = claw.lookup("TELEGRAM_BOT_TOKEN")
            channels["telegram"] = _telegram(handle, token, warnings)
            secrets.append(token)
        elif platform == "slack":
            bot, app = claw.lookup("SLACK_BOT_TOKEN"), claw.lookup("SLACK_APP_TOKEN")
            channels["slack"] = _slack(handle, bot, app)
            secrets += [bot, app]
    document["channels"] = channels
    problems += apply_configures(document, claw.configures, "microclaw", yaml_value)
    if problems:
        raise DriverError(*problems)
    return MicroclawConfig(document, any(secrets), tuple(warnings))


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted(item) for item in value]
    return value


def dump_config(document: dict[str, Any]) -> bytes:
    """The document as microclaw.config.yaml: block YAML, keys sorted at every level."""
    return dump_yaml(_sorted(document)).encode()
