"""Clawfiles: lexing with Dockerfile rules, directive parsing, Dockerfile emission, labels.

A Clawfile is a Dockerfile plus claw directives. :meth:`Clawfile.parse` reads one;
:func:`emit_dockerfile` writes the Dockerfile Docker builds (directives turned into ``claw.*``
labels); :meth:`ClawImageInfo.from_labels` reads those labels back from a built image.
"""

from ._cron import CronSchedule
from ._emit import (
    clawfile_labels,
    emit_dockerfile,
    generated_dockerfile_name,
    quote_label_value,
)
from ._info import ClawImageInfo, Invocation, LabelKey
from ._inputs import (
    BUILD_BASES_LABEL,
    BUILD_DOCKERFILE_LABEL,
    base_images,
    build_input_labels,
    build_inputs_changed,
)
from ._lexer import Heredoc, Instruction, ParserDirective
from ._parser import DIRECTIVES, Clawfile, read_clawfile
from ._surface import ACCESS_MODES, Surface

__all__ = [
    "ACCESS_MODES",
    "BUILD_BASES_LABEL",
    "BUILD_DOCKERFILE_LABEL",
    "DIRECTIVES",
    "ClawImageInfo",
    "Clawfile",
    "CronSchedule",
    "Heredoc",
    "Instruction",
    "Invocation",
    "LabelKey",
    "ParserDirective",
    "Surface",
    "base_images",
    "build_input_labels",
    "build_inputs_changed",
    "clawfile_labels",
    "emit_dockerfile",
    "generated_dockerfile_name",
    "quote_label_value",
    "read_clawfile",
]
