"""Write ``Dockerfile.generated``: the Docker instructions as written, then the ``claw.*`` labels.

- Parser directives (``# syntax=``, ``# escape=``) stay at the top, since they change how Docker
  reads everything below them.
- Each Docker instruction is written as its source lines, continuation lines and heredoc bodies
  included; whole-line comments between instructions and claw directives are dropped.
- A byte-order mark that started a line inside the Clawfile (so Docker keeps it, as part of an
  instruction's keyword) is never the file's first character, where Docker would drop it.
- The labels follow a blank line at the very end, so they land in the final build stage, one
  ``LABEL`` per line in a fixed order. Values are quoted so that Docker stores exactly the value:
  ``"``, ``$`` and the escape character are escaped (no build-time ``$VAR`` expansion), and the
  TAB of an invocation label is written as a real TAB, which Docker keeps.
"""

from __future__ import annotations

from pathlib import PurePath

from ._info import LabelKey
from ._parser import Clawfile

__all__ = ["clawfile_labels", "emit_dockerfile", "generated_dockerfile_name", "quote_label_value"]


def clawfile_labels(clawfile: Clawfile) -> tuple[tuple[str, str], ...]:
    """The ``claw.*`` labels of ``clawfile`` in emission order."""
    labels: list[tuple[str, str]] = [(LabelKey.TYPE, clawfile.claw_type)]
    if clawfile.agent:
        labels.append((LabelKey.AGENT, clawfile.agent))
    labels += [(f"{LabelKey.CLLAMA}{i}", v) for i, v in enumerate(clawfile.cllama)]
    if clawfile.persona:
        labels.append((LabelKey.PERSONA, clawfile.persona))
    labels += [(f"{LabelKey.MODEL}{slot}", ref) for slot, ref in sorted(clawfile.models.items())]
    labels += [(f"{LabelKey.HANDLE}{platform}", "true") for platform in clawfile.handles]
    labels += [(f"{LabelKey.SURFACE}{i}", s.raw) for i, s in enumerate(clawfile.surfaces)]
    labels += [
        (f"{LabelKey.PRIVILEGE}{mode}", spec) for mode, spec in sorted(clawfile.privileges.items())
    ]
    labels += [(f"{LabelKey.TRACK}{i}", v) for i, v in enumerate(clawfile.tracks)]
    labels += [(f"{LabelKey.SKILL}{i}", v) for i, v in enumerate(clawfile.skills)]
    labels += [(f"{LabelKey.CONFIGURE}{i}", v) for i, v in enumerate(clawfile.configures)]
    labels += [
        (f"{LabelKey.INVOKE}{i}", inv.label_value()) for i, inv in enumerate(clawfile.invocations)
    ]
    return tuple(labels)


def quote_label_value(value: str, escape: str = "\\") -> str:
    """Double-quote ``value`` for a Dockerfile whose escape character is ``escape``.

    Inside double quotes Docker unescapes only ``"``, ``$`` and the escape character itself;
    every other character, a TAB included, is stored as written.
    """
    out = []
    for char in value:
        if char in ('"', "$", escape):
            out.append(escape)
        out.append(char)
    return '"' + "".join(out) + '"'


def emit_dockerfile(clawfile: Clawfile) -> str:
    """The text of ``Dockerfile.generated`` for ``clawfile`` (same input, same bytes)."""
    lines = [directive.source for directive in clawfile.parser_directives]
    lines += [instruction.source for instruction in clawfile.instructions]
    if lines:
        lines.append("")
    lines += [
        f"LABEL {key}={quote_label_value(value, clawfile.escape)}"
        for key, value in clawfile_labels(clawfile)
    ]
    text = "\n".join(lines) + "\n"
    # Docker drops a byte-order mark at the very start of a file only: one that opened a later
    # line of the Clawfile (a comment dropped before it) must not open the Dockerfile.
    return "\n" + text if text.startswith("\ufeff") else text


def generated_dockerfile_name(clawfile_name: str) -> str:
    """The name of the Dockerfile generated from the Clawfile named ``clawfile_name``.

    ``Clawfile`` gives ``Dockerfile.generated``; ``Clawfile.<x>`` gives
    ``Dockerfile.<x>.generated``, so that several Clawfiles in one directory do not share (and
    overwrite) one generated file; any other name ``<n>`` gives ``<n>.Dockerfile.generated``.
    """
    name = PurePath(clawfile_name).name
    if name == "Clawfile" or name.startswith("Clawfile."):
        return "Dockerfile" + name.removeprefix("Clawfile") + ".generated"
    return f"{name}.Dockerfile.generated"
