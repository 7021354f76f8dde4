"""The governance proxy: the process a governed pod's ``cllama`` service runs
(``python -m clawlib.proxy``), a passthrough in the manner of upstream's reference cllama.

It stands on its own: it reads the files ``claw up`` writes (``clawlib.runtime``'s context
layout and token format) but imports nothing else of clawlib, nothing of clawlib imports it,
and it alone needs aiohttp (the ``proxy`` extra).

The contract, point by point, and what we chose where upstream is unclear:

- Listens on ``LISTEN_ADDR`` (Go's ``[host]:port``, default ``:8080`` = every interface). Only
  the API server: the reference's UI server (``:8081``, dashboard and ``/costs/api``) is not
  here; the cost totals are kept in memory (:class:`CostLedger`, reset on restart) for it.
- Environment: ``CLAW_CONTEXT_ROOT`` (``/claw/context``), ``CLAW_AUTH_DIR`` (``/claw/auth``),
  the provider keys and base URLs below, and ``CLLAMA_PRICES``. ``CLAW_POD`` is not read.
- Routes: ``POST /v1/chat/completions`` (OpenAI format), ``POST /v1/messages`` and
  ``/v1/messages/<anything>`` (Anthropic format; e.g. ``count_tokens``), ``GET /health`` →
  ``{"ok":true}``. Another method on an API route is 405. Every error body is
  ``{"error":{"message":"..."}}``.
- Auth: ``Authorization: Bearer <agent-id>:<secret>`` (scheme in any case, split at the first
  colon, both parts non-empty) else 401 ``invalid bearer token``. Then
  ``<root>/<agent-id>/{AGENTS.md,CLAWDAPUS.md,metadata.json}`` must all exist and the metadata
  be a JSON object, else 403 ``agent context not found``; an id holding ``/``, ``\\``, NUL or
  being ``.``/``..`` is treated as not found (upstream does not guard it). The secret is checked
  against ``metadata.token`` (an optional ``Bearer `` prefix dropped; ``<agent>:<secret>`` must
  name this agent when its agent part is non-empty; a token without a colon is the bare secret)
  with :func:`hmac.compare_digest`, else 403 ``invalid agent secret``. On the messages endpoint
  a request without an Authorization header may present the same ``<agent-id>:<secret>`` as
  ``X-Api-Key``, the header the Anthropic SDK sends its key in (upstream reads only
  Authorization, so a governed Anthropic client such as nanoclaw was refused); the header is
  never forwarded.
  The files are what counts on each request: a context is kept in memory only while none of
  its three files has changed (each request stats them; :class:`ContextCache`), so a rotated
  token or a removed context takes effect on the next request.
- Spec items not implemented, as in the reference passthrough: the ``CLAW_ALLOWED_MODELS``
  allow-list, decoration, policy blocking, rate limiting, drift scoring, interventions (every
  log line says ``"intervention": null``).
- Providers: ``<auth dir>/providers.json`` = ``{"providers": {"<name>": {"base_url",
  "api_key", "auth", "api_format"}}}`` (missing is fine, names lower-cased, a field left out
  takes the default), then the environment: ``OPENAI_API_KEY``, ``ANTHROPIC_API_KEY``,
  ``OPENROUTER_API_KEY`` and ``OPENAI_/ANTHROPIC_/OPENROUTER_/OLLAMA_BASE_URL`` set that field,
  adding the provider with its defaults (a base URL alone adds one too, which is how ollama,
  whose auth is ``none``, gets configured from the environment). A malformed providers.json
  stops the process at start (exit 2) rather than serving without it.
- Routing, chat endpoint: ``model`` must be ``<provider>/<model>`` (400 ``invalid JSON body``,
  ``missing model field``, ``model must be provider-prefixed: <provider>/<model>``). An unknown
  provider goes to OpenRouter as ``<provider>/<model>`` if it is configured, else 502
  ``unknown provider``; an Anthropic-format provider likewise goes to OpenRouter, else 502
  ``provider "<p>" uses anthropic format but request is openai format; configure openrouter for
  format bridging``. Otherwise the prefix is stripped.
- Routing, messages endpoint: always the ``anthropic`` provider (else 502 ``anthropic provider
  not configured``); other headers, ``Anthropic-Version`` and ``Anthropic-Beta`` among them,
  pass through. Unlike upstream, a leading ``anthropic/`` is stripped from the model: claw's
  openclaw wiring keeps model ids provider-prefixed, which Anthropic would refuse.
- Forwarding: upstream URL = base URL (trailing ``/`` trimmed) + path without its leading
  ``/v1`` + query. Request headers are copied but hop-by-hop ones, ``Authorization``,
  ``X-Api-Key``, ``Accept-Encoding``, ``Host`` and ``Content-Length``; ``Content-Type`` is JSON.
  Provider auth ``bearer`` → ``Authorization: Bearer <key>``, ``x-api-key`` → ``X-Api-Key``,
  ``none`` → nothing; no key → 502 ``provider API key not configured``; another mode → 502. The
  agent's token never leaves the proxy. A transport failure → 502 ``upstream request failed``.
  Like upstream's Go client, the proxy keeps no cookies (an upstream's ``Set-Cookie`` goes back
  to the agent it answered, never into another's request) and does not cap its connections.
- Streaming: a chat request with ``"stream": true`` gets ``stream_options.include_usage``
  set. The response (status and headers but hop-by-hop, ``Content-Length`` and
  ``Content-Encoding``) is written back chunk by chunk as it arrives; a plain (not SSE)
  answer of known length, at most 1 MiB and not encoded, is read whole and written back in
  one piece with its length (an upstream that fails before its end then gets the agent a 502).
- Usage: from the JSON body's ``usage`` (``prompt_tokens``/``completion_tokens``, or
  Anthropic's ``input_tokens``/``output_tokens``), or from the SSE ``data:`` events carrying a
  usage (``[DONE]`` ignored; later non-zero counts win, so Anthropic's ``message_start`` input
  and ``message_delta`` output add up).
- Cost: USD per million tokens by (provider, upstream model): its entry, else the longest entry
  that prefixes it, else 0. Built-in table as upstream's; a JSON file
  ``{"<provider>": {"<model>": {"input": n, "output": n}}}`` replaces entries: the path in
  ``CLLAMA_PRICES``, else ``<auth dir>/prices.json`` when it exists.
- Logs: one JSON object per line on stdout: ``ts`` (RFC 3339 UTC, milliseconds), ``claw_id``,
  ``type`` (``request`` before forwarding, then ``response`` or ``error``), ``model`` (as the
  agent asked, once known), ``latency_ms``, ``status_code`` (not on ``request``), ``tokens_in``,
  ``tokens_out``, ``cost_usd`` (when usage was found), ``error`` (on ``error``),
  ``intervention: null``. Never a key, a token or an upstream URL. Refusals (401, 403, 400,
  502) are logged as ``error``; a 405 is not. Lines are written and flushed by the end of the
  event loop's turn in which they were made, the lines of one turn in one write.
- ``--healthcheck`` (also ``-healthcheck``, as the compose healthcheck calls it): GET
  ``http://127.0.0.1:<port>/health`` with a 3 s timeout, exit 0 only on 200.
- SIGTERM/SIGINT: aiohttp's runner stops accepting and gives in-flight requests 10 s.
"""

from ._auth import (
    AgentContext,
    AuthError,
    ContextCache,
    authenticate,
    load_context,
    parse_bearer,
)
from ._costs import (
    DEFAULT_PRICES,
    CostLedger,
    Price,
    Totals,
    Usage,
    load_prices,
    price_of,
    usage_of_json,
    usage_of_sse_line,
)
from ._main import healthcheck, main, parse_listen_addr
from ._providers import Provider, Route, RouteError, load_providers, route_anthropic, route_openai
from ._server import ProxyConfig, make_app

__all__ = [
    "DEFAULT_PRICES",
    "AgentContext",
    "AuthError",
    "ContextCache",
    "CostLedger",
    "Price",
    "Provider",
    "ProxyConfig",
    "Route",
    "RouteError",
    "Totals",
    "Usage",
    "authenticate",
    "healthcheck",
    "load_context",
    "load_prices",
    "load_providers",
    "main",
    "make_app",
    "parse_bearer",
    "parse_listen_addr",
    "price_of",
    "route_anthropic",
    "route_openai",
    "usage_of_json",
    "usage_of_sse_line",
]
