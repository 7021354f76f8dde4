"""A FAKE language-model provider for the offline examples and the tests: no model, no network.

It answers OpenAI-format ``POST /v1/chat/completions`` with canned text and a ``usage`` block,
plain or streamed (server-sent events, the usage in a last chunk when the request asks for
``stream_options.include_usage``), and Anthropic-format ``POST /v1/messages`` the same way
(``usage.input_tokens``/``output_tokens``; streamed as Anthropic's events, the input tokens in
``message_start`` and the output tokens in ``message_delta``), so that the pod's governance
proxy has a provider to forward to for runners of either kind, and the operator sees real
requests, tokens and costs without any API key.

- ``FAKE_LLM_LISTEN``: ``[host]:port`` to listen on (default ``:8080``).
- ``FAKE_LLM_KEY``: the API key it expects: as ``Authorization: Bearer <key>`` for chat
  completions; as ``x-api-key: <key>`` (how Anthropic's API takes it) or the same bearer header
  for messages. Any other answer is a 401 in that API's error format. Unset: every request is
  accepted.
- ``FAKE_LLM_DELAY_MS``: time taken per answer, as if thinking (default 0); streamed answers
  spread it over their chunks.
- ``GET /health``: ``{"ok": true}``.
- ``GET /fake/requests``: the last 100 requests it received (method, path, headers, body),
  newest last, so that a test can check what the proxy forwarded. A real provider has no
  such route; this one is a fake.

Run: ``python3 fake_llm.py`` (needs aiohttp). One line per request on stdout.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from collections import deque
from typing import Any

from aiohttp import web

ANSWERS = (
    "The notes are up to date; nothing needs your attention.",
    "Three items were filed overnight; the summary is in the notes volume.",
    "No anomalies in the last hour. Next check in five minutes.",
    "I read the brief and drafted two follow-up questions for the team.",
    "All sources agree; confidence is high. Filed under research/today.",
)
SEEN: web.AppKey[deque[dict[str, Any]]] = web.AppKey("seen", deque)
COUNT: web.AppKey[list[int]] = web.AppKey("count", list)


def _tokens(text: str) -> int:
    """A rough token count: one per four characters, at least one."""
    return max(1, len(text) // 4)


def _prompt_text(body: dict[str, Any]) -> str:
    """The text of the request's messages (and of Anthropic's top-level ``system`` prompt)."""
    parts: list[str] = []
    system = body.get("system")
    if isinstance(system, str):
        parts.append(system)
    elif isinstance(system, list):
        parts.extend(str(p.get("text", "")) for p in system if isinstance(p, dict))
    for message in body.get("messages") or []:
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, str):
            parts.append(content)
        elif isinstance(content, list):
            parts.extend(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return " ".join(parts)


def _error(status: int, message: str, kind: str) -> web.Response:
    return web.json_response({"error": {"message": message, "type": kind}}, status=status)


def _anthropic_error(status: int, message: str, kind: str) -> web.Response:
    return web.json_response(
        {"type": "error", "error": {"type": kind, "message": message}}, status=status
    )


async def _received(request: web.Request) -> bytes:
    """The request's body, after keeping the request for ``GET /fake/requests``."""
    raw = await request.read()
    request.app[SEEN].append(
        {
            "method": request.method,
            "path": request.path_qs,
            "headers": dict(request.headers),
            "body": raw.decode("utf-8", "replace"),
        }
    )
    return raw


def _parsed(raw: bytes) -> dict[str, Any] | str:
    """The request's JSON object with a text ``model``, or what is wrong with it: ``"json"``
    (not JSON) or ``"model"`` (no such object)."""
    try:
        body = json.loads(raw)
    except ValueError:
        return "json"
    if not isinstance(body, dict) or not isinstance(body.get("model"), str):
        return "model"
    return body


def _answer(request: web.Request, body: dict[str, Any]) -> tuple[int, str, int, int]:
    """The next canned answer: its number, its text, and the tokens in and out."""
    count = request.app[COUNT]
    count[0] += 1
    text = ANSWERS[count[0] % len(ANSWERS)]
    return count[0], text, _tokens(_prompt_text(body)) + 12, _tokens(text)


def _delay() -> float:
    return int(os.environ.get("FAKE_LLM_DELAY_MS", "0") or 0) / 1000


