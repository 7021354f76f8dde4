"""What several runners' drivers share beyond JSON: the seeded contract, the cron store of the
runners that read one (``version: 1``), and the checks that a claw's provider key and bot tokens
can be found.

Look-ups go through :meth:`~clawlib.runtime.ResolvedClaw.lookup`: the service's environment
(its ``${VAR}`` resolved), then the pod's ``.env``, then the environment claw runs in. Upstream
reads only the process environment, so a key kept in ``.env`` — where compose finds it — was
"not found"; here it is found where compose would find it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from clawlib.pod import Guild
from clawlib.runtime import ResolvedClaw

__all__ = [
    "KEYLESS_PROVIDERS",
    "cron_store",
    "first_guild",
    "json_object",
    "missing_token",
    "normalise_provider",
    "provider_key",
    "provider_key_names",
    "provider_key_problem",
    "seeded_contract",
]

KEYLESS_PROVIDERS = frozenset({"ollama"})
"""Providers a runner reaches without an API key (a local model server)."""
_SUFFIX = re.compile(r"[-./]")
_PLACEHOLDER = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)\}")


def seeded_contract(contract: bytes, guide: str) -> bytes:
    """The AGENTS.md a runner finds in its workspace: the contract and claw's guide
    (CLAWDAPUS.md), each trimmed, parted by a rule, ending with one newline."""
    text = contract.decode("utf-8", "replace").strip()
    return f"{text}\n\n---\n\n{guide.strip()}\n".encode()


def normalise_provider(provider: str) -> str:
    """A provider name as the key names and configs use it: lower-case, ``openai`` if empty."""
    return provider.strip().lower() or "openai"


def provider_key_names(provider: str) -> tuple[str, ...]:
    """The variables a key for ``provider`` is looked up in, in order: ``<P>_API_KEY``,
    ``PROVIDER_API_KEY_<P>``, ``PROVIDER_API_KEY`` and, for any provider but anthropic (whose
    API is not OpenAI's), ``OPENAI_API_KEY``; ``<P>`` is the name upper-cased with ``-``, ``.``
    and ``/`` made ``_``."""
    name = normalise_provider(provider)
    suffix = _SUFFIX.sub("_", name.upper())
    names = [f"{suffix}_API_KEY", f"PROVIDER_API_KEY_{suffix}", "PROVIDER_API_KEY"]
    if name != "anthropic":
        names.append("OPENAI_API_KEY")
    return tuple(dict.fromkeys(names))


def provider_key(claw: ResolvedClaw, provider: str) -> str | None:
    """The first key found for ``provider`` (see :func:`provider_key_names`), or None."""
    for name in provider_key_names(provider):
        value = claw.lookup(name)
        if value:
            return value.strip() or None
    return None


def provider_key_problem(claw: ResolvedClaw, provider: str) -> str | None:
    """Why a claw that talks to ``provider`` directly (not through the proxy) cannot start:
    no key found, with the names looked up; None when one is found or none is needed."""
    name = normalise_provider(provider)
    if name in KEYLESS_PROVIDERS or provider_key(claw, name) is not None:
        return None
    checked = ", ".join(provider_key_names(name))
    return (
        f'no API key found for provider "{name}" (checked: {checked}; set one in the '
        "service's environment, the pod's .env or the environment claw runs in, or govern "
        "the claw with cllama)"
    )


def missing_token(claw: ResolvedClaw, platform: str, variable: str) -> str | None:
    """The problem of a HANDLE whose bot token ``variable`` nothing sets, else None; when the
    service sets it to ``${OTHER}`` (another name), the message names OTHER, the variable to
    set."""
    if claw.lookup(variable):
        return None
    written = claw.environment.get(variable, "")
    unset = [
        name for name in _PLACEHOLDER.findall(written) if name != variable and not claw.lookup(name)
    ]
    if unset:
        names = " and ".join(unset)
        return (
            f"HANDLE {platform} requires {variable}: the service sets it to {written}, and "
            f"{names} {'is' if len(unset) == 1 else 'are'} set neither in the pod's .env nor in "
            "the environment claw runs in"
        )
    return (
        f"HANDLE {platform} requires {variable} (in the service's environment, the pod's .env "
        "or the environment claw runs in)"
    )


def cron_store(claw: ResolvedClaw, *, deliver: bool) -> tuple[bytes | None, list[str]]:
    """The runner's cron store (``{"version": 1, "jobs": [...]}``) with one job per
    invocation, and the problems found (empty: the store is good); (None, []) without
    invocations.

    A job is named as the pod names it, else ``invoke-NN`` (1-based, two digits); its schedule
    must be a five-field cron expression and its message not empty. ``deliver`` adds
    ``payload.deliver`` (true when the job has a target), for runners that read it.
    """
    if not claw.invocations:
        return None, []
    jobs, problems = [], []
    for number, invocation in enumerate(claw.invocations, start=1):
        fields = invocation.schedule.split()
        if len(fields) != 5:
            problems.append(
                f'INVOKE {number}: schedule "{invocation.schedule}" must be a five-field cron '
                'expression (minute hour day month weekday, e.g. "0 9 * * 1-5")'
            )
        if not invocation.message.strip():
            problems.append(f"INVOKE {number}: the message is empty (say what the agent is to do)")
        payload: dict[str, object] = {"kind": "agent_turn", "message": invocation.message}
        if deliver:
            payload["deliver"] = bool(invocation.to)
        if invocation.to:
            payload["to"] = invocation.to
        jobs.append(
            {
                "name": invocation.name or f"invoke-{number:02d}",
                "schedule": {"kind": "cron", "expression": " ".join(fields)},
                "payload": payload,
                "state": {"enabled": True},
            }
        )
    if problems:
        return None, problems
    document = {"version": 1, "jobs": jobs}
    return (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode(), []


def first_guild(guilds: Sequence[Guild]) -> str | None:
    """The id of the first of ``guilds`` (a handle's, in the pod's order), or None."""
    return guilds[0].id if guilds else None


def json_object(text: str, where: str) -> dict[str, Any]:
    """The JSON object that starts at the first ``{`` of ``text`` (what a probe prints before
    it is skipped; only blank space may follow it). Raises ValueError: ``no JSON object found in
    <where>``, ``failed to parse JSON: ...``, or ``the JSON is not an object``."""
    start = text.find("{")
    if start < 0:
        raise ValueError(f"no JSON object found in {where}")
    try:
        value, end = json.JSONDecoder().raw_decode(text, start)
    except json.JSONDecodeError as exc:
        raise ValueError(f"failed to parse JSON: {exc.msg}") from exc
    if text[end:].strip():
        raise ValueError("failed to parse JSON: extra data after the object")
    if not isinstance(value, dict):
        raise ValueError("the JSON is not an object")
    return value
