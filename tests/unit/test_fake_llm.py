"""The examples' fake model provider (examples/fake-llm/fake_llm.py), served on a real socket:
OpenAI's chat completions and Anthropic's messages, plain and streamed, its key check in each
API's own error format, and both endpoints behind the governance proxy, which must find the
usage they report."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from clawlib.proxy import CostLedger, Provider, ProxyConfig, load_prices, make_app

SOURCE = Path(__file__).parents[2] / "examples" / "fake-llm" / "fake_llm.py"
KEY = "fake-key-for-the-tests"
SECRET = "cd" * 24


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fake_llm", SOURCE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


fake_llm = _load()


@pytest.fixture
async def fake(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("FAKE_LLM_KEY", KEY)
    monkeypatch.delenv("FAKE_LLM_DELAY_MS", raising=False)
    server = TestServer(fake_llm.make_app(), host="127.0.0.1", port=0)
    await server.start_server()
    yield server
    await server.close()


async def post(
    server: TestServer, path: str, body: object, **headers: str
) -> tuple[int, str, bytes]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    async with (
        aiohttp.ClientSession() as session,
        session.post(server.make_url(path), data=data, headers=headers) as response,
    ):
        return response.status, response.content_type, await response.read()


def sse_events(raw: bytes) -> list[tuple[str | None, Any]]:
    """(event name, decoded data) per server-sent event; ``[DONE]`` kept as the string."""
    events: list[tuple[str | None, Any]] = []
    for block in raw.decode().split("\n\n"):
        if not block.strip():
            continue
        name, data = None, None
        for line in block.split("\n"):
            if line.startswith("event: "):
                name = line.removeprefix("event: ")
            elif line.startswith("data: "):
                payload = line.removeprefix("data: ")
                data = payload if payload == "[DONE]" else json.loads(payload)
        events.append((name, data))
    return events


QUESTION = {"role": "user", "content": "Anything new since question 1? Answer in one sentence."}


# -- OpenAI: POST /v1/chat/completions ------------------------------------------------------


async def test_chat_answers_in_openai_format_with_usage(fake: TestServer) -> None:
    status, kind, raw = await post(
        fake,
        "/v1/chat/completions",
        {"model": "anthropic/claude-sonnet-4", "messages": [QUESTION]},
        Authorization=f"Bearer {KEY}",
    )
    assert (status, kind) == (200, "application/json")
    body = json.loads(raw)
    assert body["object"] == "chat.completion"
    assert body["model"] == "anthropic/claude-sonnet-4"
    text = body["choices"][0]["message"]["content"]
    assert text in fake_llm.ANSWERS
    assert body["choices"][0]["finish_reason"] == "stop"
    # One token per four characters of the prompt, plus 12; one per four of the answer.
    assert body["usage"] == {
        "prompt_tokens": len(QUESTION["content"]) // 4 + 12,
        "completion_tokens": len(text) // 4,
        "total_tokens": len(QUESTION["content"]) // 4 + 12 + len(text) // 4,
    }


async def test_chat_streams_and_sends_the_usage_when_asked(fake: TestServer) -> None:
    status, kind, raw = await post(
        fake,
        "/v1/chat/completions",
        {
            "model": "m/x",
            "stream": True,
            "stream_options": {"include_usage": True},
            "messages": [QUESTION],
        },
        Authorization=f"Bearer {KEY}",
    )
    assert (status, kind) == (200, "text/event-stream")
    events = [data for _, data in sse_events(raw)]
    assert events[-1] == "[DONE]"
    chunks = events[:-1]
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks if c["choices"])
    assert text in fake_llm.ANSWERS
    assert chunks[-1]["choices"] == []
    assert chunks[-1]["usage"]["completion_tokens"] == len(text) // 4


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"x-api-key": KEY}],
    ids=["none", "wrong", "x-api-key"],
)
async def test_chat_refuses_any_other_key(fake: TestServer, headers: dict[str, str]) -> None:
    status, _, raw = await post(
        fake, "/v1/chat/completions", {"model": "m/x", "messages": [QUESTION]}, **headers
    )
    assert status == 401
    assert json.loads(raw) == {
        "error": {"message": "Incorrect API key provided.", "type": "invalid_request_error"}
    }


# -- Anthropic: POST /v1/messages -------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [{"x-api-key": KEY, "anthropic-version": "2023-06-01"}, {"Authorization": f"Bearer {KEY}"}],
    ids=["x-api-key", "bearer"],
)
async def test_messages_answers_in_anthropic_format(
    fake: TestServer, headers: dict[str, str]
) -> None:
    question = {"role": "user", "content": [{"type": "text", "text": QUESTION["content"]}]}
    status, kind, raw = await post(
        fake,
        "/v1/messages",
        {"model": "claude-sonnet-4", "max_tokens": 64, "messages": [question]},
        **headers,
    )
    assert (status, kind) == (200, "application/json")
    body = json.loads(raw)
    assert set(body) == {
        "id", "type", "role", "model", "content", "stop_reason", "stop_sequence", "usage",
    }  # fmt: skip
    assert body["id"].startswith("msg_fake_")
    assert body["type"] == "message"
    assert (body["role"], body["model"]) == ("assistant", "claude-sonnet-4")
    assert (body["stop_reason"], body["stop_sequence"]) == ("end_turn", None)
    [block] = body["content"]
    assert block["type"] == "text"
    assert block["text"] in fake_llm.ANSWERS
    assert body["usage"] == {
        "input_tokens": len(QUESTION["content"]) // 4 + 12,
        "output_tokens": len(block["text"]) // 4,
    }


async def test_messages_counts_the_system_prompt(fake: TestServer) -> None:
    system = "You are a terse assistant. " * 8
    status, _, raw = await post(
        fake,
        "/v1/messages",
        {"model": "c", "max_tokens": 9, "system": system, "messages": [QUESTION]},
        **{"x-api-key": KEY},
    )
    assert status == 200
    expected = (len(system) + 1 + len(QUESTION["content"])) // 4 + 12
    assert json.loads(raw)["usage"]["input_tokens"] == expected


async def test_messages_streams_anthropic_events(fake: TestServer) -> None:
    status, kind, raw = await post(
        fake,
        "/v1/messages",
        {"model": "claude-sonnet-4", "max_tokens": 64, "stream": True, "messages": [QUESTION]},
        **{"x-api-key": KEY},
    )
    assert (status, kind) == (200, "text/event-stream")
    events = sse_events(raw)
    names = [name for name, _ in events]
    # Each event's name is its data's type.
    assert names == [data["type"] for _, data in events]
    assert names[:2] == ["message_start", "content_block_start"]
    assert names[-3:] == ["content_block_stop", "message_delta", "message_stop"]
    assert set(names[2:-3]) == {"content_block_delta"}
    start = events[0][1]["message"]
    assert (start["role"], start["model"], start["content"]) == ("assistant", "claude-sonnet-4", [])
    text = "".join(data["delta"]["text"] for name, data in events if name == "content_block_delta")
    assert text in fake_llm.ANSWERS
    prompt = len(QUESTION["content"]) // 4 + 12
    assert start["usage"] == {"input_tokens": prompt, "output_tokens": 1}
    delta = events[-2][1]
    assert delta["delta"] == {"stop_reason": "end_turn", "stop_sequence": None}
    assert delta["usage"] == {"output_tokens": len(text) // 4}


@pytest.mark.parametrize(
    "headers",
    [{}, {"x-api-key": "wrong"}, {"Authorization": "Bearer wrong"}, {"Authorization": KEY}],
    ids=["none", "wrong-x-api-key", "wrong-bearer", "not-bearer"],
)
async def test_messages_refuses_any_other_key(fake: TestServer, headers: dict[str, str]) -> None:
    status, _, raw = await post(
        fake, "/v1/messages", {"model": "c", "max_tokens": 9, "messages": [QUESTION]}, **headers
    )
    assert status == 401
    assert json.loads(raw) == {
        "type": "error",
        "error": {"type": "authentication_error", "message": "invalid x-api-key"},
    }


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "We could not parse the JSON body of your request."),
        (b"[]", "model: Field required"),
        (b'{"messages": []}', "model: Field required"),
        (b'{"model": 3}', "model: Field required"),
    ],
    ids=["not-json", "not-an-object", "no-model", "model-not-text"],
)
async def test_messages_refuses_a_bad_body(fake: TestServer, body: bytes, message: str) -> None:
    status, _, raw = await post(fake, "/v1/messages", body, **{"x-api-key": KEY})
    assert status == 400
    assert json.loads(raw) == {
        "type": "error",
        "error": {"type": "invalid_request_error", "message": message},
    }


async def test_messages_are_recorded(fake: TestServer) -> None:
    await post(fake, "/v1/messages", {"model": "c", "messages": []}, **{"x-api-key": KEY})
    async with (
        aiohttp.ClientSession() as session,
        session.get(fake.make_url("/fake/requests")) as response,
    ):
        [seen] = await response.json()
    assert (seen["method"], seen["path"]) == ("POST", "/v1/messages")
    assert seen["headers"]["x-api-key"] == KEY
    assert json.loads(seen["body"]) == {"model": "c", "messages": []}


# -- Behind the governance proxy --------------------------------------------------------------


@pytest.fixture
async def proxy(fake: TestServer, tmp_path: Path):
    agent = tmp_path / "roller"
    agent.mkdir()
    (agent / "AGENTS.md").write_text("contract")
    (agent / "CLAWDAPUS.md").write_text("clawdapus")
    metadata = {"pod": "p", "service": "roller", "type": "nanoclaw", "token": f"roller:{SECRET}"}
    (agent / "metadata.json").write_text(json.dumps(metadata))
    base = str(fake.make_url("/v1"))
    lines: list[str] = []
    config = ProxyConfig(
        context_root=tmp_path,
        providers={
            "anthropic": Provider("anthropic", base, KEY, "x-api-key", "anthropic"),
            "openrouter": Provider("openrouter", base, KEY),
        },
        prices=load_prices(None),
        log=lines.append,
        ledger=CostLedger(),
    )
    server = TestServer(make_app(config), host="127.0.0.1", port=0)
    await server.start_server()
    yield server, lines
    await server.close()


@pytest.mark.parametrize(
    ("path", "model", "stream"),
    [
        ("/v1/messages", "anthropic/claude-sonnet-4", False),
        ("/v1/messages", "claude-sonnet-4", True),
        ("/v1/chat/completions", "openrouter/anthropic/claude-sonnet-4", False),
        ("/v1/chat/completions", "openrouter/anthropic/claude-sonnet-4", True),
    ],
    ids=["messages", "messages-stream", "chat", "chat-stream"],
)
async def test_the_proxy_counts_what_the_fake_reports(
    proxy: tuple[TestServer, list[str]], path: str, model: str, stream: bool
) -> None:
    server, lines = proxy
    body = {"model": model, "max_tokens": 64, "stream": stream, "messages": [QUESTION]}
    status, _, _ = await post(server, path, body, Authorization=f"Bearer roller:{SECRET}")
    assert status == 200
    [response] = [log for log in map(json.loads, lines) if log["type"] == "response"]
    assert response["claw_id"] == "roller"
    assert response["status_code"] == 200
    assert response["tokens_in"] == len(QUESTION["content"]) // 4 + 12
    assert response["tokens_out"] > 1
    assert response["cost_usd"] > 0
