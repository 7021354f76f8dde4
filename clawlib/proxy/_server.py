"""The proxy's HTTP application: authenticate, route, forward, stream back, count, log."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from ._auth import AuthError, ContextCache, authenticate, parse_bearer
from ._costs import CostLedger, Prices, Usage, price_of, usage_of_json, usage_of_sse_line
from ._providers import Provider, Route, RouteError, route_anthropic, route_openai

__all__ = ["ProxyConfig", "make_app"]

LogSink = Callable[[str], None]

_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "trailers",
        "transfer-encoding",
        "upgrade",
    }
)
# Besides the hop-by-hop ones: the agent's credentials (its token may come in either), what
# aiohttp recomputes (host, length), and the encoding (the proxy reads the body).
_NOT_FORWARDED = _HOP_BY_HOP | {
    "authorization",
    "x-api-key",
    "accept-encoding",
    "host",
    "content-length",
    "content-type",
}
# The body is re-framed (chunked) and already decoded by the client session.
_NOT_RETURNED = _HOP_BY_HOP | {"content-length", "content-encoding"}
_MAX_CAPTURE = 32 * 1024 * 1024
# A plain answer up to this size is read whole and sent back in one write (headers and body).
_WHOLE = 1024 * 1024


class StdoutLines:
    """The default log sink: lines to stdout, written and flushed by the end of the event
    loop's current turn, all the lines of a turn in one write (under load, several requests
    start or finish in one turn); at once when no loop is running. :meth:`flush` writes what
    is pending (the process calls it when the loop has stopped)."""

    def __init__(self) -> None:
        self._pending: list[str] = []

    def __call__(self, line: str) -> None:
        if not self._pending:
            try:
                asyncio.get_running_loop().call_soon(self.flush)
            except RuntimeError:  # no loop: nothing would flush it later
                self._pending.append(line)
                self.flush()
                return
        self._pending.append(line)

    def flush(self) -> None:
        if self._pending:
            text = "\n".join(self._pending) + "\n"
            self._pending.clear()
            sys.stdout.write(text)
            sys.stdout.flush()


@dataclass(frozen=True)
class ProxyConfig:
    """What the application serves with."""

    context_root: Path
    providers: Mapping[str, Provider]
    prices: Prices
    log: LogSink = field(default_factory=StdoutLines)
    connect_timeout: float = 30.0
    ledger: CostLedger = field(default_factory=CostLedger)
    context_settle: float = 2.0
    """Seconds an agent's context files must have been unchanged before the proxy keeps them
    in memory (see :class:`ContextCache`)."""


CONFIG = web.AppKey("config", ProxyConfig)
_CONTEXTS = web.AppKey("contexts", ContextCache)
_SESSION = web.AppKey("session", aiohttp.ClientSession)


def make_app(config: ProxyConfig) -> web.Application:
    """The proxy application: ``POST /v1/chat/completions``, ``POST /v1/messages[/...]``,
    ``GET /health``."""
    app = web.Application()
    app[CONFIG] = config
    app[_CONTEXTS] = ContextCache(config.context_root, config.context_settle)
    app.cleanup_ctx.append(_client_session)
    app.router.add_get("/health", _health)
    app.router.add_route("*", "/v1/chat/completions", _chat)
    app.router.add_route("*", "/v1/messages", _messages)
    app.router.add_route("*", "/v1/messages/{tail:.*}", _messages)
    return app


async def _client_session(app: web.Application) -> AsyncIterator[None]:
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=app[CONFIG].connect_timeout)
    # No Accept-Encoding of its own: the upstream answers in plain text, which the proxy reads.
    # No cookie jar (as upstream's Go client): a cookie an upstream sets goes back to the agent
    # that got it, never into other agents' requests. No cap on connections (aiohttp's default
    # is 100): a pod's agents may hold more streams than that open at once.
    async with aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=0),
        timeout=timeout,
        skip_auto_headers=("Accept-Encoding",),
        cookie_jar=aiohttp.DummyCookieJar(),
    ) as session:
        app[_SESSION] = session
        yield


async def _health(request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": {"message": message}}, status=status)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class _Exchange:
    """One request's log context."""

    config: ProxyConfig
    agent: str = ""
    model: str | None = None
    started: float = field(default_factory=time.monotonic)

    def log(self, kind: str, **fields: Any) -> None:
        line: dict[str, Any] = {"ts": _now(), "claw_id": self.agent, "type": kind}
        if self.model is not None:
            line["model"] = self.model
        if kind != "request":
            line["latency_ms"] = round((time.monotonic() - self.started) * 1000)
        line.update(fields)
        line["intervention"] = None
        self.config.log(json.dumps(line, separators=(",", ":"), ensure_ascii=False))

    def fail(self, status: int, message: str) -> web.Response:
        self.log("error", status_code=status, error=message)
        return _error(status, message)


async def _chat(request: web.Request) -> web.StreamResponse:
    return await _handle(request, anthropic=False)


async def _messages(request: web.Request) -> web.StreamResponse:
    return await _handle(request, anthropic=True)


def _credentials(request: web.Request, *, anthropic: bool) -> str:
    """The agent's credentials as an Authorization value: that header, or on the messages
    endpoint without one, the ``X-Api-Key`` an Anthropic client sends its key as (a governed
    claw's key is its proxy token)."""
    authorization = request.headers.get("Authorization", "")
    api_key = request.headers.get("X-Api-Key", "").strip()
    if anthropic and not authorization.strip() and api_key:
        return f"Bearer {api_key}"
    return authorization


