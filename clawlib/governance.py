"""Wire a pod's governed claws to its one governance proxy (pure, but for reading kept tokens).

:func:`govern` finds the governed claws, checks that they name one proxy type whose service
name is free, gives every agent a token (the one its ``metadata.json`` on disk already holds
when it is well formed, so that re-planning changes nothing; else a new one), and returns the
proxy's compose service, its runtime files and each governed claw with its :class:`ProxyLink`.

The proxy's runtime directory is ``.claw-runtime/<proxy>/``, like any service's:
``context/<agent-id>/{AGENTS.md, CLAWDAPUS.md, metadata.json}`` (mounted read-only; each
``metadata.json`` holds a token: written 0600, never shown) and ``auth/`` (mounted read-write;
the operator's ``providers.json`` goes there, and claw never removes what it finds in it; a
README is planned there so that the directory exists after a write).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from clawlib.compose import ProxyService, service_names
from clawlib.errors import ClawError, PodError, PodProblem
from clawlib.generated import RUNTIME_DIR, open_dir, read_entry
from clawlib.pod import Pod
from clawlib.runtime import (
    AUTH_DIR,
    CONTEXT_DIR,
    DEFAULT_PROXY_IMAGE,
    NewToken,
    ProxyLink,
    ResolvedClaw,
    agent_ids,
    context_files,
    normalise_proxy_type,
    proxy_healthcheck,
    proxy_service_name,
    proxy_type_problem,
    token_in_metadata,
)
from clawlib.secrets import mask_value

__all__ = [
    "CLAW_PROXY_ENV",
    "Governance",
    "GovernedFile",
    "govern",
    "ignored_proxy_env",
    "is_proxy_auth_dir",
]

CLAW_PROXY_ENV = {"CLAW_CONTEXT_ROOT": "/claw/context", "CLAW_AUTH_DIR": "/claw/auth"}
"""The proxy's own variables (with ``CLAW_POD``), which ``cllama-env`` cannot change."""

AUTH_README = """\
# Governance proxy credentials

This directory is mounted read-write at /claw/auth in the governance proxy.
Put the proxy's provider registry here as providers.json: {"providers": {...}}, one entry
per provider name with its base_url, api_key, auth and api_format.

claw writes this README and never removes or reads anything else in this directory.
Keep provider keys out of the claws: they get only their own proxy token (CLLAMA_TOKEN).
"""


@dataclass(frozen=True, slots=True)
class GovernedFile:
    """A file of the proxy's runtime directory, relative to the pod directory."""

    path: str
    content: bytes
    secret: bool = False


@dataclass(frozen=True)
class Governance:
    """A governed pod's proxy and what wiring the claws to it takes."""

    proxy: ProxyService
    claws: Mapping[str, ResolvedClaw]
    """Each governed claw with its :class:`ProxyLink` (only those)."""
    tokens: Mapping[str, str]
    """Agent id → token, for every agent of every governed claw."""
    files: tuple[GovernedFile, ...]
    warnings: tuple[PodProblem, ...] = ()

    def replica_tokens(self, claw: ResolvedClaw) -> tuple[str, ...]:
        """The token of each replica of ``claw``, by ordinal."""
        return tuple(self.tokens[agent] for agent in agent_ids(claw.service, claw.count))


def is_proxy_auth_dir(path: str) -> bool:
    """Whether ``path`` (relative to the pod directory) is a proxy's auth directory, whose
    files are the operator's (``.claw-runtime/cllama[-<type>]/auth``)."""
    parts = path.split("/")
    return (
        len(parts) == 3
        and parts[0] == RUNTIME_DIR
        and (parts[1] == "cllama" or parts[1].startswith("cllama-"))
        and parts[2] == AUTH_DIR
    )


def ignored_proxy_env(pod: Pod, claws: Mapping[str, ResolvedClaw]) -> list[PodProblem]:
    """A warning for each claw that is not governed but sets ``cllama-env``."""
    return [
        pod.problem(
            ("services", name, "x-claw", "cllama-env"),
            "ignored: the claw is not governed (no x-claw.cllama, no CLLAMA in its image)",
        )
        for name, claw in claws.items()
        if not claw.cllama and (service := pod.services[name].claw) and service.cllama_env
    ]


