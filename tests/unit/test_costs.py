"""Folding the governance proxy's log: reading its lines (ours and upstream's), skipping what
is not one, the totals per agent and model, spend per minute, ``since``, and reading a log
again without counting it twice."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clawlib.costs import (
    MAX_AGENTS,
    MAX_FIELD,
    MAX_LINE,
    MAX_MODELS,
    OTHER_AGENTS,
    OTHER_MODELS,
    RECORD_TYPES,
    CostFold,
    CostTotals,
    ProxyRecord,
    format_usd,
    parse_record,
)
from clawlib.proxy import Provider
from tests.unit.test_proxy import KEY, Proxy, Upstream, _context

T0 = datetime(2026, 11, 30, 10, 0, 0, tzinfo=UTC)
SONNET = "openrouter/anthropic/claude-sonnet-4"
MINI = "openai/gpt-4o-mini"


def line(**fields: Any) -> str:
    """A proxy log line as our proxy writes it (compact JSON)."""
    return json.dumps(fields, separators=(",", ":"))


def at(seconds: float) -> str:
    when = T0 + timedelta(seconds=seconds)
    return when.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def response(agent: str, seconds: float, model: Any = SONNET, **extra: Any) -> str:
    fields: dict[str, Any] = {
        "ts": at(seconds),
        "claw_id": agent,
        "type": "response",
        "model": model,
        "latency_ms": 812,
        "status_code": 200,
        "tokens_in": 1000,
        "tokens_out": 200,
        "cost_usd": 0.25,
        "intervention": None,
    }
    fields.update(extra)
    return line(**fields)


# Reading one line.


def test_a_response_line_of_our_proxy() -> None:
    record = parse_record(response("scout-0", 1.5))
    assert record == ProxyRecord(
        time=T0 + timedelta(seconds=1.5),
        agent="scout-0",
        type="response",
        model=SONNET,
        status=200,
        latency_ms=812,
        tokens_in=1000,
        tokens_out=200,
        cost_usd=0.25,
        error="",
        intervention=None,
    )
    assert record.ended
    assert not record.failed


def test_request_error_and_intervention_lines() -> None:
    request = parse_record(line(ts=at(0), claw_id="analyst", type="request", model=MINI))
    assert request is not None
    assert (request.type, request.status, request.latency_ms, request.ended) == (
        "request",
        None,
        None,
        False,
    )
    refused = parse_record(
        line(
            ts=at(1),
            claw_id="",
            type="error",
            latency_ms=0,
            status_code=401,
            error="invalid bearer token",
            intervention=None,
        )
    )
    assert refused is not None
    assert (refused.agent, refused.model, refused.status, refused.error) == (
        "",
        "",
        401,
        "invalid bearer token",
    )
    assert refused.ended
    assert refused.failed
    # Upstream's own type, with a reason.
    blocked = parse_record(
        line(ts=at(2), claw_id="analyst", type="intervention", intervention="policy: blocked")
    )
    assert blocked is not None
    assert (blocked.type, blocked.intervention, blocked.ended) == (
        "intervention",
        "policy: blocked",
        False,
    )
    for status, failed in ((200, False), (399, False), (400, True), (429, True), (503, True)):
        record = parse_record(response("a", 0, status_code=status))
        assert record is not None
        assert record.failed is failed, status


def test_upstream_lines_nanoseconds_and_offsets() -> None:
    """Go writes RFC 3339 with up to nine fraction digits; an offset is honoured."""
    go = parse_record(
        '{"ts":"2026-11-30T10:00:00.123456789Z","claw_id":"analyst","type":"response",'
        '"model":"anthropic/claude-sonnet-4","latency_ms":1200,"status_code":200,'
        '"tokens_in":10,"tokens_out":20,"cost_usd":0.00033,"intervention":null}'
    )
    assert go is not None
    assert go.time == datetime(2026, 11, 30, 10, 0, 0, 123456, tzinfo=UTC)
    assert go.cost_usd == 0.00033
    shifted = parse_record(line(ts="2026-11-30T12:00:00+02:00", claw_id="a", type="request"))
    assert shifted is not None
    assert shifted.time == T0
    naive = parse_record(line(ts="2026-11-30T10:00:00", claw_id="a", type="request"))
    assert naive is not None
    assert naive.time == T0
    # A latency Go wrote as a float is rounded; the other counts must be whole.
    rounded = parse_record(response("a", 0, latency_ms=12.6))
    assert rounded is not None
    assert rounded.latency_ms == 13


def test_the_engine_timestamp_in_front_and_the_received_time() -> None:
    text = response("analyst", 5)
    stamped = parse_record(f"2026-11-30T10:00:09.000000001Z {text}")
    assert stamped == parse_record(text)  # the line's ts wins
    untimed = line(claw_id="analyst", type="request", model=MINI)
    assert parse_record(untimed) is None  # no time at all: cannot be placed
    received = T0 + timedelta(seconds=9)
    assert parse_record(untimed, received).time == received  # type: ignore[union-attr]
    from_prefix = parse_record(f"2026-11-30T10:00:09.5Z {untimed}", T0)
    assert from_prefix is not None
    assert from_prefix.time == T0 + timedelta(seconds=9.5)
    assert parse_record(f"  {text}  ") is not None  # surrounding blanks


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("cllama api listening on :8080", id="not JSON"),
        pytest.param('{"ts":"2026-11-30T10:00:00Z","claw_id":"a","type":"resp', id="partial"),
        pytest.param("[1, 2, 3]", id="a list"),
        pytest.param('"response"', id="a string"),
        pytest.param("{not json}", id="braces"),
        pytest.param(line(ts=at(0), claw_id="a"), id="no type"),
        pytest.param(line(ts=at(0), claw_id="a", type="debug"), id="unknown type"),
        pytest.param(line(ts=at(0), type="response"), id="no claw_id"),
        pytest.param(line(ts=at(0), claw_id=7, type="response"), id="claw_id a number"),
        pytest.param(line(ts=at(0), claw_id=None, type="response"), id="claw_id null"),
        pytest.param(line(ts="yesterday", claw_id="a", type="request"), id="ts not a time"),
        pytest.param(line(ts=1764496800, claw_id="a", type="request"), id="ts a number"),
        pytest.param(response("a", 0, model=["x"]), id="model a list"),
        pytest.param(response("a", 0, tokens_in="1000"), id="tokens a string"),
        pytest.param(response("a", 0, tokens_in=True), id="tokens a boolean"),
        pytest.param(response("a", 0, tokens_in=10.5), id="tokens a fraction"),
        pytest.param(response("a", 0, tokens_out=-1), id="tokens negative"),
        pytest.param(response("a", 0, tokens_in=10**13), id="tokens beyond belief"),
        pytest.param(response("a", 0, tokens_in=10**400), id="a 400-digit count"),
        pytest.param(response("a", 0, cost_usd="0.25"), id="cost a string"),
        pytest.param(response("a", 0, cost_usd=-0.01), id="cost negative"),
        pytest.param(response("a", 0, cost_usd=1e300), id="cost beyond belief"),
        pytest.param(response("a", 0, cost_usd=1e400), id="cost infinite"),
        pytest.param(response("a", 0).replace('"cost_usd":0.25', '"cost_usd":NaN'), id="NaN"),
        pytest.param(
            response("a", 0).replace('"cost_usd":0.25', '"cost_usd":-Infinity'), id="-Infinity"
        ),
        pytest.param(response("a", 0, status_code=200.0), id="status a float"),
        pytest.param(response("a", 0, status_code=99999), id="status out of range"),
        pytest.param(response("a", 0, latency_ms=-5), id="latency negative"),
        pytest.param(response("a", 0, latency_ms=10**12), id="latency beyond a day"),
        pytest.param(response("a", 0, error={"message": "x"}), id="error an object"),
        pytest.param(response("a", 0, intervention=1), id="intervention a number"),
        pytest.param("[" * 100_000 + "]" * 100_000, id="deeply nested list"),
        pytest.param('{"a":' * 20_000 + "1" + "}" * 20_000, id="deeply nested object"),
        pytest.param(
            response("a", 0, error="x" * (MAX_LINE + 1)), id="longer than the longest line"
        ),
    ],
)
def test_what_is_not_a_proxy_record_is_skipped(text: str) -> None:
    assert parse_record(text, T0) is None


def test_long_text_fields_are_cut() -> None:
    record = parse_record(response("a" * 5000, 0, model="m" * 5000, error="e" * 5000))
    assert record is not None
    assert record.agent == "a" * (MAX_FIELD - 1) + "…"
    assert record.model == "m" * (MAX_FIELD - 1) + "…"
    assert len(record.error) == MAX_FIELD


# Folding.


def folded(*texts: str, since: datetime | None = None) -> CostFold:
    fold = CostFold(since)
    for number, text in enumerate(texts):
        fold.add_line("proxy", text, T0 + timedelta(seconds=number))
    return fold


def test_totals_per_agent_and_model_and_the_pod() -> None:
    fold = folded(
        line(ts=at(0), claw_id="scout-1", type="request", model=SONNET),
        response("scout-1", 1),
        line(ts=at(2), claw_id="analyst", type="request", model=MINI),
        response("analyst", 3, model=MINI, tokens_in=10, tokens_out=5, cost_usd=0.5),
        response(
            "analyst", 4, model=MINI, status_code=500, tokens_in=1, tokens_out=0, cost_usd=0.0
        ),
        line(
            ts=at(5),
            claw_id="analyst",
            type="error",
            model=MINI,
            latency_ms=3,
            status_code=502,
            error="upstream request failed: ClientConnectorError",
        ),
        line(ts=at(6), claw_id="", type="error", status_code=401, error="invalid bearer token"),
        "cllama api listening on :8080",
        response("scout-0", 7),
        response("scout-0", 8, model=MINI, cost_usd=0.125),
        line(ts=at(9), claw_id="scout-0", type="intervention", intervention="blocked"),
    )
    assert [(r.agent, r.model) for r in fold.rows()] == [
        ("analyst", MINI),
        ("scout-0", MINI),
        ("scout-0", SONNET),
        ("scout-1", SONNET),
        ("", ""),
    ]
    assert [r.totals for r in fold.rows()] == [
        CostTotals(3, 2, 11, 5, 0.5, T0 + timedelta(seconds=5)),
        CostTotals(1, 0, 1000, 200, 0.125, T0 + timedelta(seconds=8)),
        CostTotals(1, 0, 1000, 200, 0.25, T0 + timedelta(seconds=7)),
        CostTotals(1, 0, 1000, 200, 0.25, T0 + timedelta(seconds=1)),
        CostTotals(1, 1, 0, 0, 0.0, T0 + timedelta(seconds=6)),
    ]
    assert fold.total() == CostTotals(7, 3, 3011, 605, 1.125, T0 + timedelta(seconds=8))
    assert fold.total({"scout-0", "scout-1"}) == CostTotals(
        3, 0, 3000, 600, 0.625, T0 + timedelta(seconds=8)
    )
    assert fold.rows({"nobody"}) == ()
    assert fold.total({"nobody"}) == CostTotals()
    assert fold.agents() == ("analyst", "scout-0", "scout-1", "")
    assert (fold.lines, fold.skipped, fold.records) == (11, 1, 10)


def test_since_leaves_out_earlier_records() -> None:
    fold = folded(
        response("analyst", 0),
        response("analyst", 59.999),
        response("analyst", 60),
        response("analyst", 61, cost_usd=1.0),
        since=T0 + timedelta(seconds=60),
    )
    assert fold.total() == CostTotals(2, 0, 2000, 400, 1.25, T0 + timedelta(seconds=61))
    assert fold.records == 2
    assert fold.lines == 4
    naive = CostFold(since=datetime(2026, 11, 30, 10, 1))  # naive: UTC
    assert naive.since == T0 + timedelta(minutes=1)


def test_spend_per_minute() -> None:
    fold = folded(
        response("analyst", -61, cost_usd=8.0),  # 09:58:59
        response("analyst", 0, cost_usd=1.0),  # 10:00:00
        response("analyst", 59.9, cost_usd=0.5),  # 10:00:59
        response("scout-0", 30, cost_usd=0.25),
        response("scout-0", 150, cost_usd=2.0),  # 10:02:30
        response("scout-1", 90, cost_usd=0.0),  # free: no spend
    )
    end = T0 + timedelta(minutes=2, seconds=45)
    assert fold.spend_per_minute(end, 5) == [8.0, 0.0, 1.75, 0.0, 2.0]
    assert fold.spend_per_minute(end, 5, {"analyst"}) == [8.0, 0.0, 1.5, 0.0, 0.0]
    assert fold.spend_per_minute(end, 2, {"scout-0", "scout-1"}) == [0.0, 2.0]
    assert fold.spend_per_minute(T0, 1) == [1.75]
    assert fold.spend_per_minute(T0 - timedelta(hours=1), 3) == [0.0, 0.0, 0.0]
    assert fold.spend_per_minute(end, 0) == []


def test_agents_beyond_the_bound_are_counted_together() -> None:
    fold = CostFold()
    for number in range(MAX_AGENTS + 5):
        fold.add(ProxyRecord(T0, f"agent-{number:04}", "error", status=403))
    fold.add(ProxyRecord(T0, "agent-0000", "error", status=403))  # known: counted apart still
    agents = fold.agents()
    assert agents == (OTHER_AGENTS, *(f"agent-{n:04}" for n in range(MAX_AGENTS)))
    assert fold.total({OTHER_AGENTS}) == CostTotals(5, 5, last_request=T0)
    assert fold.total({"agent-0000"}).requests == 2
    assert fold.total().requests == MAX_AGENTS + 6


def test_models_beyond_the_bound_per_agent() -> None:
    fold = CostFold()
    for number in range(MAX_MODELS + 3):
        fold.add(ProxyRecord(T0, "analyst", "response", f"m-{number:03}", 200, cost_usd=1.0))
    fold.add(ProxyRecord(T0, "analyst", "response", "m-000", 200, cost_usd=1.0))
    fold.add(ProxyRecord(T0, "scout-0", "response", "m-200", 200, cost_usd=1.0))
    rows = fold.rows({"analyst"})
    assert [r.model for r in rows] == [OTHER_MODELS, *(f"m-{n:03}" for n in range(MAX_MODELS))]
    assert rows[0].totals.requests == 3
    assert rows[0].totals.cost_usd == 3.0
    assert rows[1].totals.requests == 2
    assert [r.model for r in fold.rows({"scout-0"})] == ["m-200"]  # another agent's own bound


# Reading a log again.


def test_a_second_read_skips_what_the_first_gave() -> None:
    """The engine's ``since`` repeats the lines at the last time seen (and, with a time cut to
    microseconds, perhaps some before it): none is counted twice, none is lost."""
    fold = CostFold()
    t1, t2 = T0 + timedelta(seconds=1), T0 + timedelta(seconds=2)
    first = [(T0, response("a", 0)), (t1, response("a", 1)), (t1, response("a", 1.1))]
    for when, text in first:
        fold.add_line("c1", text, when)
    assert fold.last_seen("c1") == t1
    fold.resume("c1")
    again = [
        (T0, response("a", 0)),
        (t1, response("a", 1)),
        (t1, response("a", 1.1)),
        (t1, response("a", 1.2)),  # new: a third line at the same time
        (t2, response("a", 2)),
    ]
    added = [fold.add_line("c1", text, when) for when, text in again]
    assert [r.time if r else None for r in added] == [
        None,
        None,
        None,
        T0 + timedelta(seconds=1.2),
        T0 + timedelta(seconds=2),
    ]
    assert fold.total().requests == 5
    assert fold.lines == 5
    # Another container is its own log; one never read before has nothing to skip.
    fold.resume("c2")
    assert fold.add_line("c2", response("b", 0), T0) is not None
    # A resume with nothing new to skip past: lines after the last one are all taken.
    fold.resume("c1")
    assert fold.add_line("c1", response("a", 3), T0 + timedelta(seconds=3)) is not None
    assert fold.total().requests == 7
    # Without a resume, equal times are just lines that came at the same time.
    assert fold.admit("c1", T0 + timedelta(seconds=3))
    assert fold.admit("c1", None)


async def test_the_fold_agrees_with_the_proxys_own_ledger(tmp_path: Path) -> None:
    """Lines written by our proxy, read back: the same totals as the proxy's in-memory ledger."""
    upstream = Upstream()
    await upstream.server.start_server()
    _context(tmp_path, "alice")
    proxy = Proxy(tmp_path, {"openai": Provider("openai", upstream.url(), KEY)})
    await proxy.server.start_server()
    try:
        await proxy.post("/v1/chat/completions", {"model": "openai/gpt-4o"})
        await proxy.post("/v1/chat/completions", {"model": "openai/gpt-4o-mini"})
        await proxy.post("/v1/chat/completions", {"model": "nope"})
        await proxy.post("/v1/chat/completions", {"model": "openai/gpt-4o"}, token="x")
    finally:
        await proxy.server.close()
        await upstream.server.close()
    ledger = proxy.ledger.totals()
    fold = CostFold()
    for text in proxy.lines:
        assert fold.add_line("proxy", text, None) is not None, text
    rows = {(r.agent, r.model): r.totals for r in fold.rows()}
    assert set(rows) == {
        ("alice", "openai/gpt-4o"),
        ("alice", "openai/gpt-4o-mini"),
        ("alice", "nope"),
        ("", ""),
    }
    for (agent, _provider, model), totals in ledger.items():
        row = rows[agent, f"openai/{model}"]
        assert (row.requests, row.tokens_in, row.tokens_out) == (
            totals.requests,
            totals.tokens_in,
            totals.tokens_out,
        )
        assert row.cost_usd == pytest.approx(totals.cost_usd)
    assert rows["alice", "nope"].errors == 1
    assert rows["", ""].errors == 1  # the refused token
    assert fold.total().requests == 4


