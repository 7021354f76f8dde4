"""The provider registry (``providers.json`` + environment) and the routing of a request to
one provider and upstream model."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

__all__ = ["Provider", "Route", "RouteError", "load_providers", "route_anthropic", "route_openai"]

_BASE_URLS = {
    "openai": "https://api.openai.com/v1",
    "anthropic": "https://api.anthropic.com/v1",
    "openrouter": "https://openrouter.ai/api/v1",
    "ollama": "http://ollama:11434/v1",
}
_KEY_ENV = {
    "openai": "OPENAI_API_KEY",
    "anthropic": "ANTHROPIC_API_KEY",
    "openrouter": "OPENROUTER_API_KEY",
}
_BASE_URL_ENV = {
    "openai": "OPENAI_BASE_URL",
    "anthropic": "ANTHROPIC_BASE_URL",
    "openrouter": "OPENROUTER_BASE_URL",
    "ollama": "OLLAMA_BASE_URL",
}


@dataclass(frozen=True, slots=True)
class Provider:
    """One upstream: where it is, its key, how the key is sent (``bearer``, ``x-api-key`` or
    ``none``) and the request format it speaks (``openai`` or ``anthropic``)."""

    name: str
    base_url: str
    api_key: str = ""
    auth: str = "bearer"
    api_format: str = "openai"

    @classmethod
    def default(cls, name: str) -> Provider:
        """The provider ``name`` with the defaults of the known ones."""
        return cls(
            name=name,
            base_url=_BASE_URLS.get(name, ""),
            auth={"anthropic": "x-api-key", "ollama": "none"}.get(name, "bearer"),
            api_format="anthropic" if name == "anthropic" else "openai",
        )


def load_providers(auth_dir: Path, env: Mapping[str, str]) -> dict[str, Provider]:
    """The registry: ``<auth_dir>/providers.json`` (``{"providers": {"<name>": {"base_url",
    "api_key", "auth", "api_format"}}}``; missing is empty; names lower-cased; a field left out
    takes the default), then the environment on top: a known provider's ``*_API_KEY`` or
    ``*_BASE_URL`` sets that field, adding the provider with its defaults if need be.

    Raises ValueError when the file exists but is not such a document.
    """
    providers: dict[str, Provider] = {}
    path = auth_dir / "providers.json"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    if text.strip():
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ValueError(f"{path}: not JSON: {exc}") from exc
        entries = data.get("providers", {}) if isinstance(data, dict) else None
        if not isinstance(entries, dict):
            raise ValueError(f'{path}: expected {{"providers": {{"<name>": {{...}}}}}}')
        for raw_name, entry in entries.items():
            name = raw_name.strip().lower()
            if not isinstance(entry, dict) or not all(
                isinstance(entry.get(field, ""), str)
                for field in ("base_url", "api_key", "auth", "api_format")
            ):
                raise ValueError(f"{path}: providers.{raw_name}: expected an object of strings")
            base = Provider.default(name)
            providers[name] = Provider(
                name=name,
                base_url=entry.get("base_url") or base.base_url,
                api_key=entry.get("api_key") or "",
                auth=(entry.get("auth") or base.auth).lower(),
                api_format=(entry.get("api_format") or base.api_format).lower(),
            )
    for name, variable in _KEY_ENV.items():
        if key := env.get(variable, ""):
            providers[name] = replace(providers.get(name) or Provider.default(name), api_key=key)
    for name, variable in _BASE_URL_ENV.items():
        if url := env.get(variable, ""):
            providers[name] = replace(providers.get(name) or Provider.default(name), base_url=url)
    return providers


@dataclass(frozen=True, slots=True)
class Route:
    """Where a request goes: the provider and the model it is asked for upstream."""

    provider: Provider
    model: str


class RouteError(Exception):
    """A request that cannot be routed: the HTTP status and message to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def route_openai(model: str, providers: Mapping[str, Provider]) -> Route:
    """Route a chat-completions ``model`` (``<provider>/<model>``).

    An unknown provider goes through OpenRouter (as ``<provider>/<model>``) when it is
    configured; so does a provider that speaks the Anthropic format, which this endpoint
    cannot send it.
    """
    prefix, slash, rest = model.partition("/")
    name = prefix.strip().lower()
    if not slash or not name or not rest:
        raise RouteError(400, "model must be provider-prefixed: <provider>/<model>")
    openrouter = providers.get("openrouter") if name != "openrouter" else None
    provider = providers.get(name)
    if provider is None:
        if openrouter is None:
            raise RouteError(502, "unknown provider")
        return Route(openrouter, f"{name}/{rest}")
    if provider.api_format == "anthropic":
        if openrouter is None:
            raise RouteError(
                502,
                f'provider "{name}" uses anthropic format but request is openai format; '
                "configure openrouter for format bridging",
            )
        return Route(openrouter, f"{name}/{rest}")
    return Route(provider, rest)


def route_anthropic(model: str, providers: Mapping[str, Provider]) -> Route:
    """Route a messages-endpoint ``model``: always to the ``anthropic`` provider, with an
    ``anthropic/`` prefix stripped (openclaw keeps its model ids provider-prefixed)."""
    provider = providers.get("anthropic")
    if provider is None:
        raise RouteError(502, "anthropic provider not configured")
    prefix, slash, rest = model.partition("/")
    if slash and prefix.strip().lower() == "anthropic" and rest:
        return Route(provider, rest)
    return Route(provider, model)
