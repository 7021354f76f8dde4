"""Colours of text drawn with Rich styles, taken from the app's theme when it renders and made
readable on the background they are drawn on.

Widgets that build Rich text themselves (the tree's labels, the status bar, the log view's
rows) cannot use the theme's variables the way TCSS does. Two traps come with it: a component
style read with ``partial=True`` loses the theme's blending (``$text-muted`` is ``auto 60%``,
which comes out as plain white, unreadable on a light theme), and not every theme's text colours
stand out from its own surfaces (textual-light's ``$text-warning`` on ``$surface`` is 3:1).
:func:`text_style` reads a component class the way the theme means it and adjusts its colour
with :func:`readable`; :func:`name_colours` makes the colours that tell log sources apart from
the theme's primary colour.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style
from textual.color import BLACK, WHITE, Color

if TYPE_CHECKING:
    from textual.widget import Widget

__all__ = ["READABLE", "contrast", "name_colours", "readable", "text_style"]

READABLE = 4.5
"""The least contrast of text with its background (WCAG 2, level AA for body text)."""

_STEPS = 20
_GOLDEN = 0.381966
"""The golden angle, as a fraction of the colour wheel."""


def _luminance(colour: Color) -> float:
    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(colour.r) + 0.7152 * linear(colour.g) + 0.0722 * linear(colour.b)


def contrast(first: Color, second: Color) -> float:
    """The WCAG 2 contrast ratio of two opaque colours: 1 (the same) to 21 (black on white)."""
    high, low = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def readable(colour: Color, background: Color, minimum: float = READABLE) -> Color:
    """``colour``, or the nearest colour towards black (on a light background) or white (on a
    dark one) with at least ``minimum`` contrast with ``background``. A colour with alpha is
    first blended onto the background; the terminal's own ANSI colours are left as they are."""
    if colour.ansi is not None or background.ansi is not None:
        return colour
    if colour.a < 1:
        colour = background.blend(colour.with_alpha(1.0), colour.a)
    if contrast(colour, background) >= minimum:
        return colour
    target = BLACK if contrast(BLACK, background) >= contrast(WHITE, background) else WHITE
    for step in range(1, _STEPS + 1):
        candidate = colour.blend(target, step / _STEPS)
        if contrast(candidate, background) >= minimum:
            return candidate
    return target


def name_colours(anchor: Color, background: Color, count: int) -> tuple[Color, ...]:
    """``count`` colours for telling sources apart, light on a dark ``background`` and dark on a
    light one, each readable on it. The first has ``anchor``'s hue; each next one turns by the
    golden angle, so that the first few, the ones most often seen together, differ the most."""
    hue = anchor.hsl.h
    dark = contrast(WHITE, background) >= contrast(BLACK, background)
    lightness = 0.7 if dark else 0.35
    return tuple(
        readable(Color.from_hsl((hue + index * _GOLDEN) % 1.0, 0.6, lightness), background)
        for index in range(count)
    )


def text_style(widget: Widget, component: str, background: Color | None = None) -> Style:
    """The style of text in ``widget``'s component class ``component``: its colour as the
    current theme gives it, made readable on ``background`` (default: the widget's), and its
    text style (bold, italic...); no background, so that the widget's own (a cursor line, a
    highlight) shows through."""
    full = widget.get_component_rich_style(component)
    partial = widget.get_component_rich_style(component, partial=True)
    attributes = Style(
        bold=partial.bold,
        dim=partial.dim,
        italic=partial.italic,
        underline=partial.underline,
        strike=partial.strike,
        reverse=partial.reverse,
    )
    if full.color is None or full.color.is_default:
        return attributes
    behind = background if background is not None else widget.background_colors[1]
    colour = readable(Color.from_rich_color(full.color), behind)
    return Style(color=colour.rich_color) + attributes
