"""Dockerfile lexing rules as the Clawfile lexer applies them."""

from __future__ import annotations

import pytest

from clawlib.clawfile import Clawfile
from clawlib.clawfile._lexer import after_fields, go_fields, go_strip, lex
from clawlib.errors import ClawfileError


def texts(source: str) -> list[tuple[int, str]]:
    return [(i.line, i.text) for i in lex(source).instructions]


def lex_error(source: str) -> str:
    with pytest.raises(ClawfileError) as caught:
        lex(source)
    return str(caught.value)


def test_comments_and_blank_lines_are_skipped_and_lines_counted() -> None:
    source = "# comment\n\nFROM a\n   # indented comment\nRUN echo # not a comment\n"
    assert texts(source) == [(3, "FROM a"), (5, "RUN echo # not a comment")]


def test_continuation_joins_without_separator_and_keeps_indent() -> None:
    source = "FROM a\nRUN a && \\\n    b\n"
    assert texts(source) == [(1, "FROM a"), (2, "RUN a &&     b")]


def test_continuation_with_trailing_blanks_after_the_escape() -> None:
    assert texts("RUN a \\ \t\nb\n") == [(1, "RUN a b")]


def test_comments_inside_a_continuation_are_skipped() -> None:
    assert texts("RUN a \\\n# note\n  b\n") == [(1, "RUN a   b")]


def test_empty_continuation_line_is_skipped_with_a_warning() -> None:
    lexed = lex("RUN a \\\n\n b\n")
    assert [(i.line, i.text) for i in lexed.instructions] == [(1, "RUN a  b")]
    assert lexed.warnings == ((2, "empty continuation line"),)


def test_source_keeps_the_physical_lines() -> None:
    (instruction,) = lex("RUN a \\\n# note\n  b\n").instructions
    assert instruction.source == "RUN a \\\n# note\n  b"
    assert (instruction.line, instruction.end_line) == (1, 3)


def test_continuation_open_at_end_of_file_is_written_back_joined() -> None:
    (instruction,) = lex("RUN a \\\n  b \\\n").instructions
    assert instruction.source == "RUN a   b "
    (dangling,) = lex("FROM \\\\").instructions  # FROM \\ : still ends with the escape
    assert dangling.source == "FROM "


def test_escape_directive_changes_the_continuation_character() -> None:
    lexed = lex("# escape=`\nFROM a\nRUN dir C:\\ `\n  /w\n")
    assert lexed.escape == "`"
    assert [i.text for i in lexed.instructions] == ["FROM a", "RUN dir C:\\   /w"]


def test_parser_directives_only_at_the_head() -> None:
    lexed = lex("# syntax=docker/dockerfile:1\n  # Escape = `\nFROM a\n# escape=\\\n")
    assert [(d.name, d.value, d.line) for d in lexed.directives] == [
        ("syntax", "docker/dockerfile:1", 1),
        ("escape", "`", 2),
    ]


def test_an_ordinary_comment_ends_the_parser_directives() -> None:
    lexed = lex("# hello\n# escape=`\nFROM a\n")
    assert (lexed.directives, lexed.escape) == ((), "\\")


def test_unknown_directive_ends_the_parser_directives() -> None:
    lexed = lex("# foo=bar\n# escape=`\nFROM a\n")
    assert (lexed.directives, lexed.escape) == ((), "\\")


def test_repeated_parser_directive() -> None:
    assert lex_error("# escape=`\n# escape=\\\nFROM a\n") == (
        "Clawfile:2: only one escape parser directive can be used"
    )


def test_invalid_escape_character() -> None:
    assert lex_error("# escape=x\nFROM a\n") == (
        "Clawfile:1: invalid escape token 'x': must be \\ or `"
    )


def test_bom_and_crlf() -> None:
    assert texts("\ufeffFROM a\r\nRUN b \\\r\n c\r\n") == [(1, "FROM a"), (2, "RUN b  c")]


def test_only_newline_splits_lines() -> None:
    # \x0b, \x1c and \u2028 are line breaks to str.splitlines, not to Docker.
    assert texts("RUN a\x0bb\x1cc\u2028d\n") == [(1, "RUN a\x0bb\x1cc\u2028d")]


def test_keywords_are_lowercased_but_text_is_kept() -> None:
    (instruction,) = lex("  RuN   echo  hi\n").instructions
    assert (instruction.keyword, instruction.keyword_text, instruction.text) == (
        "run",
        "RuN",
        "RuN   echo  hi",
    )
    assert instruction.remainder == "echo  hi"


def test_line_longer_than_docker_reads() -> None:
    assert lex_error("FROM a\nRUN " + "x" * 65532 + "\n") == (
        "Clawfile:2: line is 65536 bytes long; Docker reads at most 65535"
    )


def test_heredoc_body_belongs_to_its_instruction() -> None:
    source = "FROM a\nRUN <<EOF\nCLAW_TYPE not-a-directive\n  echo hi\nEOF\nWORKDIR /w\n"
    lexed = lex(source)
    assert [(i.line, i.keyword) for i in lexed.instructions] == [
        (1, "from"),
        (2, "run"),
        (6, "workdir"),
    ]
    run = lexed.instructions[1]
    assert run.source == "RUN <<EOF\nCLAW_TYPE not-a-directive\n  echo hi\nEOF"
    assert [(h.name, h.body, h.chomp) for h in run.heredocs] == [
        ("EOF", "CLAW_TYPE not-a-directive\n  echo hi\n", False)
    ]


def test_heredoc_variants() -> None:
    source = "COPY <<-\"A\" <<'B' /dst/\n\tfirst\n\tA\nsecond\nB\n"
    (copy,) = lex(source).instructions
    assert [(h.name, h.body, h.chomp) for h in copy.heredocs] == [
        ("A", "\tfirst\n", True),
        ("B", "second\n", False),
    ]
    assert copy.end_line == 5


def test_quoted_heredoc_marker_is_not_a_heredoc() -> None:
    assert texts('RUN echo "<<EOF"\nRUN cat<<EOF\nFROM a\n') == [
        (1, 'RUN echo "<<EOF"'),
        (2, "RUN cat<<EOF"),
        (3, "FROM a"),
    ]


def test_heredocs_only_on_run_copy_add() -> None:
    assert texts("LABEL a=<<EOF\nFROM b\n") == [(1, "LABEL a=<<EOF"), (2, "FROM b")]


def test_unterminated_heredoc() -> None:
    assert lex_error("FROM a\nRUN <<EOF\necho\n") == (
        "Clawfile:2: unterminated heredoc: no line 'EOF' closes <<EOF"
    )


def test_heredoc_in_a_clawfile_reports_its_line() -> None:
    clawfile = Clawfile.parse("FROM a\nCLAW_TYPE openclaw\nRUN <<EOF\nx\nEOF\n")
    assert clawfile.heredoc_lines == (3,)


def test_go_whitespace_helpers() -> None:
    assert go_fields(" a\tb\u3000c\x1cd ") == ["a", "b", "c\x1cd"]
    assert go_strip("\xa0 x \x85") == "x"
    assert after_fields("0\t9  *  *  1-5   say  hi ", 5) == "say  hi"
    assert after_fields("a b", 5) == ""
