"""Unified diffs as rows: parsing, side-by-side pairing, masking (clawtui.diffing)."""

from __future__ import annotations

import difflib

from clawtui.diffing import DiffLine, SideRow, clean_text, parse_diff, side_by_side

CHANGE = """\
--- a/compose.generated.yml
+++ b/compose.generated.yml
@@ -6,5 +6,6 @@ services:
     environment:
+      API_KEY: sk-live-123
       CLAW_MANAGED: 'true'
-      STUB_LOG_RATE: '4'
-      STUB_RETRIES: '1'
+      STUB_LOG_RATE: '5'
     env_file:
"""


def test_a_change_has_numbered_rows_and_no_file_headers() -> None:
    assert parse_diff(CHANGE) == (
        DiffLine("hunk", "@@ -6,5 +6,6 @@ services:"),
        DiffLine("context", "    environment:", 6, 6),
        DiffLine("add", "      API_KEY: •••• (API_KEY)", new=7),
        DiffLine("context", "      CLAW_MANAGED: 'true'", 7, 8),
        DiffLine("remove", "      STUB_LOG_RATE: '4'", old=8),
        DiffLine("remove", "      STUB_RETRIES: '1'", old=9),
        DiffLine("add", "      STUB_LOG_RATE: '5'", new=9),
        DiffLine("context", "    env_file:", 10, 10),
    )


def test_side_by_side_pairs_a_run_of_removed_lines_with_the_added_ones() -> None:
    rows = parse_diff(CHANGE)
    hunk, environment, api_key, managed, rate_old, retries, rate_new, env_file = rows
    assert side_by_side(rows) == (
        SideRow(banner=hunk),
        SideRow(environment, environment),
        SideRow(None, api_key),
        SideRow(managed, managed),
        SideRow(rate_old, rate_new),
        SideRow(retries, None),
        SideRow(env_file, env_file),
    )


def test_more_added_than_removed_lines_face_empty_cells() -> None:
    rows = parse_diff("@@ -1,2 +1,3 @@\n-a\n+b\n+c\n d\n")
    assert side_by_side(rows) == (
        SideRow(banner=DiffLine("hunk", "@@ -1,2 +1,3 @@")),
        SideRow(DiffLine("remove", "a", old=1), DiffLine("add", "b", new=1)),
        SideRow(None, DiffLine("add", "c", new=2)),
        SideRow(DiffLine("context", "d", 2, 3), DiffLine("context", "d", 2, 3)),
    )


def test_an_added_line_ends_the_run_a_later_removed_line_starts_another() -> None:
    rows = parse_diff("@@ -1,2 +1,2 @@\n-a\n+b\n-c\n+d\n")
    assert side_by_side(rows)[1:] == (
        SideRow(DiffLine("remove", "a", old=1), DiffLine("add", "b", new=1)),
        SideRow(DiffLine("remove", "c", old=2), DiffLine("add", "d", new=2)),
    )


def test_an_added_file_has_only_new_numbers() -> None:
    text = "".join(difflib.unified_diff([], ["one\n", "two\n"], "/dev/null", "b/new.md"))
    rows = parse_diff(text)
    assert rows == (
        DiffLine("hunk", "@@ -0,0 +1,2 @@"),
        DiffLine("add", "one", new=1),
        DiffLine("add", "two", new=2),
    )
    assert side_by_side(rows) == (
        SideRow(banner=rows[0]),
        SideRow(None, rows[1]),
        SideRow(None, rows[2]),
    )


def test_a_removed_file_has_only_old_numbers() -> None:
    text = "".join(difflib.unified_diff(["one\n", "two\n"], [], "a/old.md", "/dev/null"))
    rows = parse_diff(text)
    assert rows == (
        DiffLine("hunk", "@@ -1,2 +0,0 @@"),
        DiffLine("remove", "one", old=1),
        DiffLine("remove", "two", old=2),
    )
    assert side_by_side(rows) == (
        SideRow(banner=rows[0]),
        SideRow(rows[1], None),
        SideRow(rows[2], None),
    )


def test_no_newline_notes_stay_on_the_side_of_their_line() -> None:
    text = (
        "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n same\n-old\n"
        "\\ No newline at end of file\n+new\n\\ No newline at end of file\n"
    )
    note = DiffLine("note", "\\ No newline at end of file")
    rows = parse_diff(text)
    assert rows == (
        DiffLine("hunk", "@@ -1,2 +1,2 @@"),
        DiffLine("context", "same", 1, 1),
        DiffLine("remove", "old", old=2),
        note,
        DiffLine("add", "new", new=2),
        note,
    )
    assert side_by_side(rows) == (
        SideRow(banner=rows[0]),
        SideRow(rows[1], rows[1]),
        SideRow(rows[2], rows[4]),
        SideRow(note, note),
    )


