"""The governance proxy, served on a real socket in front of a fake provider on another."""

from __future__ import annotations

import asyncio
import hmac
import json
import os
import pkgutil
import signal
import sys
import time
import tomllib
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

import clawlib
from clawlib.proxy import (
    AuthError,
    ContextCache,
    CostLedger,
    Price,
    Provider,
    ProxyConfig,
    Usage,
    healthcheck,
    load_context,
    load_prices,
    load_providers,
    make_app,
    price_of,
    usage_of_json,
    usage_of_sse_line,
)
from clawlib.proxy._server import StdoutLines

SECRET = "ab" * 24
TOKEN = f"alice:{SECRET}"
KEY = "sk-real-provider-key"


class Upstream:
    """A fake provider: records each request, answers JSON or (``stream``) SSE in pieces."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, dict[str, str], dict]] = []
        app = web.Application()
        app.router.add_post("/v1/{tail:.*}", self.answer)
        self.server = TestServer(app, host="127.0.0.1", port=0)

    async def answer(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.seen.append((request.path_qs, dict(request.headers), body))
        if request.path == "/v1/messages":
            usage = {"input_tokens": 1000, "output_tokens": 2000}
            return web.json_response({"id": "m", "usage": usage}, headers={"X-Up": "1"})
        if not body.get("stream"):
            usage = {"prompt_tokens": 1_000_000, "completion_tokens": 500_000}
            return web.json_response({"id": "c", "usage": usage}, headers={"X-Up": "1"})
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        await response.write(b'data: {"choices":[{"delta":{"content":"hi"}}]}\n\n')
        await response.write(b'data: {"usage":{"prompt_tokens":10,')
        await response.write(b'"completion_tokens":20}}\n\ndata: [DONE]\n\n')
        await response.write_eof()
        return response

    def url(self) -> str:
        return str(self.server.make_url("/v1"))


@pytest.fixture
async def upstream():
    fake = Upstream()
    await fake.server.start_server()
    yield fake
    await fake.server.close()


def _context(root: Path, agent: str, token: str | None = TOKEN) -> None:
    directory = root / agent
    directory.mkdir(parents=True)
    (directory / "AGENTS.md").write_text("contract")
    (directory / "CLAWDAPUS.md").write_text("clawdapus")
    metadata = {"pod": "p", "service": agent, "type": "openclaw"}
    if token is not None:
        metadata["token"] = token
    (directory / "metadata.json").write_text(json.dumps(metadata))


class Proxy:
    def __init__(self, root: Path, providers: dict[str, Provider]) -> None:
        self.lines: list[str] = []
        self.ledger = CostLedger()
        config = ProxyConfig(
            context_root=root,
            providers=providers,
            prices=load_prices(None),
            log=self.lines.append,
            ledger=self.ledger,
        )
        self.server = TestServer(make_app(config), host="127.0.0.1", port=0)

    def logs(self) -> list[dict]:
        return [json.loads(line) for line in self.lines]

    async def post(self, path: str, body: object, token: str | None = TOKEN, **headers: str):
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.server.make_url(path), data=data, headers=headers) as response,
        ):
            return response.status, dict(response.headers), await response.read()


async def _proxy(tmp_path: Path, providers: dict[str, Provider]) -> Proxy:
    _context(tmp_path, "alice")
    proxy = Proxy(tmp_path, providers)
    await proxy.server.start_server()
    return proxy


@pytest.fixture
async def proxy(tmp_path, upstream):
    providers = {
        "openai": Provider("openai", upstream.url(), KEY),
        "anthropic": Provider("anthropic", upstream.url(), KEY, "x-api-key", "anthropic"),
    }
    made = await _proxy(tmp_path, providers)
    yield made
    await made.server.close()


def _error(message: str) -> bytes:
    return json.dumps({"error": {"message": message}}).encode()


async def test_health_and_405(proxy):
    async with aiohttp.ClientSession() as session:
        async with session.get(proxy.server.make_url("/health")) as response:
            assert (response.status, await response.json()) == (200, {"ok": True})
        async with session.get(proxy.server.make_url("/v1/chat/completions")) as response:
            assert response.status == 405
            assert await response.read() == _error("method not allowed")


@pytest.mark.parametrize(
    ("token", "status", "message"),
    [
        (None, 401, "invalid bearer token"),
        ("alice", 401, "invalid bearer token"),
        (":x", 401, "invalid bearer token"),
        ("alice:", 401, "invalid bearer token"),
        ("bob:" + SECRET, 403, "agent context not found"),
        ("..:" + SECRET, 403, "agent context not found"),
        ("alice/..:" + SECRET, 403, "agent context not found"),
        ("alice:" + "cd" * 24, 403, "invalid agent secret"),
    ],
)
async def test_auth_refusals(proxy, upstream, token, status, message):
    got = await proxy.post("/v1/chat/completions", {"model": "openai/gpt-4o"}, token)
    assert got[0] == status
    assert got[2] == _error(message)
    assert upstream.seen == []


async def test_traversal_id_is_not_found_even_when_a_context_exists_above(tmp_path, upstream):
    _context(tmp_path / "root", "alice")
    proxy = Proxy(tmp_path / "root", {"openai": Provider("openai", upstream.url(), KEY)})
    (tmp_path / "AGENTS.md").write_text("x")
    (tmp_path / "CLAWDAPUS.md").write_text("x")
    (tmp_path / "metadata.json").write_text(json.dumps({"token": SECRET}))
    await proxy.server.start_server()
    try:
        got = await proxy.post("/v1/chat/completions", {"model": "openai/gpt-4o"}, f"..:{SECRET}")
        assert (got[0], got[2]) == (403, _error("agent context not found"))
    finally:
        await proxy.server.close()


async def test_secret_is_compared_in_constant_time(proxy, monkeypatch):
    calls = []
    compare = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return compare(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    got = await proxy.post("/v1/chat/completions", {"model": "openai/gpt-4o"})
    assert got[0] == 200
    assert calls == [(SECRET.encode(), SECRET.encode())]


async def test_chat_routes_with_prefix_stripped_and_real_key_only(proxy, upstream):
    status, headers, body = await proxy.post(
        "/v1/chat/completions?x=1",
        {"model": "OpenAI/gpt-4o-2024", "messages": []},
        **{"X-Custom": "kept", "X-Api-Key": TOKEN, "Accept-Encoding": "gzip", "TE": "x"},
    )
    assert status == 200
    assert json.loads(body)["id"] == "c"
    assert headers["X-Up"] == "1"
    path, sent, forwarded = upstream.seen[0]
    assert path == "/v1/chat/completions?x=1"
    assert forwarded == {"model": "gpt-4o-2024", "messages": []}
    assert sent["Authorization"] == f"Bearer {KEY}"
    assert sent["X-Custom"] == "kept"
    assert sent["Content-Type"] == "application/json"
    assert "X-Api-Key" not in sent
    assert "Accept-Encoding" not in sent
    assert "TE" not in sent
    assert SECRET not in json.dumps(sent)
    # 1M in at 2.50 + 0.5M out at 10 (gpt-4o by longest prefix)
    totals = proxy.ledger.totals()[("alice", "openai", "gpt-4o-2024")]
    assert (totals.tokens_in, totals.tokens_out, totals.cost_usd, totals.requests) == (
        1_000_000,
        500_000,
        7.5,
        1,
    )


async def test_log_lines_have_exact_keys_and_no_secrets(proxy):
    await proxy.post("/v1/chat/completions", {"model": "openai/gpt-4o"})
    await proxy.post("/v1/chat/completions", {"model": "nope"})
    logs = proxy.logs()
    assert [sorted(line) for line in logs] == [
        ["claw_id", "intervention", "model", "ts", "type"],
        [
            "claw_id",
            "cost_usd",
            "intervention",
            "latency_ms",
            "model",
            "status_code",
            "tokens_in",
            "tokens_out",
            "ts",
            "type",
        ],
        ["claw_id", "error", "intervention", "latency_ms", "model", "status_code", "ts", "type"],
    ]
    assert [line["type"] for line in logs] == ["request", "response", "error"]
    assert logs[1]["status_code"] == 200
    assert (logs[1]["tokens_in"], logs[1]["tokens_out"], logs[1]["cost_usd"]) == (
        1_000_000,
        500_000,
        7.5,
    )
    assert logs[2]["error"] == "model must be provider-prefixed: <provider>/<model>"
    assert all(line["claw_id"] == "alice" and line["intervention"] is None for line in logs)
    assert logs[0]["ts"].endswith("Z")
    text = "\n".join(proxy.lines)
    assert SECRET not in text
    assert KEY not in text


async def test_streaming_passes_chunks_and_counts_usage(proxy, upstream):
    status, headers, body = await proxy.post(
        "/v1/chat/completions", {"model": "openai/gpt-4o-mini", "stream": True}
    )
    assert status == 200
    assert headers["Content-Type"] == "text/event-stream"
    assert body == (
        b'data: {"choices":[{"delta":{"content":"hi"}}]}\n\n'
        b'data: {"usage":{"prompt_tokens":10,"completion_tokens":20}}\n\ndata: [DONE]\n\n'
    )
    assert upstream.seen[0][2]["stream_options"] == {"include_usage": True}
    response = proxy.logs()[-1]
    assert (response["tokens_in"], response["tokens_out"]) == (10, 20)
    assert response["cost_usd"] == pytest.approx(10 / 1e6 * 0.15 + 20 / 1e6 * 0.60)


async def test_messages_go_to_anthropic_with_prefix_stripped(proxy, upstream):
    status, _, _ = await proxy.post(
        "/v1/messages",
        {"model": "anthropic/claude-sonnet-4-6-x"},
        **{"Anthropic-Version": "2023-06-01", "Anthropic-Beta": "b"},
    )
    assert status == 200
    path, sent, forwarded = upstream.seen[0]
    assert path == "/v1/messages"
    assert forwarded == {"model": "claude-sonnet-4-6-x"}
    assert sent["X-Api-Key"] == KEY
    assert "Authorization" not in sent
    assert (sent["Anthropic-Version"], sent["Anthropic-Beta"]) == ("2023-06-01", "b")
    totals = proxy.ledger.totals()[("alice", "anthropic", "claude-sonnet-4-6-x")]
    assert (totals.tokens_in, totals.tokens_out) == (1000, 2000)
    assert totals.cost_usd == pytest.approx(1000 / 1e6 * 3 + 2000 / 1e6 * 15)


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (b"{", 400, "invalid JSON body"),
        ({"messages": []}, 400, "missing model field"),
        ({"model": "gpt-4o"}, 400, "model must be provider-prefixed: <provider>/<model>"),
        ({"model": "mistral/large"}, 502, "unknown provider"),
        (
            {"model": "anthropic/claude-sonnet-4"},
            502,
            'provider "anthropic" uses anthropic format but request is openai format; '
            "configure openrouter for format bridging",
        ),
    ],
)
async def test_chat_refusals(proxy, upstream, body, status, message):
    got = await proxy.post("/v1/chat/completions", body)
    assert (got[0], got[2]) == (status, _error(message))
    assert upstream.seen == []


async def test_openrouter_takes_unknown_providers_and_bridges_anthropic(tmp_path, upstream):
    providers = {
        "openrouter": Provider("openrouter", upstream.url(), "or-key"),
        "anthropic": Provider("anthropic", upstream.url(), KEY, "x-api-key", "anthropic"),
    }
    proxy = await _proxy(tmp_path, providers)
    try:
        for model in ("mistral/large", "anthropic/claude-sonnet-4-6"):
            assert (await proxy.post("/v1/chat/completions", {"model": model}))[0] == 200
    finally:
        await proxy.server.close()
    assert [(seen[2]["model"], seen[1]["Authorization"]) for seen in upstream.seen] == [
        ("mistral/large", "Bearer or-key"),
        ("anthropic/claude-sonnet-4-6", "Bearer or-key"),
    ]
    assert proxy.logs()[-1]["cost_usd"] == pytest.approx(1e6 / 1e6 * 3 + 0.5e6 / 1e6 * 15)


async def test_missing_key_and_missing_anthropic_are_502(tmp_path, upstream):
    proxy = await _proxy(tmp_path, {"openai": Provider("openai", upstream.url())})
    try:
        chat = await proxy.post("/v1/chat/completions", {"model": "openai/gpt-4o"})
        messages = await proxy.post("/v1/messages", {"model": "claude-opus-4"})
    finally:
        await proxy.server.close()
    assert (chat[0], chat[2]) == (502, _error("provider API key not configured"))
    assert (messages[0], messages[2]) == (502, _error("anthropic provider not configured"))
    assert upstream.seen == []


async def test_unreachable_upstream_is_502(tmp_path):
    proxy = await _proxy(tmp_path, {"openai": Provider("openai", "http://127.0.0.1:1/v1", KEY)})
    try:
        got = await proxy.post("/v1/chat/completions", {"model": "openai/gpt-4o"})
    finally:
        await proxy.server.close()
    assert (got[0], got[2]) == (502, _error("upstream request failed"))
    assert KEY not in "\n".join(proxy.lines)


@pytest.mark.parametrize("agent", ["..", ".", "a/../alice", "alice\x00", "a\\b"])
def test_an_id_leaving_the_context_root_is_not_found(tmp_path, agent):
    _context(tmp_path, "alice")
    with pytest.raises(AuthError) as caught:
        load_context(tmp_path, agent)
    assert (caught.value.status, caught.value.message) == (403, "agent context not found")
    assert load_context(tmp_path, "alice").metadata["token"] == TOKEN


def test_providers_file_and_environment(tmp_path):
    (tmp_path / "providers.json").write_text(
        json.dumps({"providers": {"OpenAI": {"api_key": "file"}, "x": {"base_url": "http://x"}}})
    )
    env = {"OPENAI_API_KEY": "env", "ANTHROPIC_API_KEY": "a", "OLLAMA_BASE_URL": "http://o/v1"}
    assert load_providers(tmp_path, env) == {
        "openai": Provider("openai", "https://api.openai.com/v1", "env"),
        "x": Provider("x", "http://x"),
        "anthropic": Provider(
            "anthropic", "https://api.anthropic.com/v1", "a", "x-api-key", "anthropic"
        ),
        "ollama": Provider("ollama", "http://o/v1", "", "none"),
    }
    assert load_providers(tmp_path / "missing", {}) == {}


def test_prices_longest_prefix_and_override(tmp_path):
    prices = load_prices(None)
    assert price_of(prices, "openai", "gpt-4.1-mini-2025") == Price(0.40, 1.60)
    assert price_of(prices, "openai", "gpt-4.1") == Price(2, 8)
    assert price_of(prices, "openai", "gpt-3.5") is None
    path = tmp_path / "prices.json"
    path.write_text(json.dumps({"openai": {"gpt-4o": {"input": 1, "output": 2}}}))
    assert price_of(load_prices(path), "openai", "gpt-4o-mini") == Price(0.15, 0.60)
    assert price_of(load_prices(path), "openai", "gpt-4o-x") == Price(1, 2)


async def test_healthcheck_exit_codes(proxy, unused_tcp_port):
    # In a thread: the server answers on this test's event loop.
    assert await asyncio.to_thread(healthcheck, proxy.server.port) == 0
    assert await asyncio.to_thread(healthcheck, unused_tcp_port) == 1
    for port, code in ((proxy.server.port, 0), (unused_tcp_port, 1)):
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "clawlib.proxy",
            "-healthcheck",
            env={"LISTEN_ADDR": f":{port}", "PYTHONPATH": os.pathsep.join(sys.path)},
        )
        assert await process.wait() == code


def test_nothing_else_imports_the_proxy_or_aiohttp():
    """The import-linter contract names every other clawlib module."""
    config = tomllib.loads(
        Path(clawlib.__file__).parent.parent.joinpath("pyproject.toml").read_text()
    )
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["id"] == "proxy")
    modules = {f"clawlib.{m.name}" for m in pkgutil.iter_modules(clawlib.__path__)} - {
        "clawlib.proxy"
    }
    assert set(contract["source_modules"]) == modules | {"clawtui"}
    assert contract["forbidden_modules"] == ["aiohttp", "clawlib.proxy"]


async def test_a_stream_is_written_back_before_the_upstream_finishes(tmp_path):
    release = asyncio.Event()

    async def slow(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        await response.write(b"data: first\n\n")
        await release.wait()
        await response.write(b"data: second\n\n")
        await response.write_eof()
        return response

    app = web.Application()
    app.router.add_post("/v1/chat/completions", slow)
    fake = TestServer(app, host="127.0.0.1", port=0)
    await fake.start_server()
    proxy = await _proxy(tmp_path, {"openai": Provider("openai", str(fake.make_url("/v1")), KEY)})
    headers = {"Authorization": f"Bearer {TOKEN}"}
    body = {"model": "openai/gpt-4o", "stream": True}
    try:
        async with (
            aiohttp.ClientSession() as session,
            session.post(
                proxy.server.make_url("/v1/chat/completions"), json=body, headers=headers
            ) as response,
        ):
            first = await asyncio.wait_for(response.content.readuntil(b"\n\n"), 5)
            release.set()
            rest = await response.read()
    finally:
        await proxy.server.close()
        await fake.close()
    assert (first, rest) == (b"data: first\n\n", b"data: second\n\n")


def test_anthropic_stream_usage_adds_up_across_events():
    lines = [
        b'data: {"type":"message_start","message":{"usage":{"input_tokens":7,"output_tokens":1}}}',
        b"event: content_block_delta",
        b'data: {"type":"message_delta","usage":{"output_tokens":42}}',
        b"data: [DONE]",
    ]
    usage = Usage()
    for line in lines:
        usage = usage.merged(usage_of_sse_line(line) or Usage())
    assert usage == Usage(7, 42)
    assert usage_of_json(b'{"usage":{"input_tokens":3,"output_tokens":4}}') == Usage(3, 4)
    assert usage_of_json(b"not json") is None


async def test_the_process_serves_and_stops_on_sigterm(tmp_path, unused_tcp_port):
    _context(tmp_path, "alice")
    env = {
        "LISTEN_ADDR": f"127.0.0.1:{unused_tcp_port}",
        "CLAW_CONTEXT_ROOT": str(tmp_path),
        "CLAW_AUTH_DIR": str(tmp_path / "auth"),
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "clawlib.proxy",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stderr is not None
    assert process.stdout is not None
    try:
        line = await asyncio.wait_for(process.stderr.readline(), 20)
        assert line == f"cllama api listening on 127.0.0.1:{unused_tcp_port}\n".encode()
        assert await asyncio.to_thread(healthcheck, unused_tcp_port) == 0
        async with (
            aiohttp.ClientSession() as session,
            session.post(f"http://127.0.0.1:{unused_tcp_port}/v1/chat/completions") as response,
        ):
            assert response.status == 401
        process.send_signal(signal.SIGTERM)
        logged = await asyncio.wait_for(process.stdout.read(), 20)
        assert await asyncio.wait_for(process.wait(), 20) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    lines = [json.loads(line) for line in logged.splitlines()]
    assert [(line["type"], line["error"]) for line in lines] == [("error", "invalid bearer token")]


async def test_scheme_is_case_insensitive_and_stored_tokens_are_checked(proxy, tmp_path):
    _context(tmp_path, "bob", token=None)
    _context(tmp_path, "carol", token=f"alice:{SECRET}")
    _context(tmp_path, "dave", token=f"Bearer {SECRET}")
    body = {"model": "openai/gpt-4o"}
    for scheme in ("bearer", "BEARER"):
        got = await proxy.post(
            "/v1/chat/completions", body, None, Authorization=f"{scheme} {TOKEN}"
        )
        assert got[0] == 200
    assert (await proxy.post("/v1/chat/completions", body, f"bob:{SECRET}"))[2] == _error(
        "invalid agent secret"
    )
    assert (await proxy.post("/v1/chat/completions", body, f"carol:{SECRET}"))[2] == _error(
        "invalid agent secret"
    )
    assert (await proxy.post("/v1/chat/completions", body, f"dave:{SECRET}"))[0] == 200


def _replace(path: Path, text: str) -> None:
    """Write a file as claw does: a new file renamed into place."""
    temp = path.with_name(path.name + ".tmp")
    temp.write_text(text)
    os.replace(temp, path)


def test_context_cache_keeps_a_settled_context_until_a_file_changes(tmp_path):
    _context(tmp_path, "alice")
    cache = ContextCache(tmp_path, clock=lambda: time.time() + 3600)
    assert cache.cached("alice") is None
    first = cache.load("alice")
    assert cache.cached("alice") is first
    # A rotated token, renamed into place with the same length.
    metadata = tmp_path / "alice" / "metadata.json"
    _replace(metadata, metadata.read_text().replace(TOKEN, "alice:" + "cd" * 24))
    assert cache.cached("alice") is None
    assert cache.load("alice").metadata["token"] == "alice:" + "cd" * 24
    # A file written in place.
    (tmp_path / "alice" / "AGENTS.md").write_text("a longer contract")
    assert cache.cached("alice") is None
    assert cache.load("alice").agents_md == "a longer contract"
    assert cache.cached("alice") is not None
    # A file removed.
    (tmp_path / "alice" / "CLAWDAPUS.md").unlink()
    assert cache.cached("alice") is None
    with pytest.raises(AuthError) as caught:
        cache.load("alice")
    assert (caught.value.status, caught.value.message) == (403, "agent context not found")


def test_context_cache_does_not_keep_files_that_changed_lately(tmp_path):
    _context(tmp_path, "alice")
    now = time.time()
    fresh = ContextCache(tmp_path, settle=2.0, clock=lambda: now)
    assert fresh.load("alice").agent == "alice"
    assert fresh.cached("alice") is None
    settled = ContextCache(tmp_path, settle=2.0, clock=lambda: now + 2.5)
    settled.load("alice")
    assert settled.cached("alice") is not None


@pytest.mark.parametrize("agent", ["..", "a/../alice", "bob"])
def test_context_cache_keeps_nothing_it_cannot_load(tmp_path, agent):
    _context(tmp_path, "alice")
    cache = ContextCache(tmp_path, clock=lambda: time.time() + 3600)
    with pytest.raises(AuthError):
        cache.load(agent)
    assert cache.cached(agent) is None


async def test_a_rotated_token_counts_from_the_next_request(tmp_path, upstream):
    _context(tmp_path, "alice")
    lines: list[str] = []
    config = ProxyConfig(
        context_root=tmp_path,
        providers={"openai": Provider("openai", upstream.url(), KEY)},
        prices=load_prices(None),
        log=lines.append,
        context_settle=0.0,
    )
    server = TestServer(make_app(config), host="127.0.0.1", port=0)
    await server.start_server()
    rotated = "alice:" + "cd" * 24
    url = server.make_url("/v1/chat/completions")
    body = {"model": "openai/gpt-4o"}

    async def status(session: aiohttp.ClientSession, token: str) -> int:
        headers = {"Authorization": f"Bearer {token}"}
        async with session.post(url, json=body, headers=headers) as response:
            return response.status

    try:
        async with aiohttp.ClientSession() as session:
            assert [await status(session, TOKEN) for _ in range(2)] == [200, 200]
            metadata = tmp_path / "alice" / "metadata.json"
            _replace(metadata, metadata.read_text().replace(TOKEN, rotated))
            assert (await status(session, TOKEN), await status(session, rotated)) == (403, 200)
            (tmp_path / "alice" / "AGENTS.md").unlink()
            assert await status(session, rotated) == 403
    finally:
        await server.close()
    assert json.loads(lines[-1])["error"] == "agent context not found"


def test_sse_usage_is_found_however_its_key_is_spelt():
    assert usage_of_sse_line(b'data: {"choices":[{"delta":{"content":"hi"}}]}') is None
    assert usage_of_sse_line(b'data: {"choices":[{"delta":{"content":"usage"}}]}') is None
    escaped = b'data: {"\\u0075sage":{"prompt_tokens":3,"completion_tokens":4}}'
    assert json.loads(escaped[6:]) == {"usage": {"prompt_tokens": 3, "completion_tokens": 4}}
    assert usage_of_sse_line(escaped) == Usage(3, 4)
    assert usage_of_sse_line(b'data:{"usage":{"input_tokens":5}}\r') == Usage(5, 0)
    assert usage_of_sse_line(b"data: [DONE]") is None


async def test_a_plain_answer_keeps_its_length_or_comes_back_chunked(tmp_path):
    answer = json.dumps({"id": "c", "usage": {"prompt_tokens": 3, "completion_tokens": 4}})

    async def sized(request: web.Request) -> web.StreamResponse:
        return web.json_response(text=answer)

    async def chunked(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        await response.write(answer[:9].encode())
        await response.write(answer[9:].encode())
        await response.write_eof()
        return response

    app = web.Application()
    app.router.add_post("/sized/chat/completions", sized)
    app.router.add_post("/chunked/chat/completions", chunked)
    fake = TestServer(app, host="127.0.0.1", port=0)
    await fake.start_server()
    providers = {
        name: Provider(name, str(fake.make_url(f"/{name}")), KEY) for name in ("sized", "chunked")
    }
    proxy = await _proxy(tmp_path, providers)
    try:
        sized_answer = await proxy.post("/v1/chat/completions", {"model": "sized/m"})
        chunked_answer = await proxy.post("/v1/chat/completions", {"model": "chunked/m"})
    finally:
        await proxy.server.close()
        await fake.close()
    status, headers, body = sized_answer
    assert (status, body, headers["Content-Length"]) == (200, answer.encode(), str(len(answer)))
    assert "Transfer-Encoding" not in headers
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    status, headers, body = chunked_answer
    assert (status, body, headers["Transfer-Encoding"]) == (200, answer.encode(), "chunked")
    assert "Content-Length" not in headers
    assert [(line["tokens_in"], line["tokens_out"]) for line in proxy.logs()[1::2]] == [(3, 4)] * 2


class _Writes:
    """A stdout that records each write and counts flushes."""

    def __init__(self) -> None:
        self.writes: list[str] = []
        self.flushes = 0

    def write(self, text: str) -> int:
        self.writes.append(text)
        return len(text)

    def flush(self) -> None:
        self.flushes += 1


async def test_log_lines_of_one_loop_turn_go_out_in_one_write(monkeypatch):
    out = _Writes()
    monkeypatch.setattr(sys, "stdout", out)
    log = StdoutLines()
    log('{"n":1}')
    log('{"n":2}')
    assert out.writes == []
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert (out.writes, out.flushes) == (['{"n":1}\n{"n":2}\n'], 1)
    log('{"n":3}')
    log.flush()
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert (out.writes[1:], out.flushes) == (['{"n":3}\n'], 2)


def test_log_lines_without_a_loop_go_out_at_once(monkeypatch):
    out = _Writes()
    monkeypatch.setattr(sys, "stdout", out)
    log = StdoutLines()
    log('{"n":1}')
    log('{"n":2}')
    assert (out.writes, out.flushes) == (['{"n":1}\n', '{"n":2}\n'], 2)


async def test_the_proxy_keeps_no_cookie_of_one_agent_for_another(tmp_path):
    cookies: list[str | None] = []

    async def answer(request: web.Request) -> web.StreamResponse:
        cookies.append(request.headers.get("Cookie"))
        response = web.json_response({"id": "c"})
        response.set_cookie("__cf_bm", "x" * 16, domain="localhost", path="/")
        return response

    app = web.Application()
    app.router.add_post("/v1/chat/completions", answer)
    fake = TestServer(app, host="127.0.0.1", port=0)
    await fake.start_server()
    # A host name, not an address: a cookie jar keeps no cookie of an IP address.
    url = f"http://localhost:{fake.port}/v1"
    _context(tmp_path, "bob", token=f"bob:{SECRET}")
    proxy = await _proxy(tmp_path, {"openai": Provider("openai", url, KEY)})
    try:
        first = await proxy.post("/v1/chat/completions", {"model": "openai/m"})
        second = await proxy.post("/v1/chat/completions", {"model": "openai/m"}, f"bob:{SECRET}")
    finally:
        await proxy.server.close()
        await fake.close()
    assert (first[0], second[0]) == (200, 200)
    assert first[1]["Set-Cookie"].startswith("__cf_bm=" + "x" * 16)
    assert cookies == [None, None]


async def test_upstream_requests_are_not_capped_at_a_pool_size(tmp_path):
    count = 120
    arrived: list[int] = []
    everyone = asyncio.Event()

    async def answer(request: web.Request) -> web.StreamResponse:
        arrived.append(1)
        if len(arrived) == count:
            everyone.set()
        try:
            await asyncio.wait_for(everyone.wait(), 5)
        except TimeoutError:
            return web.json_response({"waited": len(arrived)}, status=504)
        return web.json_response({"id": "c"})

    app = web.Application()
    app.router.add_post("/v1/chat/completions", answer)
    fake = TestServer(app, host="127.0.0.1", port=0)
    await fake.start_server()
    proxy = await _proxy(tmp_path, {"openai": Provider("openai", str(fake.make_url("/v1")), KEY)})
    url = proxy.server.make_url("/v1/chat/completions")
    headers = {"Authorization": f"Bearer {TOKEN}"}

    async def one(session: aiohttp.ClientSession) -> int:
        async with session.post(url, json={"model": "openai/m"}, headers=headers) as response:
            return response.status

    try:
        connector = aiohttp.TCPConnector(limit=0)
        async with aiohttp.ClientSession(connector=connector) as session:
            statuses = await asyncio.gather(*(one(session) for _ in range(count)))
    finally:
        await proxy.server.close()
        await fake.close()
    assert statuses == [200] * count


async def test_an_anthropic_client_authenticates_with_its_x_api_key(proxy, upstream):
    """The Anthropic SDK sends its key (a governed claw's ANTHROPIC_API_KEY, its proxy token) as
    X-Api-Key, not as a bearer token: on the messages endpoint that authenticates the agent, and
    it never reaches the provider (which gets the real key)."""
    status, _, _ = await proxy.post(
        "/v1/messages", {"model": "claude-sonnet-4"}, None, **{"X-Api-Key": TOKEN}
    )
    assert status == 200
    _, sent, _ = upstream.seen[0]
    assert sent["X-Api-Key"] == KEY
    assert proxy.logs()[0]["claw_id"] == "alice"
    wrong = await proxy.post(
        "/v1/messages", {"model": "claude-sonnet-4"}, None, **{"X-Api-Key": "alice:" + "cd" * 24}
    )
    assert wrong[:1] == (403,)
    assert wrong[2] == _error("invalid agent secret")
    # Only where an Anthropic client talks: the chat endpoint still wants the bearer token.
    chat = await proxy.post(
        "/v1/chat/completions", {"model": "openai/gpt-4o"}, None, **{"X-Api-Key": TOKEN}
    )
    assert chat[0] == 401
    assert len(upstream.seen) == 1