def test_format_usd() -> None:
    assert format_usd(0.0123) == "$0.0123"
    assert format_usd(0) == "$0.0000"
    assert format_usd(1234.5) == "$1,234.5000"
    assert format_usd(0.00004) == "$0.0000"
    costs = [0.00825] * 11
    one_by_one = sum(costs)
    in_pairs = sum(a + b for a, b in zip(costs[::2], costs[1::2], strict=False)) + costs[-1]
    assert (one_by_one, in_pairs) == (0.09075000000000003, 0.09075)  # one sum, two results
    assert format_usd(one_by_one) == format_usd(in_pairs) == "$0.0907"


# Properties.

_AGENTS = st.sampled_from(["analyst", "scout-0", "scout-1", ""])
_MODELS = st.sampled_from([SONNET, MINI, ""])


@st.composite
def records(draw: st.DrawFn) -> ProxyRecord:
    kind = draw(st.sampled_from(RECORD_TYPES))
    return ProxyRecord(
        time=T0 + timedelta(milliseconds=draw(st.integers(0, 10**7))),
        agent=draw(_AGENTS),
        type=kind,
        model=draw(_MODELS),
        status=None if kind == "request" else draw(st.sampled_from([200, 404, 500, 502])),
        latency_ms=None if kind == "request" else draw(st.integers(0, 10**6)),
        tokens_in=draw(st.integers(0, 10**9)),
        tokens_out=draw(st.integers(0, 10**9)),
        # Multiples of 1/1024: sums are exact in any order.
        cost_usd=draw(st.integers(0, 10**6)) / 1024,
        error="boom" if kind == "error" else "",
        intervention="blocked" if kind == "intervention" else None,
    )


