"""Five-field cron schedules, as INVOKE and ``x-claw.invoke`` write them.

Each field is a comma-separated list of parts; a part is ``*``, a number, a range ``a-b``, each
optionally followed by ``/step``. Numbers are plain decimal integers (an optional sign allowed,
as Go's ``strconv.Atoi`` reads them); names (``MON``, ``JAN``), ``?``, ``L`` and ``@hourly`` are
not accepted, so that every schedule means the same to every runner.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from clawlib.errors import InvalidValueError

from ._lexer import go_fields

__all__ = ["CronSchedule", "atoi"]

_FIELDS = (
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("day", 1, 31),
    ("month", 1, 12),
    ("weekday", 0, 7),
)
_INTEGER = re.compile(r"[+-]?[0-9]+")
_INT64_MAX = 2**63 - 1


@dataclass(frozen=True, slots=True)
class CronSchedule:
    """A validated schedule; ``str()`` gives the five fields joined by single spaces."""

    minute: str
    hour: str
    day: str
    month: str
    weekday: str

    @classmethod
    def parse(cls, text: str) -> CronSchedule:
        """Parse exactly five whitespace-separated fields; raise :class:`InvalidValueError`."""
        fields = go_fields(text)
        if len(fields) != len(_FIELDS):
            raise InvalidValueError(
                f'cron schedule "{text}" has {len(fields)} fields; expected 5: '
                "minute hour day month weekday"
            )
        return cls.from_fields(fields)

    @classmethod
    def from_fields(cls, fields: list[str]) -> CronSchedule:
        """Validate five fields already split apart."""
        for value, (name, low, high) in zip(fields, _FIELDS, strict=True):
            problem = _field_problem(value, low, high)
            if problem:
                raise InvalidValueError(f'invalid {name} field "{value}": {problem}')
        return cls(*fields)

    def __str__(self) -> str:
        return " ".join((self.minute, self.hour, self.day, self.month, self.weekday))


def atoi(text: str) -> int | None:
    """``text`` read as Go's ``strconv.Atoi`` reads it (a signed decimal that fits 64 bits),
    or None when it does not."""
    if not _INTEGER.fullmatch(text) or len(text.lstrip("+-0")) > len(str(_INT64_MAX)):
        return None  # (checked before int(): Python converts only so many digits)
    value = int(text)
    return value if -_INT64_MAX - 1 <= value <= _INT64_MAX else None


def _field_problem(field: str, low: int, high: int) -> str | None:
    bounds = f"{low}-{high}"
    for part in field.split(","):
        if part == "":
            return "empty value"
        base = part
        if "/" in part:
            pieces = part.split("/")
            if len(pieces) != 2:
                return "invalid step syntax"
            base, step_text = pieces
            step = atoi(step_text)
            if step is None or step <= 0:
                return f'invalid step "{step_text}" (expected a whole number above 0)'
        if base == "*":
            continue
        if "-" in base:
            ends = base.split("-")
            if len(ends) != 2:
                return "invalid range syntax"
            start, end = atoi(ends[0]), atoi(ends[1])
            if start is None:
                return f'invalid range start "{ends[0]}"'
            if end is None:
                return f'invalid range end "{ends[1]}"'
            if start < low or end > high or start > end:
                return f"range {start}-{end} out of bounds {bounds}"
            continue
        value = atoi(base)
        if value is None:
            return f'invalid value "{base}" (expected *, a number, a-b, or one of those /step)'
        if not low <= value <= high:
            return f"value {value} out of bounds {bounds}"
    return None