async def _handle(request: web.Request, *, anthropic: bool) -> web.StreamResponse:
    config = request.app[CONFIG]
    exchange = _Exchange(config)
    if request.method != "POST":
        return _error(405, "method not allowed")
    try:
        agent, secret = parse_bearer(_credentials(request, anthropic=anthropic))
        exchange.agent = agent
        contexts = request.app[_CONTEXTS]
        context = contexts.cached(agent)
        if context is None:  # not kept yet, or changed: read in a worker thread
            context = await asyncio.to_thread(contexts.load, agent)
        authenticate(context, secret)
    except AuthError as exc:
        return exchange.fail(exc.status, exc.message)
    try:
        body = json.loads(await request.read())
    except ValueError:
        return exchange.fail(400, "invalid JSON body")
    if not isinstance(body, dict):
        return exchange.fail(400, "invalid JSON body")
    model = body.get("model")
    if not isinstance(model, str) or not model.strip():
        return exchange.fail(400, "missing model field")
    exchange.model = model
    try:
        route = (route_anthropic if anthropic else route_openai)(model, config.providers)
        auth = _auth_headers(route.provider)
    except RouteError as exc:
        return exchange.fail(exc.status, exc.message)
    body["model"] = route.model
    if not anthropic and body.get("stream") is True:
        options = body.get("stream_options")
        body["stream_options"] = {**(options if isinstance(options, dict) else {})}
        body["stream_options"]["include_usage"] = True
    headers = {k: v for k, v in request.headers.items() if k.lower() not in _NOT_FORWARDED}
    headers.update(auth)
    headers["Content-Type"] = "application/json"
    url = route.provider.base_url.rstrip("/") + request.path.removeprefix("/v1")
    if request.query_string:
        url += "?" + request.query_string
    exchange.log("request")
    return await _forward(request, exchange, route, url, headers, body)


def _auth_headers(provider: Provider) -> dict[str, str]:
    if provider.auth == "none":
        return {}
    if provider.auth not in {"bearer", "x-api-key"}:
        raise RouteError(502, f'provider "{provider.name}": unknown auth mode "{provider.auth}"')
    if not provider.api_key:
        raise RouteError(502, "provider API key not configured")
    if provider.auth == "bearer":
        return {"Authorization": f"Bearer {provider.api_key}"}
    return {"X-Api-Key": provider.api_key}


async def _forward(
    request: web.Request,
    exchange: _Exchange,
    route: Route,
    url: str,
    headers: dict[str, str],
    body: dict[str, Any],
) -> web.StreamResponse:
    session = request.app[_SESSION]
    payload = json.dumps(body, ensure_ascii=False).encode()
    response: web.StreamResponse
    try:
        async with session.post(url, data=payload, headers=headers) as upstream:
            returned = [
                (key, value)
                for key, value in upstream.headers.items()
                if key.lower() not in _NOT_RETURNED
            ]
            if _whole(upstream):
                answer = await upstream.read()
                response = web.Response(
                    status=upstream.status, reason=upstream.reason, body=answer, headers=returned
                )
                usage = usage_of_json(answer) or Usage()
            else:
                response = web.StreamResponse(
                    status=upstream.status, reason=upstream.reason, headers=returned
                )
                await response.prepare(request)
                try:
                    usage = await _relay(upstream, response)
                except (TimeoutError, aiohttp.ClientError) as exc:
                    exchange.log("error", status_code=upstream.status, error=_describe(exc))
                    return response
    except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
        exchange.log("error", status_code=502, error=f"upstream request failed: {_describe(exc)}")
        return _error(502, "upstream request failed")
    fields: dict[str, Any] = {"status_code": upstream.status}
    if usage.tokens_in or usage.tokens_out:
        cost = usage.cost(price_of(exchange.config.prices, route.provider.name, route.model))
        exchange.config.ledger.add(exchange.agent, route.provider.name, route.model, usage, cost)
        fields.update(tokens_in=usage.tokens_in, tokens_out=usage.tokens_out, cost_usd=cost)
    exchange.log("response", **fields)
    return response


def _whole(upstream: aiohttp.ClientResponse) -> bool:
    """Whether an answer is read whole and sent back in one write: a plain (not SSE) one of
    known length, at most ``_WHOLE`` bytes, not encoded (sent as it came, with its length)."""
    length = upstream.content_length
    return (
        length is not None
        and length <= _WHOLE
        and upstream.content_type != "text/event-stream"
        and upstream.headers.get("Content-Encoding", "identity").lower() == "identity"
    )


async def _relay(upstream: aiohttp.ClientResponse, response: web.StreamResponse) -> Usage:
    """Write the upstream's body back chunk by chunk as it arrives (the last one with the end
    of the body, when the upstream's end came with it) and find its usage."""
    sse = upstream.content_type == "text/event-stream"
    usage, captured, pending = Usage(), bytearray(), b""
    async for chunk in upstream.content.iter_any():
        if upstream.content.at_eof():
            await response.write_eof(chunk)
        else:
            await response.write(chunk)
        if sse:
            *lines, pending = (pending + chunk).split(b"\n")
            for line in lines:
                usage = usage.merged(usage_of_sse_line(line) or Usage())
        elif len(captured) < _MAX_CAPTURE:
            captured += chunk
    await response.write_eof()
    if sse:
        return usage.merged(usage_of_sse_line(pending) or Usage())
    return usage_of_json(bytes(captured)) or Usage()


def _describe(exc: BaseException) -> str:
    """An exception's class, not its text: a client error's text may hold the URL."""
    return type(exc).__name__
