"""Token usage found in a response, its price, and the running totals per agent and model."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

__all__ = [
    "DEFAULT_PRICES",
    "CostLedger",
    "Price",
    "Prices",
    "Totals",
    "Usage",
    "load_prices",
    "price_of",
    "usage_of_json",
    "usage_of_sse_line",
]


@dataclass(frozen=True, slots=True)
class Price:
    """USD per million input and output tokens."""

    input: float
    output: float


Prices = Mapping[str, Mapping[str, Price]]
"""Provider → model (or model prefix) → price."""

DEFAULT_PRICES: Prices = {
    "anthropic": {
        "claude-sonnet-4": Price(3, 15),
        "claude-sonnet-4-6": Price(3, 15),
        "claude-haiku-3-5": Price(0.80, 4),
        "claude-haiku-4-5": Price(0.80, 4),
        "claude-opus-4": Price(15, 75),
        "claude-opus-4-6": Price(15, 75),
    },
    "openai": {
        "gpt-4o": Price(2.50, 10),
        "gpt-4o-mini": Price(0.15, 0.60),
        "gpt-4.1": Price(2, 8),
        "gpt-4.1-mini": Price(0.40, 1.60),
        "gpt-4.1-nano": Price(0.10, 0.40),
        "o3": Price(2, 8),
        "o4-mini": Price(1.10, 4.40),
    },
    "openrouter": {
        "anthropic/claude-sonnet-4": Price(3, 15),
        "anthropic/claude-haiku-3-5": Price(0.80, 4),
        "google/gemini-2.5-pro": Price(1.25, 10),
        "google/gemini-2.5-flash": Price(0.15, 0.60),
    },
}


def load_prices(path: Path | None) -> Prices:
    """The built-in prices with ``path``'s on top when given: ``{"<provider>": {"<model>":
    {"input": <usd per M>, "output": <usd per M>}}}``; an entry replaces the built-in one.

    Raises ValueError when the file is not such a document, OSError when it cannot be read.
    """
    prices = {provider: dict(models) for provider, models in DEFAULT_PRICES.items()}
    if path is None:
        return prices
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ValueError(f"{path}: not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ValueError(f'{path}: expected {{"<provider>": {{"<model>": {{...}}}}}}')
    for provider, models in data.items():
        if not isinstance(models, dict):
            raise ValueError(f"{path}: {provider}: expected an object of models")
        for model, entry in models.items():
            rates = [entry.get(k) if isinstance(entry, dict) else None for k in ("input", "output")]
            numbers = [float(r) for r in rates if isinstance(r, int | float)]
            if len(numbers) != 2 or any(isinstance(r, bool) for r in rates):
                raise ValueError(
                    f'{path}: {provider}.{model}: expected {{"input": <number>, '
                    '"output": <number>}'
                )
            prices.setdefault(provider.lower(), {})[model] = Price(*numbers)
    return prices


def price_of(prices: Prices, provider: str, model: str) -> Price | None:
    """The price of ``model`` at ``provider``: its own entry, else the longest entry that is a
    prefix of it, else None."""
    models = prices.get(provider, {})
    if model in models:
        return models[model]
    prefixes = [key for key in models if model.startswith(key)]
    return models[max(prefixes, key=len)] if prefixes else None


@dataclass(frozen=True, slots=True)
class Usage:
    """Tokens in and out of one exchange."""

    tokens_in: int = 0
    tokens_out: int = 0

    def merged(self, other: Usage) -> Usage:
        """This usage with ``other``'s non-zero counts on top (SSE events report in pieces)."""
        return Usage(other.tokens_in or self.tokens_in, other.tokens_out or self.tokens_out)

    def cost(self, price: Price | None) -> float:
        """What the tokens cost at ``price`` (0 unpriced)."""
        if price is None:
            return 0.0
        return self.tokens_in / 1e6 * price.input + self.tokens_out / 1e6 * price.output


def _count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _usage_in(data: object) -> Usage | None:
    """The usage object of a response or event: OpenAI's ``usage.prompt_tokens`` and
    ``completion_tokens``, Anthropic's ``usage.input_tokens`` and ``output_tokens`` (also under
    ``message`` in a ``message_start`` event)."""
    if not isinstance(data, dict):
        return None
    usage = data.get("usage")
    if not isinstance(usage, dict):
        message = data.get("message")
        usage = message.get("usage") if isinstance(message, dict) else None
    if not isinstance(usage, dict):
        return None
    return Usage(
        _count(usage.get("prompt_tokens")) or _count(usage.get("input_tokens")),
        _count(usage.get("completion_tokens")) or _count(usage.get("output_tokens")),
    )


def usage_of_json(body: bytes) -> Usage | None:
    """The usage of a JSON response body, or None."""
    try:
        return _usage_in(json.loads(body))
    except ValueError:
        return None


def usage_of_sse_line(line: bytes) -> Usage | None:
    """The usage carried by one SSE line (``data: {...}``), or None (``[DONE]``, other
    fields, no usage)."""
    line = line.strip()
    if not line.startswith(b"data:"):
        return None
    payload = line[5:].strip()
    # Only an event holding the key "usage" (as such, or spelt with \u escapes) has one: the
    # content deltas, most of a stream, are not parsed.
    if b"usage" not in payload and b"\\u" not in payload:
        return None
    try:
        return _usage_in(json.loads(payload))
    except ValueError:
        return None


@dataclass(slots=True)
class Totals:
    """Running totals of one (agent, provider, model)."""

    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0
    requests: int = 0


class CostLedger:
    """Totals per (agent, provider, model), in memory: they start again with the process."""

    def __init__(self) -> None:
        self._totals: dict[tuple[str, str, str], Totals] = {}

    def add(self, agent: str, provider: str, model: str, usage: Usage, cost: float) -> None:
        """Count one exchange."""
        totals = self._totals.setdefault((agent, provider, model), Totals())
        totals.tokens_in += usage.tokens_in
        totals.tokens_out += usage.tokens_out
        totals.cost_usd += cost
        totals.requests += 1

    def totals(self) -> dict[tuple[str, str, str], Totals]:
        """A copy of the totals, by (agent, provider, model)."""
        return {key: replace(value) for key, value in self._totals.items()}
