"""``claw inspect IMAGE [--json]``."""

from __future__ import annotations

import argparse
import shlex
from collections.abc import Iterable, Sequence

from clawlib import InspectedImage, inspect_image
from clawlib.secrets import mask_command, mask_secrets, mask_value, split_command

from ._output import print_json, printable

__all__ = ["configure", "format_inspection"]


def configure(verb: str, parser: argparse.ArgumentParser) -> None:
    parser.description = "Read an image's claw.* labels and show what they declare."
    parser.add_argument("image", metavar="IMAGE")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    inspected = inspect_image(args.image)
    if args.json:
        image, info = inspected.image, inspected.info
        print_json(
            {
                "image": {"ref": image.ref, "id": image.id, "tags": list(image.tags)},
                "claw": info.is_claw,
                **info.to_json(),
                # Masked as the table masks them.
                "invocations": [
                    {"schedule": str(i.schedule), "command": mask_secrets(i.command)}
                    for i in info.invocations
                ],
                "configures": [_shown_command(command) for command in info.configures],
                "privileges": {k: mask_value(k, v) for k, v in info.privileges.items()},
            }
        )
    else:
        print(format_inspection(inspected))
    return 0


def format_inspection(inspected: InspectedImage) -> str:
    """The human table: one row per field that has a value, lists one item per line."""
    image, info = inspected.image, inspected.info
    short_id = image.id.removeprefix("sha256:")[:12]
    rows: list[tuple[str, Sequence[str]]] = [("Image", [f"{image.ref} ({short_id})"])]
    if not info.is_claw:
        rows.append(("Claw type", ["none: not a claw image (no claw.type label)"]))
    else:
        rows += [
            ("Claw type", [info.claw_type or ""]),
            ("Agent", [info.agent or "(none)"]),
            ("Persona", [info.persona] if info.persona else []),
            ("Models", _pairs(info.models.items())),
            ("Cllama", info.cllama),
            ("Handles", [", ".join(info.handles)] if info.handles else []),
            ("Surfaces", [s.raw for s in info.surfaces]),
            ("Skills", info.skills),
            ("Skill emit", [info.skill_emit] if info.skill_emit else []),
            (
                "Invoke",
                _pairs((str(i.schedule), mask_secrets(i.command)) for i in info.invocations),
            ),
            ("Configure", [_shown_command(command) for command in info.configures]),
            ("Privileges", _pairs((k, mask_value(k, v)) for k, v in info.privileges.items())),
            ("Tracks", [", ".join(info.tracks)] if info.tracks else []),
        ]
    rows.append(("Warnings", info.problems))
    rows = [(name, list(values)) for name, values in rows if values]
    width = max(len(name) for name, _ in rows) + 2
    lines = []
    for name, values in rows:
        for index, value in enumerate(values):
            label = f"{name}:" if index == 0 else ""
            lines.append(f"{label:<{width}}{printable(value)}")
    return "\n".join(lines)


def _shown_command(command: str) -> str:
    """``command`` as written, unless it holds a literal secret: then with that masked."""
    words = split_command(command)
    masked = mask_command(words)
    return command if masked == shlex.join(words) else masked


def _pairs(items: Iterable[tuple[str, str]]) -> list[str]:
    pairs = list(items)
    width = max((len(key) for key, _ in pairs), default=0)
    return [f"{key:<{width}}  {value}" for key, value in pairs]
