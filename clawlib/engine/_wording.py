"""How a container's state is put in words, the same way in ``claw ps``, the health verdicts
and every pane of the UI."""

from __future__ import annotations

from datetime import datetime

from ._containers import ContainerRecord

__all__ = ["describe_state", "format_duration", "state_word"]


def format_duration(seconds: float) -> str:
    """``45s``, ``3m 2s``, ``2h 5m``, ``3d 4h``: two units at most, like a dashboard (never
    negative: a clock a little behind the engine's shows ``0s``)."""
    total = max(0, int(seconds))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes}m"
    if minutes:
        return f"{minutes}m {secs}s"
    return f"{secs}s"


def state_word(container: ContainerRecord, now: datetime) -> str:
    """The state in a word or two, for a column or a tree row: ``running``, ``stopped`` (on
    purpose: see :attr:`ContainerRecord.stopped`), ``exited (137)``, ``crash-looping``
    (restarting, or dying young again and again), ``created``, ``paused``..."""
    if container.crash_looping(now):
        return "crash-looping"
    if container.stopped:
        return "stopped"
    if container.state == "exited":
        return f"exited ({container.exit_code})"
    return container.state


def describe_state(container: ContainerRecord, now: datetime, *, uptime: bool = True) -> str:
    """The state in a few words: ``running, up 3m 2s, restarted once``; ``exited (1)``;
    ``crash-looping: restarted 4 times, restarting now``; ``crash-looping: restarted 3 times,
    last exit code 1`` (the engine resets the exit code while the container runs again: then
    none is named).
    ``uptime``: say how long it has run (leave it out where a column shows it)."""
    restarts = container.restart_count
    if container.state == "restarting" and not restarts:
        return "restarting"
    if container.state == "restarting":
        return f"crash-looping: restarted {_times(restarts)}, restarting now"
    if container.crash_looping(now):
        text = f"crash-looping: restarted {_times(restarts)}"
        return text if container.running else f"{text}, last exit code {container.exit_code}"
    if container.stopped:
        return f"stopped (exit code {container.exit_code})"
    if container.state == "exited":
        return f"exited ({container.exit_code})"
    text = container.state
    up = container.uptime(now)
    if uptime and up is not None:
        text += f", up {format_duration(up)}"
    if restarts:
        text += f", restarted {_times(restarts)}"
    return text


def _times(count: int) -> str:
    return "once" if count == 1 else f"{count} times"
