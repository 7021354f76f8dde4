"""Text colours from the theme: contrast, the readable adjustment, the container-name colours,
and no literal colour anywhere in the TUI's styles."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from rich.errors import StyleSyntaxError
from rich.style import Style
from textual.color import BLACK, WHITE, Color

from clawtui.colours import READABLE, contrast, name_colours, readable

CLAWTUI = Path(__file__).parents[2] / "clawtui"
LIGHT = Color.parse("#cecece")  # textual-light's $surface
DARK = Color.parse("#272727")  # textual-dark's $surface


def test_contrast_is_the_wcag_ratio() -> None:
    assert contrast(BLACK, WHITE) == pytest.approx(21.0)
    assert contrast(WHITE, BLACK) == pytest.approx(21.0)
    assert contrast(LIGHT, LIGHT) == 1.0
    assert contrast(Color.parse("#777777"), WHITE) == pytest.approx(4.48, abs=0.01)


def test_a_readable_colour_is_kept() -> None:
    assert readable(Color.parse("#1f1f1f"), LIGHT) == Color.parse("#1f1f1f")
    assert readable(Color.parse("#fea62b"), DARK) == Color.parse("#fea62b")


@pytest.mark.parametrize(
    ("colour", "background", "darker"),
    [
        ("#fea62b", LIGHT, True),  # textual-dark's accent on textual-light: 1.4:1
        ("#ffffff", LIGHT, True),
        ("#b93c5b", DARK, False),  # textual-dark's error on its surface: 3.1:1
        ("#0000aa", Color.parse("#000000"), False),
    ],
)
def test_an_unreadable_colour_moves_towards_black_or_white(
    colour: str, background: Color, darker: bool
) -> None:
    before = Color.parse(colour)
    after = readable(before, background)
    assert contrast(after, background) >= READABLE
    assert contrast(before, background) < READABLE
    assert (after.brightness < before.brightness) is darker
    # As little as needed: one step less would not do.
    assert contrast(after, background) < READABLE + 2.5


def test_a_translucent_colour_is_blended_first_and_ansi_colours_are_left_alone() -> None:
    muted = Color(255, 255, 255, 0.6)  # "auto 60%" on a dark surface
    assert readable(muted, DARK) == DARK.blend(WHITE, 0.6)
    ansi = Color.parse("ansi_yellow")
    assert readable(ansi, LIGHT) is ansi
    assert readable(Color.parse("#cecece"), Color.parse("ansi_default")) == LIGHT


@pytest.mark.parametrize("background", [LIGHT, DARK, WHITE, BLACK, Color.parse("#eee8d5")])
def test_name_colours_are_distinct_readable_and_start_at_the_anchor(background: Color) -> None:
    anchor = Color.parse("#0178d4")  # textual's primary
    colours = name_colours(anchor, background, 10)
    assert len(colours) == 10
    assert len({c.hex for c in colours}) == 10
    assert all(contrast(c, background) >= READABLE for c in colours)
    hues = [round(c.hsl.h * 360) % 360 for c in colours]
    assert abs(hues[0] - round(anchor.hsl.h * 360)) <= 2
    # The first three, most often seen together, are far apart on the wheel.
    for first, second in ((0, 1), (0, 2), (1, 2)):
        apart = abs(hues[first] - hues[second])
        assert min(apart, 360 - apart) >= 80


# No literal colours in the TUI's styles: every colour comes from the theme.

_CSS_COLOUR = re.compile(
    r"(?:^|[{;])\s*(?:color|background|border[a-z-]*|outline[a-z-]*|tint|scrollbar[a-z-]*)"
    r"\s*:\s*([^;}]+)",
    re.MULTILINE,
)
_HEX = re.compile(r"#[0-9a-fA-F]{3,8}\b")


def _css_sources() -> list[tuple[str, str]]:
    """(where, CSS text) for every .tcss file and every DEFAULT_CSS / CSS string of clawtui."""
    found = [(str(path), path.read_text()) for path in CLAWTUI.rglob("*.tcss")]
    for path in CLAWTUI.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
                names = [t.id for t in node.targets if isinstance(t, ast.Name)]
                if {"DEFAULT_CSS", "CSS"} & set(names) and isinstance(node.value.value, str):
                    found.append((f"{path}:{node.lineno}", node.value.value))
    return found


def _literal_colours(value: str) -> list[str]:
    literal = []
    for token in value.split():
        if token.startswith("$") or token.endswith("%") or token in ("auto", "transparent"):
            continue
        try:
            Color.parse(token)
        except Exception:  # a border type, a number: not a colour
            continue
        literal.append(token)
    return literal


def test_the_tui_styles_use_theme_variables_only() -> None:
    sources = _css_sources()
    assert len(sources) > 10  # the scan finds the styles it checks
    found = []
    for where, css in sources:
        found += [f"{where}: {hit}" for hit in _HEX.findall(css)]
        for match in _CSS_COLOUR.finditer(css):
            found += [f"{where}: {token}" for token in _literal_colours(match.group(1))]
    assert found == []


def _rich_colour(text: str) -> bool:
    """Whether ``text`` is a Rich style that names a colour."""
    if not text or len(text) > 60 or "\n" in text:
        return False
    try:
        style = Style.parse(text)
    except (StyleSyntaxError, ValueError, AttributeError):
        return False
    return style.color is not None or style.bgcolor is not None


def test_the_tui_code_names_no_colour() -> None:
    """No string in the TUI's code (the command line's ANSI output aside) is a Rich style with
    a colour: Rich styles are made from the theme when the widgets render."""
    found = []
    for path in CLAWTUI.rglob("*.py"):
        if path.parent.name == "cli":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
                continue
            if _rich_colour(node.value) or _HEX.fullmatch(node.value.strip()):
                found.append(f"{path.relative_to(CLAWTUI)}:{node.lineno}: {node.value!r}")
    assert found == []