def written(record: ProxyRecord) -> str:
    """``record`` as a proxy writes it (fields absent where a proxy leaves them out)."""
    fields: dict[str, Any] = {
        "ts": record.time.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "claw_id": record.agent,
        "type": record.type,
    }
    if record.model:
        fields["model"] = record.model
    if record.latency_ms is not None:
        fields["latency_ms"] = record.latency_ms
    if record.status is not None:
        fields["status_code"] = record.status
    if record.tokens_in or record.tokens_out:
        fields.update(tokens_in=record.tokens_in, tokens_out=record.tokens_out)
    if record.cost_usd:
        fields["cost_usd"] = record.cost_usd
    if record.error:
        fields["error"] = record.error
    fields["intervention"] = record.intervention
    return line(**fields)


@given(records())
def test_a_written_record_reads_back_the_same(record: ProxyRecord) -> None:
    assert parse_record(written(record)) == record


@settings(max_examples=60)
@given(st.lists(records(), max_size=40), st.randoms(use_true_random=False))
def test_order_does_not_change_the_totals_and_rows_add_up(
    items: list[ProxyRecord], random: Any
) -> None:
    fold = CostFold()
    fold.extend(items)
    shuffled = list(items)
    random.shuffle(shuffled)
    again = CostFold()
    again.extend(shuffled)
    assert fold.rows() == again.rows()
    total = fold.total()
    assert total.requests == sum(r.ended for r in items)
    assert total.errors == sum(r.failed for r in items)
    counted = [r for r in items if r.type != "intervention"]
    assert total.tokens_in == sum(r.tokens_in for r in counted)
    assert total.cost_usd == sum(r.cost_usd for r in counted)
    assert total.last_request == max((r.time for r in counted), default=None)
    per_agent = CostTotals()
    for agent in fold.agents():
        per_agent = per_agent.plus(fold.total({agent}))
    assert per_agent == total
    end = T0 + timedelta(milliseconds=10**7)
    assert sum(fold.spend_per_minute(end, 10**7 // 60_000 + 1)) == total.cost_usd


@settings(max_examples=200)
@given(st.text(max_size=300))
def test_any_text_is_read_or_skipped(text: str) -> None:
    record = parse_record(text, T0)
    assert record is None or record.time.tzinfo is not None


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=10,
)
_VALUES = st.one_of(_JSON, st.sampled_from(["request", "response", "error", at(0), "2026-13-01"]))


@settings(max_examples=300)
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "ts",
                "claw_id",
                "type",
                "model",
                "latency_ms",
                "status_code",
                "tokens_in",
                "tokens_out",
                "cost_usd",
                "error",
                "intervention",
                "other",
            ]
        ),
        _VALUES,
    )
)
def test_any_json_object_is_read_or_skipped(fields: dict[str, Any]) -> None:
    record = parse_record(json.dumps(fields), T0)
    if record is not None:
        assert record.type in ("request", "response", "error", "intervention")
        assert 0 <= record.tokens_in <= 10**12
        assert 0 <= record.cost_usd <= 1e6
        fold = CostFold()
        fold.add(record)
        assert fold.total().requests == int(record.ended)


def test_a_record_time_in_another_zone_buckets_by_the_instant() -> None:
    east = timezone(timedelta(hours=5, minutes=30))
    fold = CostFold()
    fold.add(ProxyRecord(T0.astimezone(east), "a", "response", cost_usd=1.0))
    assert fold.spend_per_minute(T0, 1) == [1.0]


def test_a_line_parsed_already_is_admitted_and_counted_the_same() -> None:
    by_line, by_record = CostFold(), CostFold()
    texts = [response("a", 0), "cllama api listening on :8080", response("a", 1)]
    for number, text in enumerate(texts):
        when = T0 + timedelta(seconds=number)
        by_line.add_line("c1", text, when)
        assert by_record.add_parsed("c1", when, parse_record(text, when))
    by_record.resume("c1")
    assert not by_record.add_parsed("c1", T0 + timedelta(seconds=2), parse_record(texts[2]))
    assert by_record.rows() == by_line.rows()
    assert (by_record.lines, by_record.skipped, by_record.records) == (3, 1, 2)
    assert (by_line.lines, by_line.skipped, by_line.records) == (3, 1, 2)
