"""``claw``: the command line over clawlib and the TUI, with docker compose habits."""

from ._main import main

__all__ = ["main"]