async def chat(request: web.Request) -> web.StreamResponse:
    raw = await _received(request)
    key = os.environ.get("FAKE_LLM_KEY")
    if key and request.headers.get("Authorization") != f"Bearer {key}":
        print("fake-llm: 401 (wrong or missing key)", flush=True)
        return _error(401, "Incorrect API key provided.", "invalid_request_error")
    body = _parsed(raw)
    if body == "json":
        return _error(400, "We could not parse the JSON body of your request.", "invalid_json")
    if not isinstance(body, dict):
        return _error(400, "you must provide a model parameter", "invalid_request_error")
    number, text, tokens_in, tokens_out = _answer(request, body)
    model = body["model"]
    usage = {
        "prompt_tokens": tokens_in,
        "completion_tokens": tokens_out,
        "total_tokens": tokens_in + tokens_out,
    }
    stream = body.get("stream") is True
    print(
        f"fake-llm: {model} stream={str(stream).lower()} tokens={tokens_in}/{tokens_out}",
        flush=True,
    )
    delay = _delay()
    ident = f"chatcmpl-fake-{number}"
    created = int(time.time())
    if not stream:
        if delay:
            await asyncio.sleep(delay)
        return web.json_response(
            {
                "id": ident,
                "object": "chat.completion",
                "created": created,
                "model": model,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": text},
                        "finish_reason": "stop",
                    }
                ],
                "usage": usage,
            }
        )
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
    await response.prepare(request)
    words = text.split(" ")

    def event(delta: dict[str, Any], finish: str | None = None) -> bytes:
        chunk = {
            "id": ident,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
        return f"data: {json.dumps(chunk)}\n\n".encode()

    await response.write(event({"role": "assistant", "content": ""}))
    for i, word in enumerate(words):
        if delay:
            await asyncio.sleep(delay / len(words))
        await response.write(event({"content": word if i == 0 else " " + word}))
    await response.write(event({}, "stop"))
    options = body.get("stream_options")
    if isinstance(options, dict) and options.get("include_usage") is True:
        last = {
            "id": ident,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [],
            "usage": usage,
        }
        await response.write(f"data: {json.dumps(last)}\n\n".encode())
    await response.write(b"data: [DONE]\n\n")
    await response.write_eof()
    return response


async def messages(request: web.Request) -> web.StreamResponse:
    """Anthropic's ``POST /v1/messages``: the canned answer as a message, or (``stream``) as
    Anthropic's server-sent events."""
    raw = await _received(request)
    key = os.environ.get("FAKE_LLM_KEY")
    if (
        key
        and request.headers.get("x-api-key") != key
        and request.headers.get("Authorization") != f"Bearer {key}"
    ):
        print("fake-llm: 401 (wrong or missing key)", flush=True)
        return _anthropic_error(401, "invalid x-api-key", "authentication_error")
    body = _parsed(raw)
    if body == "json":
        message = "We could not parse the JSON body of your request."
        return _anthropic_error(400, message, "invalid_request_error")
    if not isinstance(body, dict):
        return _anthropic_error(400, "model: Field required", "invalid_request_error")
    number, text, tokens_in, tokens_out = _answer(request, body)
    model = body["model"]
    stream = body.get("stream") is True
    print(
        f"fake-llm: messages {model} stream={str(stream).lower()} tokens={tokens_in}/{tokens_out}",
        flush=True,
    )
    delay = _delay()
    message = {
        "id": f"msg_fake_{number}",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{"type": "text", "text": text}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": tokens_in, "output_tokens": tokens_out},
    }
    if not stream:
        if delay:
            await asyncio.sleep(delay)
        return web.json_response(message)
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
    await response.prepare(request)

    def event(data: dict[str, Any]) -> bytes:
        return f"event: {data['type']}\ndata: {json.dumps(data)}\n\n".encode()

    start = {
        **message,
        "content": [],
        "stop_reason": None,
        "usage": {"input_tokens": tokens_in, "output_tokens": 1},
    }
    await response.write(event({"type": "message_start", "message": start}))
    block = {"type": "text", "text": ""}
    await response.write(event({"type": "content_block_start", "index": 0, "content_block": block}))
    words = text.split(" ")
    for i, word in enumerate(words):
        if delay:
            await asyncio.sleep(delay / len(words))
        delta = {"type": "text_delta", "text": word if i == 0 else " " + word}
        await response.write(event({"type": "content_block_delta", "index": 0, "delta": delta}))
    await response.write(event({"type": "content_block_stop", "index": 0}))
    await response.write(
        event(
            {
                "type": "message_delta",
                "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                "usage": {"output_tokens": tokens_out},
            }
        )
    )
    await response.write(event({"type": "message_stop"}))
    await response.write_eof()
    return response


async def seen(request: web.Request) -> web.Response:
    return web.json_response(list(request.app[SEEN]))


async def health(request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


def make_app() -> web.Application:
    app = web.Application()
    app[SEEN] = deque(maxlen=100)
    app[COUNT] = [0]
    app.router.add_post("/v1/chat/completions", chat)
    app.router.add_post("/v1/messages", messages)
    app.router.add_get("/fake/requests", seen)
    app.router.add_get("/health", health)
    return app


async def serve(host: str, port: int) -> None:
    runner = web.AppRunner(make_app(), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host or None, port).start()
    print(f"fake-llm: a FAKE provider listening on {host or '*'}:{port}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await runner.cleanup()


def main() -> int:
    host, _, port = os.environ.get("FAKE_LLM_LISTEN", ":8080").rpartition(":")
    try:
        asyncio.run(serve(host.strip("[]"), int(port)))
    except (OSError, ValueError) as exc:
        print(f"fake-llm: cannot listen on {host}:{port}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