def test_a_note_after_a_context_line_is_on_both_sides() -> None:
    rows = parse_diff("@@ -1,2 +1,2 @@\n-a\n+b\n end\n\\ No newline at end of file\n")
    note = DiffLine("note", "\\ No newline at end of file")
    assert side_by_side(rows)[-1] == SideRow(note, note)


def test_a_removed_line_starting_with_dashes_is_not_a_file_header() -> None:
    rows = parse_diff("--- a/x.yml\n+++ b/x.yml\n@@ -1,2 +1,1 @@\n----\n+++ not a header\n-a\n")
    assert rows == (
        DiffLine("hunk", "@@ -1,2 +1,1 @@"),
        DiffLine("remove", "---", old=1),
        DiffLine("add", "++ not a header", new=1),
        DiffLine("remove", "a", old=2),
    )


def test_hunks_are_numbered_from_their_own_headers() -> None:
    text = "@@ -1 +1 @@\n-a\n+b\n@@ -40,2 +40,2 @@\n x\n-y\n+z\n"
    assert parse_diff(text) == (
        DiffLine("hunk", "@@ -1 +1 @@"),
        DiffLine("remove", "a", old=1),
        DiffLine("add", "b", new=1),
        DiffLine("hunk", "@@ -40,2 +40,2 @@"),
        DiffLine("context", "x", 40, 40),
        DiffLine("remove", "y", old=41),
        DiffLine("add", "z", new=41),
    )


def test_lines_outside_hunks_are_meta_rows_across_both_columns() -> None:
    rows = parse_diff("--- a/x.env\n+++ b/x.env\n(sensitive content not shown)\n")
    assert rows == (DiffLine("meta", "(sensitive content not shown)"),)
    assert side_by_side(rows) == (SideRow(banner=rows[0]),)


def test_a_hunk_cut_short_ends_and_the_rest_is_meta() -> None:
    assert parse_diff("@@ -1,3 +1,3 @@\n a\n?garbage\n") == (
        DiffLine("hunk", "@@ -1,3 +1,3 @@"),
        DiffLine("context", "a", 1, 1),
        DiffLine("meta", "?garbage"),
    )


def test_an_empty_line_in_a_hunk_is_an_empty_context_line() -> None:
    assert parse_diff("@@ -1,2 +1,2 @@\n\n-a\n+b\n")[1] == DiffLine("context", "", 1, 1)


def test_secrets_are_masked_in_every_kind_of_line() -> None:
    text = (
        "@@ -1,2 +1,3 @@\n"
        ' "apiKey": "sk-live-1",\n'
        "-OPENAI_API_KEY=sk-live-2\n"
        "+OPENAI_API_KEY=${OPENAI_API_KEY}\n"
        "+GITHUB_TOKEN: ghp-live-3\n"
    )
    assert [row.text for row in parse_diff(text)] == [
        "@@ -1,2 +1,3 @@",
        '"apiKey": "•••• (apiKey)",',
        "OPENAI_API_KEY=•••• (OPENAI_API_KEY)",
        "OPENAI_API_KEY=${OPENAI_API_KEY}",
        "GITHUB_TOKEN: •••• (GITHUB_TOKEN)",
    ]


def test_each_side_of_a_hunk_is_masked_as_one_text() -> None:
    text = (
        "@@ -1,5 +1,5 @@\n"
        "-  SSH_PRIVATE_KEY: |\n"
        "+  NOTES: |\n"
        "     b3BlbnNzaC1rZXktdjEAAAAA\n"
        "-    CBSRDuCFlD8ojmAqr4lJgvSVE7\n"
        "+    a note\n"
        '   TOKEN="multi\n'
        '   line"\n'
        "@@ -10,2 +10,2 @@\n"
        "-  NOTES: |\n"
        "+  API_TOKEN: |\n"
        "     sk-live-1\n"
    )
    assert [(row.kind, row.text) for row in parse_diff(text)[1:]] == [
        ("remove", "  SSH_PRIVATE_KEY: |"),
        ("add", "  NOTES: |"),
        ("context", "    •••• (SSH_PRIVATE_KEY)"),  # a secret on one side: masked
        ("remove", "    •••• (SSH_PRIVATE_KEY)"),
        ("add", "    a note"),
        ("context", '  TOKEN="•••• (TOKEN)'),
        ("context", '  •••• (TOKEN)"'),
        ("hunk", "@@ -10,2 +10,2 @@"),
        ("remove", "  NOTES: |"),
        ("add", "  API_TOKEN: |"),
        ("context", "    •••• (API_TOKEN)"),
    ]


def test_control_characters_are_escaped_and_tabs_expanded() -> None:
    assert clean_text("a\tb\x1b[31mred\x07") == "a   b\\x1b[31mred\\x07"
    rows = parse_diff("@@ -1 +1 @@\n-\tx\n+\x1b]0;title\x07\n")
    assert [row.text for row in rows[1:]] == ["    x", "\\x1b]0;title\\x07"]
