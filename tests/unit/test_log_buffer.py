"""The log pane's buffer: preparing feed items, the bounded ring, the filter view, search hits
and the wrap index."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from clawlib.engine import LogEnded, LogLine, LogSource
from clawtui.logbuffer import (
    CUT_AT,
    MARKER,
    STDERR,
    STDOUT,
    Batch,
    LogBuffer,
    PatternError,
    WrapIndex,
    clean_text,
    clock,
    compile_query,
    prepare,
)

T0 = datetime(2026, 11, 30, 8, 0, 0, tzinfo=UTC)
A = LogSource("a" * 64, "demo-alpha-1", "alpha")
B = LogSource("b" * 64, "demo-beta-1", "beta")


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def out(source: LogSource, text: str, seconds: float = 0.0) -> LogLine:
    return LogLine(source, text, "stdout", at(seconds))


def filled(texts: list[str], max_lines: int = 100) -> LogBuffer:
    buffer = LogBuffer(max_lines)
    buffer.append(texts, [0] * len(texts), [None] * len(texts))
    return buffer


# Queries.


def test_a_plain_query_is_a_case_insensitive_substring() -> None:
    pattern = compile_query("Err.or")
    assert pattern is not None
    assert pattern.search("an ERR.OR here")
    assert not pattern.search("an error here")


def test_re_prefix_makes_a_regular_expression() -> None:
    pattern = compile_query("re:^\\d+ ok$")
    assert pattern is not None
    assert pattern.search("42 OK")
    assert not pattern.search("x 42 ok")


@pytest.mark.parametrize("query", ["", "re:"])
def test_an_empty_query_is_none(query: str) -> None:
    assert compile_query(query) is None


def test_an_invalid_expression_says_what_and_where() -> None:
    with pytest.raises(PatternError) as caught:
        compile_query("re:(ab")
    assert str(caught.value) == (
        "invalid regular expression '(ab': missing ), unterminated subpattern at position 0"
    )


# Text.


def test_clean_text_removes_escapes_and_replaces_controls() -> None:
    assert clean_text("\x1b[31mred\x1b[0m\tx\x07y\x1b]0;title\x07z") == "red     x\ufffdyz"


def test_clean_text_cuts_a_huge_line_and_says_how_much() -> None:
    cut = clean_text("y" * (CUT_AT + 12_345))
    assert cut == "y" * CUT_AT + " … (12,345 more characters)"


def test_clock_is_local_time_with_milliseconds() -> None:
    when = datetime(2026, 11, 30, 8, 1, 2, 345_678, tzinfo=UTC)
    local = when.astimezone()
    assert clock(when) == f"{local:%H:%M:%S}.345"
    assert clock(None) == " " * 12


# Preparing a feed's items.


def test_prepare_makes_parallel_lists_and_lists_new_sources() -> None:
    batch = Batch()
    index: dict[str, int] = {A.container_id: 0}
    prepare(
        [
            out(A, "one", 1),
            LogLine(B, "two", "stderr", at(2)),
            LogEnded(A, "container exited (code 0)"),
        ],
        batch,
        index,
        {},
    )
    assert batch.texts == ["one", "two", "── demo-alpha-1: container exited (code 0) ──"]
    assert batch.metas == [0 * 4 + STDOUT, 1 * 4 + STDERR, 0 * 4 + MARKER]
    assert batch.stamps == [at(1), at(2), None]
    assert batch.new_sources == [B]
    assert index == {A.container_id: 0, B.container_id: 1}
    assert batch.last_seen == {A.container_id: at(1), B.container_id: at(2)}
    assert batch.widest == 3


def test_prepare_skips_what_was_shown_until_the_first_newer_line() -> None:
    batch = Batch()
    after = {A.container_id: at(3), B.container_id: at(5)}
    prepare(
        [out(A, "a2", 2), out(A, "a3", 3), out(B, "b6", 6), out(A, "a4", 4), out(A, "a1", 1)],
        batch,
        {A.container_id: 0, B.container_id: 1},
        after,
    )
    # Once a source passed its mark it is not checked again (its lines come in order).
    assert batch.texts == ["b6", "a4", "a1"]
    assert after == {}


def test_prepare_cleans_only_lines_that_need_it() -> None:
    batch = Batch()
    prepare([out(A, "a\tb"), out(A, "z" * (CUT_AT + 1)), out(A, "日本")], batch, {}, {})
    assert batch.texts == ["a       b", "z" * CUT_AT + " … (1 more characters)", "日本"]
    assert batch.widest == CUT_AT + len(" … (1 more characters)")
    wide = Batch()
    prepare([out(A, "日本 ok")], wide, {}, {})
    assert wide.widest == 7  # two cells for each of the two wide characters


# The ring.


def test_lines_are_numbered_and_the_front_is_pruned_and_counted() -> None:
    buffer = LogBuffer(max_lines=3)
    assert buffer.append(["a", "b"], [0, 0], [None, None]) == (2, 0)
    assert buffer.append(["c", "d", "e"], [0, 1, 0], [None, at(1), None]) == (3, 2)
    assert buffer.texts == ["c", "d", "e"]
    assert (buffer.first, buffer.end, buffer.dropped) == (2, 5, 2)
    assert buffer.line(3) == ("d", 1, at(1))


def test_a_batch_larger_than_the_ring_keeps_its_newest_lines() -> None:
    buffer = filled(["a", "b"], max_lines=3)
    assert buffer.append(list("cdefg"), [0] * 5, [None] * 5) == (3, 2)
    assert buffer.texts == ["e", "f", "g"]
    assert (buffer.first, buffer.dropped) == (4, 4)


def test_clear_forgets_lines_but_keeps_numbering_and_sources() -> None:
    buffer = filled(["a", "b"], max_lines=1)
    buffer.add_source(A)
    buffer.clear()
    assert (len(buffer), buffer.dropped, buffer.first, buffer.end) == (0, 0, 2, 2)
    assert buffer.sources == [A]
    assert buffer.add_source(B) == 1
    assert buffer.add_source(A) == 0


def test_plain_lines_for_saving_and_copying() -> None:
    buffer = LogBuffer()
    buffer.add_source(A)
    buffer.append(
        ["hello", "── demo-alpha-1: container removed ──"], [STDOUT, MARKER], [at(1), None]
    )
    local = at(1).astimezone()
    assert buffer.plain(0, 14) == "demo-alpha-1   │ hello\n"
    assert buffer.plain(0, 12, "clock") == f"{local:%H:%M:%S}.000 demo-alpha-1 │ hello\n"
    assert buffer.plain(0, 12, "iso") == (
        f"{local.isoformat(timespec='milliseconds')} demo-alpha-1 │ hello\n"
    )
    assert buffer.plain(1, 12, "iso") == " " * 30 + "── demo-alpha-1: container removed ──\n"
    assert buffer.plain(1, 12) == "── demo-alpha-1: container removed ──\n"


# Filter and search.


def test_the_filter_is_a_view_kept_up_to_date_as_lines_arrive() -> None:
    buffer = filled(["GET /", "error: x", "GET /a"], max_lines=4)
    buffer.set_filter(compile_query("get"))
    assert list(buffer.shown_numbers()) == [0, 2]
    assert buffer.append(["get /b", "boom"], [0, 0], [None, None]) == (1, 1)
    # Line 0 was pruned (the ring holds 4): it leaves the view as well.
    assert list(buffer.shown_numbers()) == [2, 3]
    assert buffer.shown_count == 2
    assert buffer.shown_position(3) == 1
    assert buffer.shown_number(1) == 3
    buffer.set_filter(None)
    assert list(buffer.shown_numbers()) == [1, 2, 3, 4]


def test_the_filter_also_passes_every_line_of_a_container_it_names() -> None:
    buffer = LogBuffer(100)
    buffer.add_source(A)
    buffer.add_source(B)
    # alpha: "tick", "beta is late"; beta: "tick", "tock"
    buffer.append(["tick", "tick", "beta is late", "tock"], [0, 4, 0, 4], [None] * 4)
    buffer.set_filter(compile_query("beta"))
    assert list(buffer.shown_numbers()) == [1, 2, 3]
    buffer.append(["from alpha", "from beta"], [0, 4], [None, None])
    assert list(buffer.shown_numbers()) == [1, 2, 3, 5]
    buffer.set_filter(compile_query("tock"))  # no container named so: the text alone
    assert list(buffer.shown_numbers()) == [3]


def test_search_hits_follow_the_filter_and_the_ring() -> None:
    buffer = filled(["a1", "b1", "a2", "b2"], max_lines=5)
    buffer.set_search(compile_query("re:\\d$"))
    assert buffer.hits == [0, 1, 2, 3]
    buffer.set_filter(compile_query("a"))
    assert buffer.hits == [0, 2]
    buffer.append(["a3", "b3"], [0, 0], [None, None])
    assert buffer.hits == [2, 4]
    assert buffer.hit_index(4) == 1
    assert buffer.hit_index(3) is None


def test_hit_navigation_wraps_around() -> None:
    buffer = filled(["x", "hit", "x", "hit", "hit"])
    buffer.set_search(compile_query("hit"))
    assert buffer.hits == [1, 3, 4]
    assert buffer.hit_after(1) == 3
    assert buffer.hit_after(1, inclusive=True) == 1
    assert buffer.hit_after(4) == 1
    assert buffer.hit_before(3) == 1
    assert buffer.hit_before(1) == 4
    buffer.set_search(None)
    assert buffer.hit_after(0) is None


def test_patterns_apply_to_the_text_only() -> None:
    buffer = filled(["alpha"])
    buffer.set_filter(re.compile("demo"))
    assert buffer.shown_count == 0


# Wrapping.


def test_the_wrap_index_maps_rows_to_lines() -> None:
    index = WrapIndex([1, 3, 2])
    assert (len(index), index.rows) == (3, 6)
    assert [index.locate(row) for row in range(6)] == [
        (0, 0),
        (1, 0),
        (1, 1),
        (1, 2),
        (2, 0),
        (2, 1),
    ]
    assert index.row_of(2) == 4
    assert index.drop_front(2) == 4
    index.extend([5])
    assert (len(index), index.rows) == (2, 7)
    assert index.locate(2) == (1, 0)
    assert index.row_of(1) == 2