def govern(
    pod: Pod,
    claws: Mapping[str, ResolvedClaw],
    new_token: NewToken,
    rotate: Collection[str] = (),
) -> Governance | None:
    """The governance of ``pod`` given its resolved ``claws`` (None: no claw is governed).
    The agents of the claws named in ``rotate`` get new tokens instead of the kept ones.

    Raises :class:`PodError` when the claws name more than one proxy type, a type that cannot
    name a service, or one whose service name a pod service already has.
    """
    governed = {name: claw for name, claw in claws.items() if claw.cllama}
    warnings: list[PodProblem] = []
    if not governed:
        return None
    users: dict[str, list[str]] = {}
    for name, claw in governed.items():
        for kind in dict.fromkeys(normalise_proxy_type(k) for k in claw.cllama):
            users.setdefault(kind, []).append(name)
    if len(users) > 1:
        named = "; ".join(f"{kind} ({', '.join(names)})" for kind, names in sorted(users.items()))
        raise PodError(
            pod.display,
            [
                pod.problem(
                    ("services",),
                    f"a pod runs one governance proxy type, and its claws name {len(users)}: "
                    f"{named}",
                )
            ],
        )
    (kind,) = users
    invalid = proxy_type_problem(kind)
    if invalid is not None:
        first = users[kind][0]
        raise PodError(pod.display, [pod.problem(("services", first), invalid)])
    name = proxy_service_name(kind)
    compose_names = {
        rendered: service.name
        for service in pod.services.values()
        for rendered in service_names(service.name, service.claw.count if service.claw else 1)
    }
    if name in pod.services or name in compose_names:
        clash = pod.services[name].name if name in pod.services else compose_names[name]
        raise PodError(
            pod.display,
            [
                pod.problem(
                    ("services", clash),
                    f"the governed claws ({', '.join(users[kind])}) need a governance proxy "
                    f'service named "{name}", and this service has that name: rename it',
                )
            ],
        )
    ids = [agent for claw in governed.values() for agent in agent_ids(claw.service, claw.count)]
    rotated = {a for s in rotate if s in governed for a in agent_ids(s, governed[s].count)}
    kept = {a: t for a, t in _kept_tokens(pod, name, ids).items() if a not in rotated}
    tokens = {agent: kept.get(agent) or new_token(agent) for agent in ids}
    # Each claw's list, normalised, is now this one type (written "PassThrough" or twice).
    linked = {
        service: dataclasses.replace(
            claw,
            cllama=(kind,),
            proxy=ProxyLink(name, kind, tokens[agent_ids(claw.service, claw.count)[0]]),
        )
        for service, claw in governed.items()
    }
    base = f"{RUNTIME_DIR}/{name}"
    files = [GovernedFile(f"{base}/{AUTH_DIR}/README.md", AUTH_README.encode())]
    for claw in linked.values():
        files += [
            GovernedFile(f"{base}/{CONTEXT_DIR}/{path}", content, secret)
            for path, (content, secret) in context_files(claw, tokens).items()
        ]
    environment = {"CLAW_POD": pod.name, **CLAW_PROXY_ENV}
    environment.update(_proxy_env(pod, list(governed), warnings))
    image = pod.claw.cllama_image or DEFAULT_PROXY_IMAGE
    proxy = ProxyService(name, kind, image, environment, tuple(proxy_healthcheck(kind)))
    return Governance(proxy, linked, tokens, tuple(files), tuple(warnings))


def _proxy_env(pod: Pod, governed: list[str], warnings: list[PodProblem]) -> dict[str, str]:
    """The union of the governed claws' ``cllama-env`` (first in the pod file wins), with a
    warning for each key two claws set differently (values never shown), each variable nothing
    sets, and each of claw's own variables (ignored)."""
    merged: dict[str, str] = {}
    source: dict[str, str] = {}
    for name in governed:
        service = pod.services[name]
        assert service.claw is not None
        where = ("services", name, "x-claw", "cllama-env")
        for key, value in service.claw.cllama_env.items():
            if key == "CLAW_POD" or key in CLAW_PROXY_ENV:
                warnings.append(
                    pod.problem((*where, key), f"{key} is set by claw for the proxy; ignored")
                )
            elif key not in merged:
                merged[key], source[key] = value, name
                if mask_value(key, value) != value:
                    warnings.append(
                        pod.problem(
                            (*where, key),
                            f"{key} is written as it is into compose.generated.yml (0600): "
                            f"write ${{{key}}} and keep the value in .env, so that no key is "
                            "written to disk by claw",
                        )
                    )
            elif merged[key] != value:
                warnings.append(
                    pod.problem(
                        (*where, key),
                        f'{key} differs from the value service "{source[key]}" gives it; the '
                        f'proxy gets "{source[key]}"\'s (the first in the pod file)',
                    )
                )
        for key, variable in service.unset_proxy_env:
            warnings.append(
                pod.problem(
                    (*where, key),
                    f"${{{variable}}} is not set (in .env or the environment): compose will "
                    "pass the proxy an empty value",
                )
            )
    return merged


def _kept_tokens(pod: Pod, proxy: str, ids: list[str]) -> dict[str, str]:
    """The well-formed tokens the agents' ``metadata.json`` files on disk hold (read without
    following links; anything missing, unreadable or malformed is left out)."""
    kept: dict[str, str] = {}
    try:
        with open_dir(pod.directory) as root:
            for agent in ids:
                path = f"{RUNTIME_DIR}/{proxy}/{CONTEXT_DIR}/{agent}/metadata.json"
                try:
                    entry = read_entry(root, path, 64 * 1024)
                except (OSError, ClawError):
                    continue
                token = token_in_metadata(entry.content, agent) if entry.kind == "file" else None
                if token is not None:
                    kept[agent] = token
    except OSError:
        return {}
    return kept
