"""Sample inputs shared by several test modules."""

from pathlib import Path

GOLDEN = Path(__file__).parent / "golden"

# The Clawfile upstream's parser and emitter tests use (with blank lines between groups).
UPSTREAM_REFERENCE = (GOLDEN / "clawfile" / "upstream-reference" / "Clawfile").read_text()
